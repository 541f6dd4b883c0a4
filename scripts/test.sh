#!/usr/bin/env bash
# Sets everything up and runs every test: unit tests, format and corpus
# tests against the real consumers (pandoc, epubcheck, LibreOffice,
# Chromium, python-docx), the Python bindings, the API/ABI checks, then the
# hardening stages (hostile corpus, sanitizers, valgrind, fuzzing).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
bash scripts/deps.sh test
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
(cd build && ctest -j"$(nproc)" --output-on-failure --timeout 900)
if [ -x scripts/hardening.sh ] || [ -f scripts/hardening.sh ]; then
  bash scripts/hardening.sh
fi
echo "test.sh: everything passed in $(( $(date +%s) - start )) s"
