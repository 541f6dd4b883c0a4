#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang, -fsanitize=fuzzer,address,undefined)
# in their own build directory and runs each briefly from its seed corpus.
#
#   scripts/fuzz.sh [BUILD_DIR]          (default: build-fuzz)
#   FUZZ_SECONDS=20  time per harness     FUZZ_JOBS=1  parallel harnesses
#   FUZZ_SEED=1      libFuzzer's seed: fixed by default so CI runs repeat
#                    (FUZZ_SEED=0 picks a new one each run, for longer hunts)
#   FUZZ_ONLY="json html"  run only these harnesses
#
# Prints the executions per harness; exits non-zero on any crash, leak,
# timeout or out-of-memory finding, whose input is kept under
# BUILD_DIR/fuzz-findings/HARNESS/ (copy it to tests/fuzz/crashes/HARNESS/
# to replay it as a regular test).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${1:-$src/build-fuzz}") # absolute: the harnesses run from elsewhere
secs=${FUZZ_SECONDS:-20}
jobs=${FUZZ_JOBS:-1}
shared=${NEWSDOC_SHARED:-$src/../shared}
t0=$(date +%s)

# clang links its sanitizer runtime into executables only; the shared
# library's sanitizer symbols come from the executable at run time, so
# -z undefs (after the library's own --no-undefined) lets it link.
CC=clang CXX=clang++ cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNEWSDOC_FUZZ=ON \
  -DNEWSDOC_SANITIZE=address,undefined -DNEWSDOC_BUILD_BENCH=OFF \
  -DCMAKE_SHARED_LINKER_FLAGS=-Wl,-z,undefs >"$build.cmake.log" 2>&1 \
  || { cat "$build.cmake.log"; exit 1; }
harnesses=(text markdown html epub docx json roundtrip)
targets=(newsdoc-convert)
for h in "${harnesses[@]}"; do targets+=("fuzz_$h"); done
cmake --build "$build" -j2 --target "${targets[@]}" >"$build.build.log" 2>&1 \
  || { tail -40 "$build.build.log"; exit 1; }
echo "fuzz: built in $(( $(date +%s) - t0 )) s"

# Seeds from fixtures (into the build dir).  The CLI is the sanitized one:
# leaks in it are not what this step checks.
ASAN_OPTIONS=detect_leaks=0 NEWSDOC_SHARED="$shared" \
  /usr/bin/python3 "$src/tests/fuzz/make_seeds.py" "$build/fuzz-seeds" "$build/examples/newsdoc-convert" 65536

registered=$(ASAN_OPTIONS=detect_leaks=0 "$build/examples/newsdoc-convert" --list-formats | awk 'NR>1 {print $1}')
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
status=0
summary=()
for h in "${harnesses[@]}"; do
  if [ -n "${FUZZ_ONLY:-}" ] && ! grep -qw "$h" <<<"$FUZZ_ONLY"; then continue; fi
  if [ "$h" != roundtrip ] && ! grep -qx "$h" <<<"$registered"; then
    echo "fuzz: SKIP $h: the format is not registered (yet)"
    summary+=("$h: skipped (not registered)")
    continue
  fi
  corpus="$build/fuzz-corpus/$h"
  findings="$build/fuzz-findings/$h"
  mkdir -p "$corpus" "$findings"
  log="$build/fuzz-$h.log"
  par=()
  if [ "$jobs" -gt 1 ]; then par=(-jobs="$jobs" -workers="$jobs"); fi
  set +e
  (cd "$build" && "$build/tests/fuzz_$h" "$corpus" "$build/fuzz-seeds/$h" -max_total_time="$secs" -timeout=10 \
    -seed="${FUZZ_SEED:-1}" -rss_limit_mb=2048 -max_len=262144 -artifact_prefix="$findings/" -print_final_stats=1 "${par[@]}") \
    >"$log" 2>&1
  rc=$?
  set -e
  # With -jobs>1 each worker writes fuzz-N.log in the current directory.
  execs=$(cat "$log" "$build"/fuzz-[0-9]*.log 2>/dev/null | grep "stat::number_of_executed_units" \
          | awk '{s+=$2} END {print s+0}' || true)
  rm -f "$build"/fuzz-[0-9]*.log
  nfind=$(find "$findings" -type f | wc -l)
  if [ $rc -ne 0 ] || [ "$nfind" -ne 0 ]; then
    status=1
    echo "fuzz: $h: FAILED (exit $rc, $nfind findings in $findings)"
    grep -E "ERROR|SUMMARY|fuzz invariant|==[0-9]+==|#[0-9]+ 0x" "$log" | head -30 || true
  fi
  echo "fuzz: $h: $execs executions in ${secs} s, $nfind crashes"
  summary+=("$h: $execs executions, $nfind crashes")
done
echo "fuzz: summary: $(IFS=';'; echo "${summary[*]}")"
echo "fuzz: done in $(( $(date +%s) - t0 )) s"
exit $status
