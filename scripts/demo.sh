#!/usr/bin/env bash
# Sets everything up and runs the main job: converts the bundled sample
# article (samples/noor-solar-article.md, Arabic, right to left) into every
# format this build can write, under out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh build
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target newsdoc-convert >/dev/null
cli=build/examples/newsdoc-convert
in=samples/noor-solar-article.md
mkdir -p out
"$cli" --list-formats
echo
status=0
while read -r name read write exts _; do
  [ "$write" = yes ] || continue
  ext=${exts%%,*}
  if "$cli" "$in" -o "out/noor-solar-article.$ext" -q; then
    printf '%-9s -> out/noor-solar-article.%s (%s bytes)\n' "$name" "$ext" "$(stat -c %s "out/noor-solar-article.$ext")"
  else
    status=1
  fi
done < <("$cli" --list-formats | tail -n +2)
exit $status
