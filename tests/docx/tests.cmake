# DOCX (issue #7): what independent consumers make of our output, and how
# our reader compares with pandoc on the real documents of ../shared.
#   docx.consumers  pandoc, LibreOffice (headless) and python3-docx on the
#                   sample article and an Arabic fixture
#   docx.corpus     every ../shared/corpus/docx file read; outline agreement
#                   with pandoc printed per file
# Both exit 77 (skipped) when ../shared is absent.
add_test(NAME docx.consumers COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/test_consumers.py)
add_test(NAME docx.corpus COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/test_corpus.py)
set_tests_properties(docx.consumers docx.corpus PROPERTIES ENVIRONMENT "${NEWSDOC_TEST_ENV}" SKIP_RETURN_CODE 77
                     LABELS docx)
set_tests_properties(docx.consumers PROPERTIES TIMEOUT 300)
set_tests_properties(docx.corpus PROPERTIES TIMEOUT 300)
