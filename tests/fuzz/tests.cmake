# Fuzzing (issue #9).
#
# Regular build: fuzz_replay_HARNESS links a harness with a main() and
# replays (1) every saved finding under tests/fuzz/crashes/HARNESS/ as its
# own test and (2) the seed corpora, generated at test time into the build
# directory by make_seeds.py.
#
# -DNEWSDOC_FUZZ=ON (clang, with -DNEWSDOC_SANITIZE=address,undefined):
# the libFuzzer harnesses fuzz_HARNESS, with the library instrumented for
# coverage.  scripts/fuzz.sh builds and runs them.
set(NEWSDOC_FUZZ_HARNESSES text markdown html epub docx json roundtrip)
set(_fuzz_dir ${CMAKE_CURRENT_LIST_DIR})

function(_newsdoc_fuzz_source out h)
  if(h STREQUAL "roundtrip")
    set(${out} ${_fuzz_dir}/fuzz_roundtrip.c PARENT_SCOPE)
  else()
    set(${out} ${_fuzz_dir}/fuzz_reader.c PARENT_SCOPE)
  endif()
endfunction()

add_test(NAME fuzz.seeds.generate
         COMMAND /usr/bin/python3 ${_fuzz_dir}/make_seeds.py ${PROJECT_BINARY_DIR}/fuzz-seeds
                 $<TARGET_FILE:newsdoc-convert>)
set_tests_properties(fuzz.seeds.generate PROPERTIES ENVIRONMENT "${NEWSDOC_TEST_ENV}" FIXTURES_SETUP fuzz_seeds
                     LABELS fuzz TIMEOUT 300)

foreach(_h IN LISTS NEWSDOC_FUZZ_HARNESSES)
  _newsdoc_fuzz_source(_src ${_h})
  add_executable(fuzz_replay_${_h} ${_fuzz_dir}/replay_main.c ${_src})
  target_compile_definitions(fuzz_replay_${_h} PRIVATE FUZZ_FORMAT="${_h}" REPLAY_FORMAT="${_h}")
  target_link_libraries(fuzz_replay_${_h} PRIVATE newsdoc)
  add_test(NAME fuzz.seeds.${_h} COMMAND fuzz_replay_${_h} ${PROJECT_BINARY_DIR}/fuzz-seeds/${_h})
  set_tests_properties(fuzz.seeds.${_h} PROPERTIES FIXTURES_REQUIRED fuzz_seeds SKIP_RETURN_CODE 77
                       LABELS fuzz TIMEOUT 600)
  file(GLOB _crashes CONFIGURE_DEPENDS ${_fuzz_dir}/crashes/${_h}/*)
  foreach(_c IN LISTS _crashes)
    get_filename_component(_cn ${_c} NAME)
    add_test(NAME fuzz.replay.${_h}.${_cn} COMMAND fuzz_replay_${_h} ${_c})
    set_tests_properties(fuzz.replay.${_h}.${_cn} PROPERTIES SKIP_RETURN_CODE 77 LABELS fuzz TIMEOUT 120)
  endforeach()
endforeach()

if(NEWSDOC_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "NEWSDOC_FUZZ needs clang (CC=clang): libFuzzer is part of clang")
  endif()
  # Coverage instrumentation for the library; the harnesses link libFuzzer.
  target_compile_options(newsdoc_objects PRIVATE -fsanitize=fuzzer-no-link)
  foreach(_h IN LISTS NEWSDOC_FUZZ_HARNESSES)
    _newsdoc_fuzz_source(_src ${_h})
    add_executable(fuzz_${_h} ${_src})
    target_compile_definitions(fuzz_${_h} PRIVATE FUZZ_FORMAT="${_h}")
    target_compile_options(fuzz_${_h} PRIVATE -fsanitize=fuzzer)
    target_link_options(fuzz_${_h} PRIVATE -fsanitize=fuzzer)
    target_link_libraries(fuzz_${_h} PRIVATE newsdoc_static)
  endforeach()
endif()
