#!/bin/sh
# The text format through the CLI: the sample article read as text gives
# the same JSON as the same article written back as text (wrapped at 60
# columns, and not wrapped) and read again.  Exit 77 (skip) without ../shared.
set -eu
sample="${NEWSDOC_SHARED:-}/samples/mauritania-us-military-cooperation.txt"
[ -f "$sample" ] || { echo "../shared not found (NEWSDOC_SHARED): skipped"; exit 77; }
out="${NEWSDOC_BUILD_DIR}/tests/text-cli"
mkdir -p "$out"
"$NEWSDOC_CONVERT" -f text -t json "$sample" > "$out/a.json"
for wrap in 0 60; do
  if [ "$wrap" = 0 ]; then
    "$NEWSDOC_CONVERT" -f text -t text "$sample" > "$out/b.txt"
  else
    "$NEWSDOC_CONVERT" -f text -t text --wrap "$wrap" "$sample" > "$out/b.txt"
    # wrapped: no paragraph line wider than the limit (counted without
    # combining marks, as clusters are) unless it is one word; headings (a
    # line above an underline) and the byline (the sample's last line) are
    # never wrapped
    /usr/bin/python3 - "$out/b.txt" "$wrap" <<'PY'
import sys, unicodedata
lines = open(sys.argv[1], encoding="utf-8").read().rstrip("\n").split("\n")[:-1]
w = int(sys.argv[2])
for i, l in enumerate(lines):
    under = i + 1 < len(lines) and lines[i + 1] and set(lines[i + 1]) <= set("=-~^\"+`")
    n = sum(1 for c in l if unicodedata.category(c) not in ("Mn", "Me"))
    if n > w and " " in l and not under:
        sys.exit("line %d is %d characters wide" % (i + 1, n))
PY
  fi
  "$NEWSDOC_CONVERT" -f text -t json "$out/b.txt" > "$out/b.json"
  cmp "$out/a.json" "$out/b.json" || { echo "wrap=$wrap: the model changed"; exit 1; }
done
# the format is found by probing too (a .txt name)
"$NEWSDOC_CONVERT" -t json "$sample" | cmp - "$out/a.json"
echo "text cli round trip: ok"
