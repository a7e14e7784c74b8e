# TA-Lib itself, as the oracle of the indicator tests: rtml's streaming indicators
# must give TA-Lib's values. Debian does not package TA-Lib, so the tests build its
# C sources from the npm registry's `talib` package (TA-Lib 0.6, BSD licence),
# fetched once, checked against a pinned hash, into the cache below. Nothing of it
# is part of rtml or linked into anything but tests.
set(RTML_TALIB_VERSION 2.0.5)
set(RTML_TALIB_SHA256 b73e2a382d0937e7a9e889c6e1285d811747b3a78365f325493889cb7b302cde)
set(RTML_DEPS_CACHE "$ENV{HOME}/.cache/rtml" CACHE PATH "Where test-only downloads are kept")

set(_talib_tgz "${RTML_DEPS_CACHE}/talib-${RTML_TALIB_VERSION}.tgz")
if(NOT EXISTS "${_talib_tgz}")
  message(STATUS "Fetching the TA-Lib reference for the indicator tests")
  file(DOWNLOAD "https://registry.npmjs.org/talib/-/talib-${RTML_TALIB_VERSION}.tgz"
       "${_talib_tgz}.part" EXPECTED_HASH SHA256=${RTML_TALIB_SHA256} STATUS _status)
  list(GET _status 0 _code)
  if(NOT _code EQUAL 0)
    file(REMOVE "${_talib_tgz}.part")
    message(FATAL_ERROR "Could not fetch TA-Lib (the indicator tests' reference) from the npm "
                        "registry: ${_status}. Put talib-${RTML_TALIB_VERSION}.tgz in "
                        "${RTML_DEPS_CACHE}, or configure with -DRTML_BUILD_TESTS=OFF.")
  endif()
  file(RENAME "${_talib_tgz}.part" "${_talib_tgz}")
endif()

set(_talib_dir "${PROJECT_BINARY_DIR}/_deps/talib-${RTML_TALIB_VERSION}")
if(NOT EXISTS "${_talib_dir}/package/src/lib/include/ta_func.h")
  file(ARCHIVE_EXTRACT INPUT "${_talib_tgz}" DESTINATION "${_talib_dir}"
       PATTERNS package/src/lib/include package/src/lib/src/ta_common package/src/lib/src/ta_func)
endif()

set(_talib_src "${_talib_dir}/package/src/lib")
file(GLOB _talib_sources "${_talib_src}/src/ta_common/*.c" "${_talib_src}/src/ta_func/*.c")
add_library(talib_reference STATIC ${_talib_sources})
target_include_directories(talib_reference SYSTEM PUBLIC "${_talib_src}/include"
                           PRIVATE "${_talib_src}/src/ta_common" "${_talib_src}/src/ta_func")
# Third-party C: built as it is, quietly.
target_compile_options(talib_reference PRIVATE -w)
