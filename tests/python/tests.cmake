# Python bindings (bindings/python) and the Python examples, tested with pytest
# under Debian's /usr/bin/python3 against the libnewsdoc just built.
#   python.bindings   tests/python except the Dask batch test
#   python.batch_dask tests/python/test_batch_dask.py (a LocalCluster, 2 workers)
#   python.typing     tests/python/test_typing.py (mypy --strict; skips without mypy)
# pytest exits 5 when it collected no test: ctest reports that as skipped.
# The tests write only under the build tree (--basetemp) and leave no cache
# or __pycache__ in the source tree.
set(NEWSDOC_PYTHON /usr/bin/python3)
set(_py_dir ${CMAKE_CURRENT_LIST_DIR})
set(_py_env
    "NEWSDOC_LIBRARY=$<TARGET_FILE:newsdoc>"
    "PYTHONPATH=${PROJECT_SOURCE_DIR}/bindings/python"
    "PYTHONDONTWRITEBYTECODE=1"
    ${NEWSDOC_TEST_ENV})
execute_process(COMMAND ${NEWSDOC_PYTHON} -c "import pytest, cffi"
                RESULT_VARIABLE _py_missing OUTPUT_QUIET ERROR_QUIET)
# A sanitized library loads into Python only with the runtime preloaded;
# memory-growth checks mean nothing under ASan's quarantine (NEWSDOC_SANITIZED).
set(_py_skip "")
if(NEWSDOC_SANITIZE MATCHES "thread")
  set(_py_skip "skipped: the Python tests do not run under ThreadSanitizer")
elseif(NEWSDOC_SANITIZE MATCHES "address")
  set(_preload "")
  foreach(_rt asan ubsan)
    if(_rt STREQUAL "asan" OR NEWSDOC_SANITIZE MATCHES "undefined")
      execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=lib${_rt}.so
                      OUTPUT_VARIABLE _rtpath OUTPUT_STRIP_TRAILING_WHITESPACE)
      list(APPEND _preload ${_rtpath})
    endif()
  endforeach()
  string(REPLACE ";" " " _preload "${_preload}")
  list(APPEND _py_env "LD_PRELOAD=${_preload}" "ASAN_OPTIONS=detect_leaks=0" "NEWSDOC_SANITIZED=1")
elseif(NEWSDOC_SANITIZE)
  list(APPEND _py_env "NEWSDOC_SANITIZED=1")
endif()
if(_py_missing)
  set(_py_skip "skipped: python3-pytest or python3-cffi is not installed (scripts/deps.sh)")
endif()
foreach(_t bindings batch_dask typing)
  if(_t STREQUAL "bindings")
    set(_sel --ignore=${_py_dir}/test_batch_dask.py --ignore=${_py_dir}/test_typing.py ${_py_dir})
  else()
    set(_sel ${_py_dir}/test_${_t}.py)
  endif()
  if(_py_skip)
    add_test(NAME python.${_t} COMMAND ${NEWSDOC_PYTHON} -c "print('${_py_skip}'); raise SystemExit(5)")
  else()
    add_test(NAME python.${_t}
             COMMAND ${NEWSDOC_PYTHON} -m pytest -q -rs -p no:cacheprovider
                     --basetemp=${CMAKE_CURRENT_BINARY_DIR}/python-tmp-${_t} ${_sel}
             WORKING_DIRECTORY ${PROJECT_BINARY_DIR})
  endif()
  set_tests_properties(python.${_t} PROPERTIES ENVIRONMENT "${_py_env}" SKIP_RETURN_CODE 5
                       TIMEOUT 300 LABELS python)
endforeach()
