#!/bin/sh
# The CLI's single-file contract: formats, stdin/stdout, -M, exit codes and
# one-line errors.
set -u
cli=${NEWSDOC_CONVERT:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fail=1; fi; }
printf '{"newsdoc":1,"meta":[["title","عنوان"]],"body":[{"type":"paragraph","children":[{"type":"text","text":"نص"}]}]}' > "$tmp/a.json"
"$cli" --version > "$tmp/v"; check "--version" 'grep -q "libnewsdoc [0-9]" "$tmp/v"'
"$cli" --help > "$tmp/h"; check "--help" 'grep -q -- "--list-formats" "$tmp/h"'
"$cli" --list-formats > "$tmp/l"; check "--list-formats lists json as read+write" 'grep -Eq "^json +yes +yes" "$tmp/l"'
"$cli" "$tmp/a.json" -t json -M author=Ali -M author=Sara -M title=New > "$tmp/o.json"
check "-M adds authors in order and replaces the title" 'grep -q "\"title\",\"New\"\\],\\[\"author\",\"Ali\"\\],\\[\"author\",\"Sara\"" "$tmp/o.json"'
"$cli" -f json -t json < "$tmp/a.json" > "$tmp/s.json"; check "stdin to stdout" 'cmp -s "$tmp/s.json" "$tmp/o.json" || grep -q "عنوان" "$tmp/s.json"'
"$cli" - -o "$tmp/x.json" < "$tmp/a.json"; check "- and -o with the format from the extension" 'grep -q "عنوان" "$tmp/x.json"'
"$cli" "$tmp/a.json" > /dev/null 2> "$tmp/e"; rc=$?
check "no output format is a usage error (exit 2)" '[ $rc -eq 2 ] && grep -q "no output format" "$tmp/e"'
"$cli" --bogus 2> "$tmp/e"; rc=$?; check "unknown option exit 2" '[ $rc -eq 2 ]'
"$cli" -t nosuch "$tmp/a.json" 2> "$tmp/e"; rc=$?; check "unknown format exit 2" '[ $rc -eq 2 ] && grep -q nosuch "$tmp/e"'
printf '{"newsdoc":1,"body":[{"type":"blink"}]}' > "$tmp/bad.json"
"$cli" -t json "$tmp/bad.json" > /dev/null 2> "$tmp/e"; rc=$?
check "failed conversion exit 1 with one line naming file, format and reason" \
  '[ $rc -eq 1 ] && [ $(wc -l < "$tmp/e") -eq 1 ] && grep -q "bad.json: json: .*unknown node type" "$tmp/e"'
"$cli" -t json /nonexistent.json > /dev/null 2> "$tmp/e"; rc=$?; check "missing input exit 1" '[ $rc -eq 1 ] && grep -q nonexistent "$tmp/e"'
"$cli" -t json --opt max-input-size=10 "$tmp/a.json" > /dev/null 2> "$tmp/e"; rc=$?
check "limits through --opt" '[ $rc -eq 1 ] && grep -q "max-input-size" "$tmp/e"'
"$cli" -t json --opt max-depth=abc "$tmp/a.json" > /dev/null 2> "$tmp/e"; rc=$?; check "bad option value exit 2" '[ $rc -eq 2 ]'
if "$cli" --list-formats | grep -Eq "^epub +yes +yes"; then
  script -qec "\"$cli\" -t epub \"$tmp/a.json\"" /dev/null > "$tmp/tty" 2>&1; 
  check "refuses to write epub to a terminal" 'grep -q "refusing" "$tmp/tty"'
fi
printf '{"newsdoc":1,"media":[{"name":"pic.png","mime":"image/png","data":"iVBORw0KGgo="}],"body":[{"type":"paragraph","children":[{"type":"image","url":"media:pic.png","title":"alt"}]}]}' > "$tmp/img.json"
mkdir -p "$tmp/page"
"$cli" "$tmp/img.json" -o "$tmp/page/p.html" --opt embed-media=0
check "embed-media=0 writes the images beside the page" \
  'grep -q "src=\"media/pic.png\"" "$tmp/page/p.html" && [ "$(head -c 4 "$tmp/page/media/pic.png" | od -An -c | tr -d " ")" = "211PNG" ]'
"$cli" "$tmp/img.json" -o "$tmp/page/q.html"
check "images are data: URIs by default" 'grep -q "src=\"data:image/png;base64,iVBORw0KGgo=\"" "$tmp/page/q.html"'
[ $fail -eq 0 ] && echo "cli: all checks passed"
exit $fail
