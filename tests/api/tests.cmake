# The public API: headers, install tree, ABI baseline, the CLI.
add_test(NAME api.headertest COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/headertest.sh)
add_test(NAME api.install COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/install.sh)
add_test(NAME api.abi COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/abi.sh $<TARGET_FILE:newsdoc>)
add_test(NAME api.cli COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/cli.sh)
set_tests_properties(api.headertest api.install api.abi api.cli PROPERTIES ENVIRONMENT "${NEWSDOC_TEST_ENV}" TIMEOUT 300 LABELS api)
