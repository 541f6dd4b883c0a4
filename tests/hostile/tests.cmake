# The hostile corpus (issue #9): generated at test time into the build
# directory, run through every registered reader by hostile_driver under a
# time bound, a memory bound and strace.  See tests/hostile/run_hostile.py.
add_executable(hostile_driver ${CMAKE_CURRENT_LIST_DIR}/hostile_driver.c)
target_link_libraries(hostile_driver PRIVATE newsdoc)
if(NEWSDOC_SANITIZE)
  target_compile_definitions(hostile_driver PRIVATE HOSTILE_SANITIZED)
endif()
add_test(NAME hostile.corpus
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/run_hostile.py
                 --driver $<TARGET_FILE:hostile_driver> --out ${PROJECT_BINARY_DIR}/hostile)
# The runner uses both cores itself.
set_tests_properties(hostile.corpus PROPERTIES ENVIRONMENT "${NEWSDOC_TEST_ENV}" TIMEOUT 1500
                     LABELS hardening RUN_SERIAL TRUE)
