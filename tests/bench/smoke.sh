#!/usr/bin/env bash
# bench.smoke: newsdoc-bench --quick runs, and its report has every section
# and a measured row for the json reader and writer (always built in).
# Usage: smoke.sh BENCH WORKDIR SHARED
set -u
bench=$1 work=$2 shared=$3
rm -rf "$work" && mkdir -p "$work" || exit 1
"$bench" --quick --shared "$shared" --workdir "$work" -o "$work/report.md" 2>"$work/stderr"
rc=$?
[ $rc -eq 77 ] && { cat "$work/stderr"; exit 77; }
[ $rc -eq 0 ] || { echo "newsdoc-bench --quick failed ($rc)"; cat "$work/stderr"; exit 1; }
fail=0
for want in "## Machine and command" "## In-process throughput" "## newsdoc-convert against pandoc" \
            "## markdown → html on a large input" "## Cost against input size" \
            "## Peak RSS of newsdoc-convert" "## Targets"; do
  grep -qF "$want" "$work/report.md" || { echo "no section: $want"; fail=1; }
done
for row in "read json" "write json"; do
  grep -Eq "^\| $row \| [0-9]+ \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ MiB \|" "$work/report.md" ||
    { echo "no measured row: $row"; fail=1; }
done
[ $fail -eq 0 ] || cat "$work/report.md"
exit $fail
