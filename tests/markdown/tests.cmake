# tests/markdown/tests.cmake - the markdown format's group (issue 4).
#   markdown.spec            every CommonMark 0.31.2 spec example, markdown -> html
#                            fragment in-process (ctypes on libnewsdoc.so), HTML
#                            normalised as commonmark-spec's normalize.py does;
#                            prints the pass count per section; fails below the floor
#   markdown.spec_cli        the same through newsdoc-convert
#   markdown.pathological    cmark's pathological input families and 50 MB single
#                            lines: under 1 s of CPU each; nesting past max-depth
#                            is NEWSDOC_ELIMIT_DEPTH
#   markdown.pandoc_outline  the sample read as text -> markdown -> pandoc json has
#                            the sample's .outline
#   markdown.corpus_stable   every readable corpus document through markdown is
#                            stable after one pass (model and bytes); pandoc reads
#                            the same outline
#   markdown.random_inputs   4000 seeded random token soups: all read, written
#                            markdown reads, >= 99 % stable after one pass
# Each exits 77 (skipped) when ../shared, pandoc, or a format it needs (html,
# text) is missing.
set(NEWSDOC_MD_SPEC_FLOOR 631)
set(_md_env ${NEWSDOC_TEST_ENV} "NEWSDOC_LIB=$<TARGET_FILE:newsdoc>")
add_test(NAME markdown.spec
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/spec_tests.py --min ${NEWSDOC_MD_SPEC_FLOOR})
add_test(NAME markdown.spec_cli
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/spec_tests.py --cli --min ${NEWSDOC_MD_SPEC_FLOOR})
add_test(NAME markdown.pathological COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/pathological.py)
add_test(NAME markdown.pandoc_outline COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/pandoc_outline.py)
add_test(NAME markdown.corpus_stable COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/corpus_stable.py)
add_test(NAME markdown.random_inputs COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/random_inputs.py)
set_tests_properties(markdown.spec markdown.spec_cli markdown.pathological markdown.pandoc_outline
                     markdown.corpus_stable markdown.random_inputs PROPERTIES
                     ENVIRONMENT "${_md_env}" SKIP_RETURN_CODE 77 LABELS markdown)
set_tests_properties(markdown.spec markdown.pandoc_outline markdown.random_inputs PROPERTIES TIMEOUT 300)
set_tests_properties(markdown.spec_cli PROPERTIES TIMEOUT 300)
set_tests_properties(markdown.pathological markdown.corpus_stable PROPERTIES TIMEOUT 900)
