#!/bin/sh
# Compiles every public header alone, as strict C99 and as C++.
set -eu
src=${NEWSDOC_SOURCE_DIR:?}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
n=0
for h in "$src"/include/newsdoc/*.h; do
  name=$(basename "$h")
  printf '#include <newsdoc/%s>\n#include <newsdoc/%s>\nint main(void) { return 0; }\n' "$name" "$name" > "$out/t.c"
  cc -std=c99 -Wall -Wextra -pedantic -Werror -I"$src/include" -c "$out/t.c" -o "$out/t.o"
  cp "$out/t.c" "$out/t.cpp"
  c++ -std=c++11 -Wall -Wextra -pedantic -Werror -I"$src/include" -c "$out/t.cpp" -o "$out/t.o"
  n=$((n + 1))
done
echo "headertest: $n headers compile as C99 and C++11 with -pedantic -Werror"
