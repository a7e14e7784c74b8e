# rtml_add_test(NAME SOURCES... LIBS...): one GoogleTest binary, registered with CTest.
# Tests that run the `rtml` binary find it through RTML_BIN. It is a plain path, not a
# target dependency, so a unit test does not wait for (or break with) the whole CLI.
function(rtml_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} rtml_test_support GTest::gtest_main
                                        GTest::gmock rtml_warnings)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60
                       PROPERTIES ENVIRONMENT "RTML_BIN=${PROJECT_BINARY_DIR}/rtml")
endfunction()
