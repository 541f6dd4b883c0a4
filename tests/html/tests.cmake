# tests/html/tests.cmake - the html format's scripted tests (issue 5).
#   html.pandoc_outline  the sample (text reader) written as HTML; pandoc's HTML
#                        reader sees the sample's outline; <html lang="ar" dir="rtl">
#   html.chromium_dir    headless Chromium: computed direction of the article and
#                        of a Latin paragraph, headings and paragraphs present, and
#                        a screenshot in ${build}/html-tests/
#   html.corpus          every page of ../shared/corpus/html converts; title and
#                        paragraph count per page; agreement with the expected files
foreach(_t pandoc_outline chromium_dir corpus)
  add_test(NAME html.${_t} COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/${_t}.py)
  set_tests_properties(html.${_t} PROPERTIES ENVIRONMENT "${NEWSDOC_TEST_ENV}" SKIP_RETURN_CODE 77
                       TIMEOUT 300 LABELS html)
endforeach()
# The corpus again with every conversion under valgrind (memcheck + leaks).
add_test(NAME html.corpus_valgrind COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/corpus.py --valgrind)
set_tests_properties(html.corpus_valgrind PROPERTIES ENVIRONMENT "${NEWSDOC_TEST_ENV}" SKIP_RETURN_CODE 77
                     TIMEOUT 900 LABELS "html;valgrind")

# test_html_reader calls nd_html_parse_into() (XHTML, as the EPUB reader
# does), which the shared library does not export: link it statically.
if(TARGET test_html_reader)
  set_property(TARGET test_html_reader PROPERTY LINK_LIBRARIES newsdoc_static PkgConfig::CRITERION Threads::Threads)
  target_include_directories(test_html_reader PRIVATE ${PROJECT_SOURCE_DIR}/libnewsdoc)
endif()
