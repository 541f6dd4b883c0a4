#!/usr/bin/env bash
# The sanitizer stages of issue #9, each in its own build directory:
#
#   asan      -DNEWSDOC_SANITIZE=address,undefined (gcc), the full ctest there
#   valgrind  valgrind memcheck over every unit-test binary (plain build),
#             --leak-check=full --errors-for-leak-kinds=definite,indirect
#   tsan      -DNEWSDOC_SANITIZE=thread (clang), test_threads
#
#   scripts/sanitize.sh [asan] [valgrind] [tsan]      (default: all three)
#   SANITIZE_PREFIX=DIR  where the build-asan/build-valgrind/build-tsan
#                        directories go (default: the source tree)
#   SANITIZE_CTEST_ARGS  ctest arguments for the asan stage.  The default leaves
#                        out the tests labelled valgrind (valgrind cannot run
#                        ASan binaries) and the few whose time goes to an
#                        external program rather than the library (epubcheck's
#                        JVM, mypy, a Dask cluster, 652 CLI starts of the
#                        CommonMark spec), to stay inside CI's budget; set it
#                        to "" for the whole suite (about 35 minutes on 2 cores).
#
# Prints each stage's result and time; exits non-zero when any stage fails.
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
prefix=${SANITIZE_PREFIX:-$src}
stages=("$@")
[ ${#stages[@]} -eq 0 ] && stages=(asan valgrind tsan)
export NEWSDOC_SHARED=${NEWSDOC_SHARED:-$src/../shared}
status=0
report=()

configure_build() { # dir, targets..., -- cmake args...
  local dir=$1; shift
  local targets=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do targets+=("$1"); shift; done
  shift
  cmake -S "$src" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNEWSDOC_BUILD_BENCH=OFF "$@" >"$dir.cmake.log" 2>&1 \
    || { cat "$dir.cmake.log"; return 1; }
  local t=()
  for x in "${targets[@]}"; do t+=(--target "$x"); done
  cmake --build "$dir" -j2 "${t[@]}" >"$dir.build.log" 2>&1 || { grep -E "error|Error" "$dir.build.log" | head -30; return 1; }
}

stage_asan() {
  local b=$prefix/build-asan
  configure_build "$b" -- -DNEWSDOC_SANITIZE=address,undefined || return 1
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=1:check_initialization_order=1
  export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
  export LSAN_OPTIONS=suppressions=$b/lsan.supp
  # Leaks inside the interpreters and tools the scripted tests start are
  # theirs, not the library's.
  printf 'leak:python3\nleak:libpython3\nleak:_PyObject\nleak:libcffi\n' >"$b/lsan.supp"
  # The markdown suites load the library into python through ctypes (the
  # ASan runtime is not preloaded there) and api.install links consumers
  # without sanitizers: both run in the plain build.
  local default_excl="-LE valgrind -E ^(epub\.epubcheck|python\.typing|python\.batch_dask|markdown\.spec_cli|markdown\.spec|markdown\.pathological|markdown\.random_inputs|markdown\.corpus_stable|api\.install)$"
  # The OOM walk revisits every allocation: in the sanitized build it takes
  # every third one.
  NEWSDOC_OOM_STRIDE=${NEWSDOC_OOM_STRIDE:-3} \
    ctest --test-dir "$b" -j2 --output-on-failure --timeout 1500 ${SANITIZE_CTEST_ARGS-$default_excl} >"$b.ctest.log" 2>&1
  local rc=$?
  grep -E "tests passed|tests failed|^[[:space:]]+[0-9]+ - " "$b.ctest.log" | head -40
  grep -E "ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:" "$b.ctest.log" | sort | uniq -c | head -20
  return $rc
}

valgrind_one() { # binary -> log; prints one line
  local t=$1 b=$2 name log
  name=$(basename "$t")
  log=$b/valgrind-$name.log
  # Criterion runs each test in a worker it re-executes (boxfort):
  # --trace-children puts the worker under memcheck too, and a worker's
  # memcheck error (exit 99) turns into a failed test.
  (cd "$b/tests" && NEWSDOC_OOM_STRIDE=${NEWSDOC_OOM_STRIDE_VALGRIND:-17} NEWSDOC_THREADS_ROUNDS=1 \
     valgrind --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite,indirect \
     --show-leak-kinds=definite,indirect --error-exitcode=99 --trace-children=yes \
     --num-callers=30 "$t" --jobs 1 >"$log" 2>&1)
  local trc=$? errs leaks
  errs=$(grep -E "ERROR SUMMARY: [1-9]" "$log" | head -1)
  leaks=$(grep -E "definitely lost: [1-9]|indirectly lost: [1-9]" "$log" | head -1)
  if [ $trc -ne 0 ] || [ -n "$errs" ] || [ -n "$leaks" ]; then
    echo "valgrind: $name: FAILED (exit $trc) ${errs:-} ${leaks:-} (log: $log)"
    grep -E "definitely lost in|indirectly lost in|Invalid|uninitialised|Assertion|by 0x.*test_" "$log" | head -6
  else
    echo "valgrind: $name: clean ($(grep -c "ERROR SUMMARY: 0" "$log") processes under memcheck, 0 errors, 0 leaks)"
  fi
}

stage_valgrind() {
  local b=$prefix/build-valgrind
  configure_build "$b" -- || return 1
  # VALGRIND_TESTS: a glob of unit-test binaries (default all); two run at once.
  local n=0 t
  : >"$b/valgrind-summary.txt"
  for t in "$b"/tests/${VALGRIND_TESTS:-test_*}; do
    [ -x "$t" ] || continue
    n=$((n + 1))
    valgrind_one "$t" "$b" >>"$b/valgrind-summary.txt" &
    while [ "$(jobs -rp | wc -l)" -ge "${VALGRIND_JOBS:-2}" ]; do sleep 1; done
  done
  wait
  cat "$b/valgrind-summary.txt"
  local clean
  clean=$(grep -c ": clean (" "$b/valgrind-summary.txt")
  echo "valgrind: $n unit-test binaries, $clean clean"
  [ "$clean" -eq "$n" ]
}

stage_tsan() {
  local b=$prefix/build-tsan
  # clang links the TSan runtime into executables; -z undefs lets the
  # shared library leave its TSan symbols to them.
  CC=clang CXX=clang++ configure_build "$b" newsdoc -- -DNEWSDOC_SANITIZE=thread \
    -DCMAKE_SHARED_LINKER_FLAGS=-Wl,-z,undefs || return 1
  # Criterion cannot set up its worker arena under TSan ("Could not
  # initialize inheritable arena"): test_threads is built alone.
  clang -std=c11 -O1 -g -fsanitize=thread -DTHREADS_STANDALONE -D_DEFAULT_SOURCE -I"$src/include" \
    -I"$src/tests/unit" "$src/tests/unit/test_threads.c" -o "$b/test_threads_tsan" -L"$b" -lnewsdoc -lpthread \
    -Wl,-rpath,"$b" || return 1
  # glibc's tzset (reached through libzip's mktime) works under glibc's own
  # lock, which TSan cannot see in the uninstrumented libc.
  printf 'race:tzset_internal\n' >"$b/tsan.supp"
  export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:report_signal_unsafe=0:suppressions=$b/tsan.supp"
  "$b/test_threads_tsan" >"$b.tsan.log" 2>&1
  local rc=$?
  grep -E "threads:|Synthesis|WARNING: ThreadSanitizer|SUMMARY" "$b.tsan.log" | head -20
  [ $rc -eq 0 ] && grep -q "WARNING: ThreadSanitizer" "$b.tsan.log" && rc=1
  return $rc
}

for s in "${stages[@]}"; do
  t0=$(date +%s)
  echo "=== sanitize: $s"
  case $s in
    asan) stage_asan ;;
    valgrind) stage_valgrind ;;
    tsan) stage_tsan ;;
    *) echo "sanitize: unknown stage $s"; false ;;
  esac
  rc=$?
  dt=$(( $(date +%s) - t0 ))
  if [ $rc -eq 0 ]; then report+=("$s: passed in ${dt} s"); else report+=("$s: FAILED in ${dt} s"); status=1; fi
  echo "=== sanitize: ${report[-1]}"
done
echo "sanitize: $(IFS=';'; echo "${report[*]}")"
exit $status
