#!/usr/bin/env bash
# Batch mode of newsdoc-convert: several inputs with one broken, outputs,
# the failure line, the summary, exit codes, -j 1 == -j 2, naming rules,
# and no progress bar when stderr is not a terminal.
# Env: NEWSDOC_CONVERT (the CLI), NEWSDOC_BUILD_DIR (where to write).
set -u
CLI=${NEWSDOC_CONVERT:?NEWSDOC_CONVERT is not set}
W=${NEWSDOC_BUILD_DIR:?NEWSDOC_BUILD_DIR is not set}/tests/cli-batch
rm -rf "$W" && mkdir -p "$W/in" "$W/in/sub" || exit 1
cd "$W" || exit 1
fails=0
check() { # check "what" command...
  local what=$1; shift
  if "$@"; then echo "ok   $what"; else echo "FAIL $what"; fails=$((fails + 1)); fi
}

# Five valid articles (the JSON format is always built in), one broken one.
for i in 1 2 3 4 5; do
  printf '{"newsdoc":1,"meta":[["title","مقالة رقم %d"],["lang","ar"],["dir","rtl"]],"media":[],"body":[{"type":"paragraph","children":[{"type":"text","text":"فقرة أولى من المقالة %d مع نص عربي‌ وأرقام 2025."}]},{"type":"section","level":1,"children":[{"type":"heading","children":[{"type":"text","text":"قسم %d"}]},{"type":"paragraph","children":[{"type":"text","text":"نص "},{"type":"strong","children":[{"type":"text","text":"مهم"}]}]}]}]}\n' "$i" "$i" "$i" > "in/art$i.json"
done
printf '{"newsdoc":1,"meta":[["title","broken' > in/broken.json   # truncated
good=(in/art1.json in/art2.json in/art3.json in/art4.json in/art5.json)

"$CLI" -f json -t json -O out1 -j 1 "${good[@]:0:2}" in/broken.json "${good[@]:2}" >stdout1 2>stderr1
rc1=$?
"$CLI" -f json -t json -O out2 -j 2 "${good[@]:0:2}" in/broken.json "${good[@]:2}" >stdout2 2>stderr2
rc2=$?
check "exit 1 when one file fails (-j 1)" test "$rc1" -eq 1
check "exit 1 when one file fails (-j 2)" test "$rc2" -eq 1
for i in 1 2 3 4 5; do
  check "output art$i.json present and not empty" test -s "out1/art$i.json"
done
check "no output for the broken file" test ! -e out1/broken.json
check "exactly five outputs" test "$(ls out1 | wc -l)" -eq 5
check "the broken file is reported on one line naming the file and formats" \
  test "$(grep -c 'in/broken.json: json -> json: ' stderr1)" -eq 1
check "no other failure line" test "$(grep -vc 'converted, ' stderr1)" -eq 1
check "summary line: 5 converted, 1 failed" grep -q '^newsdoc-convert: 5 converted, 1 failed, [0-9.]* s' stderr1
check "summary says 2 threads for -j 2" grep -q '5 converted, 1 failed, .*(2 threads' stderr2
check "nothing on stdout" test ! -s stdout1
check "no progress bar when stderr is not a terminal" test "$(tr -cd '\r' < stderr2 | wc -c)" -eq 0
check "-j 1 and -j 2 give identical outputs" diff -r out1 out2
# On a terminal (a pseudo-terminal from script(1)), a progress bar is drawn
# and cleared before the summary.
if command -v script >/dev/null 2>&1; then
  script -qec "'$CLI' -f json -t json -O outtty ${good[*]}" /dev/null > tty.out 2>&1 </dev/null
  check "progress bar on a terminal" grep -q "$(printf '\r')\[#*\] 5/5" tty.out
  check "the bar is cleared before the summary" grep -q "$(printf '\033')\[Knewsdoc-convert: 5 converted" tty.out
fi
# Batch output equals single-file output, and is the converted article.
"$CLI" -f json -t json -o single3.json in/art3.json 2>/dev/null
check "batch output equals single-file output" cmp -s out1/art3.json single3.json
check "output holds the article's text" grep -q 'قسم 3' out1/art3.json

# All good: exit 0, default -j (number of processors), format detected.
"$CLI" -t json -O out3 "${good[@]}" >/dev/null 2>stderr3
check "exit 0 when every file converts" test $? -eq 0
check "summary: 5 converted, 0 failed" grep -q '5 converted, 0 failed' stderr3
check "default -j converts identically" diff -r out1 out3

# Metadata and options apply to every file.
"$CLI" -t json -O out4 -j 2 -M publisher=Test -M author=A "${good[@]}" 2>/dev/null
check "-M applies to every file in batch mode" test "$(grep -l '"publisher","Test"' out4/*.json | wc -l)" -eq 5

# Naming: two inputs with the same stem get NAME.OLDEXT.EXT; two with the same
# file name: the second fails, the first converts.
cp in/art1.json in/same.json && cp in/art2.json in/same.txt && cp in/art3.json in/sub/art1.json
"$CLI" -f json -t json -O out5 in/same.json in/same.txt in/art1.json in/sub/art1.json 2>stderr5
rc5=$?
check "colliding stems become NAME.OLDEXT.EXT" test -s out5/same.json.json -a -s out5/same.txt.json
check "the first of two same-named inputs converts" cmp -s out5/art1.json out1/art1.json
check "the second same-named input fails, exit 1" test "$rc5" -eq 1
check "its failure names it" grep -q 'in/sub/art1.json: .*same file name' stderr5
# A missing file is one failure, not fatal.
"$CLI" -f json -t json -O out6 in/art1.json in/missing.json 2>stderr6
rc6=$?
check "a missing file fails alone (exit 1, 1 converted)" test "$rc6" -eq 1 -a -s out6/art1.json
check "missing file reported" grep -q 'in/missing.json: json -> json: .*cannot open' stderr6

# Every other format that can write: -j 1 and -j 2 give byte-identical files
# (epub and docx included: reproducible output does not depend on threads).
for fmt in $("$CLI" --list-formats | awk 'NR > 1 && $3 == "yes" && $1 != "json" {print $1}'); do
  "$CLI" -q -f json -t "$fmt" -O "fmt-$fmt-1" -j 1 "${good[@]}" 2>/dev/null; r1=$?
  "$CLI" -q -f json -t "$fmt" -O "fmt-$fmt-2" -j 2 "${good[@]}" 2>/dev/null; r2=$?
  check "$fmt: batch converts all five (-j 1, -j 2)" test "$r1" -eq 0 -a "$r2" -eq 0 -a "$(ls "fmt-$fmt-1" | wc -l)" -eq 5
  check "$fmt: -j 1 and -j 2 give identical files" diff -r "fmt-$fmt-1" "fmt-$fmt-2"
done

# Usage errors: exit 2.
"$CLI" -O out7 in/art1.json 2>/dev/null;            check "-O without -t is usage (2)" test $? -eq 2
"$CLI" -t json -O out7 -o x.json in/art1.json 2>/dev/null; check "-O with -o is usage (2)" test $? -eq 2
"$CLI" -t json -O out7 -j 0 in/art1.json 2>/dev/null;  check "-j 0 is usage (2)" test $? -eq 2
"$CLI" -t json -O out7 -j x in/art1.json 2>/dev/null;  check "-j x is usage (2)" test $? -eq 2
"$CLI" -t json -O out7 2>/dev/null;                  check "-O without files is usage (2)" test $? -eq 2
"$CLI" -t json -O out7 - 2>/dev/null </dev/null;     check "-O with stdin is usage (2)" test $? -eq 2
"$CLI" -t json in/art1.json in/art2.json 2>/dev/null; check "two inputs without -O is usage (2)" test $? -eq 2
"$CLI" -t nosuch -O out7 in/art1.json 2>/dev/null;  check "unknown -t is usage (2)" test $? -eq 2
# Single-file mode still works as before.
"$CLI" -t json < in/art2.json > single2.json 2>/dev/null
check "single-file mode from stdin to stdout" cmp -s single2.json out1/art2.json
"$CLI" -t json in/broken.json >/dev/null 2>/dev/null; check "single-file failure exits 1" test $? -eq 1

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
