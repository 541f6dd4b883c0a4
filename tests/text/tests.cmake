# tests/text/tests.cmake - the text format's group (issue 3).
# test_decode and test_lang exercise internal functions (nd_decode_text,
# nd_guess_lang, ...), which the shared library does not export: link them
# against the static library instead and let them see internal.h.
foreach(_t test_decode test_lang test_text_width)
  if(TARGET ${_t})
    set_property(TARGET ${_t} PROPERTY LINK_LIBRARIES newsdoc_static PkgConfig::CRITERION Threads::Threads)
    target_include_directories(${_t} PRIVATE ${PROJECT_SOURCE_DIR}/libnewsdoc)
  endif()
endforeach()

# The CLI on the sample article: text -> json equals text -> text -> json.
add_test(NAME text.cli_roundtrip COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/cli_roundtrip.sh)
set_tests_properties(text.cli_roundtrip PROPERTIES ENVIRONMENT "${NEWSDOC_TEST_ENV}" SKIP_RETURN_CODE 77 LABELS text)
