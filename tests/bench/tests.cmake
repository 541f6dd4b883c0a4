# The benchmark of issue #10 (newsdoc-bench).  Run the full benchmark with
# scripts/bench.sh; ctest only runs a tiny smoke run (3 articles, no pandoc).
if(NEWSDOC_BUILD_BENCH)
  find_library(MD4C_HTML_LIBRARY md4c-html)
  find_path(MD4C_HTML_INCLUDE_DIR md4c-html.h)
  if(NOT MD4C_HTML_LIBRARY OR NOT MD4C_HTML_INCLUDE_DIR)
    message(WARNING "newsdoc-bench needs md4c's HTML renderer (Debian libmd4c-html0-dev); not built")
  else()
    add_executable(newsdoc-bench ${CMAKE_CURRENT_LIST_DIR}/bench.c ${CMAKE_CURRENT_LIST_DIR}/gen.c)
    target_include_directories(newsdoc-bench PRIVATE ${MD4C_HTML_INCLUDE_DIR})
    target_link_libraries(newsdoc-bench PRIVATE newsdoc ${MD4C_HTML_LIBRARY} ${MD4C_LIBRARY} m)
    target_compile_definitions(newsdoc-bench PRIVATE
      NEWSDOC_BENCH_SHARED="${NEWSDOC_SHARED_DIR}"
      NEWSDOC_BENCH_BUILD_TYPE="${CMAKE_BUILD_TYPE}"
      NEWSDOC_BENCH_CLI_LINKAGE="${NEWSDOC_CLI_LINKAGE}"
      $<$<TARGET_EXISTS:newsdoc-convert>:NEWSDOC_BENCH_CONVERT="$<TARGET_FILE:newsdoc-convert>">)
    add_test(NAME bench.smoke
             COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/smoke.sh $<TARGET_FILE:newsdoc-bench>
                     ${PROJECT_BINARY_DIR}/tests/bench-smoke ${NEWSDOC_SHARED_DIR})
    set_tests_properties(bench.smoke PROPERTIES ENVIRONMENT "${NEWSDOC_TEST_ENV}" TIMEOUT 120 LABELS bench
                         SKIP_RETURN_CODE 77)
  endif()
endif()
