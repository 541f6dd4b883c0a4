#!/usr/bin/env bash
# The hardening stages of issue #9, in order, each timed:
#   1. scripts/sanitize.sh asan      ASan+UBSan build, full ctest (hostile
#                                    corpus, OOM walk and fuzz replays included)
#   2. scripts/sanitize.sh valgrind  memcheck over the unit-test binaries
#   3. scripts/sanitize.sh tsan      TSan build, test_threads
#   4. scripts/fuzz.sh               libFuzzer harnesses, FUZZ_SECONDS each
# The plain build's hostile corpus, OOM walk and thread test are ordinary
# ctests (hostile.corpus, unit.test_oom, unit.test_threads) that
# scripts/test.sh runs already; "plain" runs just those, on request.
#
#   scripts/hardening.sh [STAGE...]   STAGE: asan valgrind tsan fuzz plain
#   HARDENING_PREFIX=DIR   where the build directories go (default: source tree)
#   FUZZ_SECONDS=10        fuzzing time per harness
#
# On 2 cores the stages together take about 12-15 minutes; each prints its
# own time.  Exit status: non-zero when any stage fails (all stages run).
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
prefix=${HARDENING_PREFIX:-$src}
export SANITIZE_PREFIX=$prefix
export FUZZ_SECONDS=${FUZZ_SECONDS:-10}
export NEWSDOC_SHARED=${NEWSDOC_SHARED:-$src/../shared}
stages=("$@")
[ ${#stages[@]} -eq 0 ] && stages=(asan valgrind tsan fuzz)
status=0
report=()
start=$(date +%s)

stage_plain() {
  local b=$prefix/build-hard
  cmake -S "$src" -B "$b" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNEWSDOC_BUILD_BENCH=OFF >"$b.cmake.log" 2>&1 \
    || { cat "$b.cmake.log"; return 1; }
  cmake --build "$b" -j2 >"$b.build.log" 2>&1 || { grep -E "error" "$b.build.log" | head -30; return 1; }
  ctest --test-dir "$b" --output-on-failure -R '^(hostile\.|fuzz\.|unit\.test_oom$|unit\.test_threads$)' \
    >"$b.ctest.log" 2>&1
  local rc=$?
  grep -E "^hostile: [0-9]+ cases|^FAIL |^oom: |threads: |tests passed|tests failed|replay: " "$b.ctest.log" | head -80
  return $rc
}

for s in "${stages[@]}"; do
  t0=$(date +%s)
  echo "=== hardening: $s"
  case $s in
    plain) stage_plain ;;
    asan | valgrind | tsan) "$src/scripts/sanitize.sh" "$s" ;;
    fuzz) "$src/scripts/fuzz.sh" "$prefix/build-fuzz" ;;
    *) echo "hardening: unknown stage $s"; false ;;
  esac
  rc=$?
  dt=$(( $(date +%s) - t0 ))
  if [ $rc -eq 0 ]; then report+=("$s: passed (${dt} s)"); else report+=("$s: FAILED (${dt} s)"); status=1; fi
  echo "=== hardening: ${report[-1]}"
done
echo "hardening: $(IFS=';'; echo "${report[*]}"); total $(( $(date +%s) - start )) s"
exit $status
