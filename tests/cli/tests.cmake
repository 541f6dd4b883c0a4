# Batch mode of the CLI (issue #10): tests/cli/batch.sh.
if(NEWSDOC_BUILD_EXAMPLES)
  add_test(NAME cli.batch COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/batch.sh)
  set_tests_properties(cli.batch PROPERTIES ENVIRONMENT "${NEWSDOC_TEST_ENV}" TIMEOUT 120 LABELS cli)
endif()
