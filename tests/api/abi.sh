#!/bin/sh
# Compares the built shared library's ABI with the committed baseline
# (abi/libnewsdoc.abi).  abidiff's exit status is a bit field: 1 error,
# 2 usage error, 4 ABI change, 8 incompatible ABI change.  Additions (4)
# are fine; anything incompatible fails.  To change the baseline on purpose:
# scripts/update-abi-baseline.sh, in a commit of its own.
set -u
src=${NEWSDOC_SOURCE_DIR:?}
lib=${1:?path to libnewsdoc.so}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
abidw --headers-dir "$src/include/newsdoc" --no-corpus-path --out-file "$tmp/current.abi" "$lib" || exit 1
abidiff --headers-dir2 "$src/include/newsdoc" "$src/abi/libnewsdoc.abi" "$tmp/current.abi" > "$tmp/report" 2>&1
rc=$?
cat "$tmp/report"
if [ $((rc & 8)) -ne 0 ] || [ $((rc & 3)) -ne 0 ]; then
  echo "abi: INCOMPATIBLE with abi/libnewsdoc.abi (abidiff exit $rc)"
  exit 1
fi
echo "abi: compatible with the baseline (abidiff exit $rc)"
