# rtml_add_test(NAME SOURCES... LIBS...): one GoogleTest binary, registered with CTest.
function(rtml_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} rtml_test_support GTest::gtest_main
                                        GTest::gmock rtml_warnings)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60
                       PROPERTIES ENVIRONMENT "RTML_BIN=$<TARGET_FILE:rtml>")
endfunction()
