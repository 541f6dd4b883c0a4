# tests/epub/tests.cmake - the epub format's group (issue 6).
#   epub.epubcheck   EPUBCheck: 0 fatals, 0 errors, 0 warnings for the sample
#                    article, the fixtures and every corpus document the
#                    registered readers can read, converted to EPUB
#   epub.pandoc      pandoc -f epub sees the sample's outline; spine rtl, ar
#   epub.hostile     broken and hostile books give errors, never crashes
# Each script exits 77 (skipped) when ../shared, java/epubcheck or pandoc
# is missing, or when a reader it needs is not registered yet.
# test_epub_internal exercises internal functions (the OPF/nav/NCX parsers,
# dates), which the shared library does not export: link it against the
# static library and let it see internal.h.
if(TARGET test_epub_internal)
  set_property(TARGET test_epub_internal PROPERTY LINK_LIBRARIES newsdoc_static PkgConfig::CRITERION Threads::Threads)
  target_include_directories(test_epub_internal PRIVATE ${PROJECT_SOURCE_DIR}/libnewsdoc)
endif()
add_test(NAME epub.epubcheck
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/epubcheck_all.py
                 --fixtures ${CMAKE_CURRENT_LIST_DIR}/fixtures --out ${PROJECT_BINARY_DIR}/epub-check)
set_tests_properties(epub.epubcheck PROPERTIES ENVIRONMENT "${NEWSDOC_TEST_ENV}" TIMEOUT 3000
                     SKIP_RETURN_CODE 77 LABELS epub)
add_test(NAME epub.pandoc
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/pandoc_outline.py --out ${PROJECT_BINARY_DIR}/epub-pandoc)
set_tests_properties(epub.pandoc PROPERTIES ENVIRONMENT "${NEWSDOC_TEST_ENV}" TIMEOUT 300
                     SKIP_RETURN_CODE 77 LABELS epub)
add_test(NAME epub.hostile
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/hostile_epub.py --out ${PROJECT_BINARY_DIR}/epub-hostile)
set_tests_properties(epub.hostile PROPERTIES ENVIRONMENT "${NEWSDOC_TEST_ENV}" TIMEOUT 300
                     SKIP_RETURN_CODE 77 LABELS epub)
