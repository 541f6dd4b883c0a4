#!/bin/sh
# Installs the build into a temporary prefix, then builds and runs a small C
# program against it twice: through pkg-config and through find_package().
set -eu
build=${NEWSDOC_BUILD_DIR:?}
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
libdir=$(find "$prefix" -name 'libnewsdoc.so.*' -printf '%h\n' | head -n1)
test -f "$prefix/include/newsdoc/newsdoc.h"
test -x "$prefix/bin/newsdoc-convert"
soname=$(objdump -p "$libdir/libnewsdoc.so" | awk '/SONAME/ {print $2}')
[ "$soname" = "libnewsdoc.so.1" ] || { echo "unexpected SONAME $soname"; exit 1; }
test -f "$libdir/libnewsdoc.a"
cat > "$prefix/prog.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <newsdoc/newsdoc.h>
int main(void) {
  const char *in = "{\"newsdoc\":1,\"meta\":[[\"title\",\"مرحبا\"]],\"body\":[]}";
  newsdoc_doc *doc = NULL;
  if (newsdoc_read(&doc, in, strlen(in), NULL, NULL, NULL) != 0) {
    fprintf(stderr, "%s\n", newsdoc_error_last()->message);
    return 1;
  }
  printf("%s %s %d\n", newsdoc_meta_get(doc, NEWSDOC_META_TITLE), newsdoc_version_string(),
         newsdoc_version() == NEWSDOC_VERSION_NUMBER);
  newsdoc_doc_free(doc);
  return 0;
}
C
export PKG_CONFIG_PATH="$libdir/pkgconfig"
cc "$prefix/prog.c" $(pkg-config --cflags --libs newsdoc) -o "$prefix/prog-pc"
got=$(LD_LIBRARY_PATH="$libdir" "$prefix/prog-pc")
echo "pkg-config: $got"
case "$got" in "مرحبا "*" 1") ;; *) echo "pkg-config program printed the wrong thing"; exit 1 ;; esac
mkdir -p "$prefix/proj"
cp "$prefix/prog.c" "$prefix/proj/prog.c"
cat > "$prefix/proj/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.20)
project(consumer C)
find_package(newsdoc 0.3 REQUIRED)
add_executable(prog prog.c)
target_link_libraries(prog PRIVATE newsdoc::newsdoc)
add_executable(prog_static prog.c)
target_link_libraries(prog_static PRIVATE newsdoc::newsdoc_static)
CM
cmake -S "$prefix/proj" -B "$prefix/proj/build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$prefix/proj/build" >/dev/null
got=$(LD_LIBRARY_PATH="$libdir" "$prefix/proj/build/prog")
echo "find_package: $got"
case "$got" in "مرحبا "*" 1") ;; *) echo "find_package program printed the wrong thing"; exit 1 ;; esac
got=$("$prefix/proj/build/prog_static")
echo "find_package (static): $got"
case "$got" in "مرحبا "*" 1") ;; *) echo "static program printed the wrong thing"; exit 1 ;; esac
