#!/bin/sh
# Regenerates abi/libnewsdoc.abi from a fresh build.  Commit the result on
# its own, saying why the ABI changed.
set -eu
cd "$(dirname "$0")/.."
cmake -S . -B build-abi -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNEWSDOC_BUILD_TESTS=OFF -DNEWSDOC_BUILD_EXAMPLES=OFF >/dev/null
cmake --build build-abi --target newsdoc -j2 >/dev/null
abidw --headers-dir include/newsdoc --no-corpus-path --out-file abi/libnewsdoc.abi build-abi/libnewsdoc.so
echo "abi/libnewsdoc.abi: $(grep -c '<elf-symbol ' abi/libnewsdoc.abi) symbols"
