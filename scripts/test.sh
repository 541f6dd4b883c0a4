#!/usr/bin/env bash
# Sets everything up and runs every test: unit tests, format and corpus
# tests against the real consumers (pandoc, epubcheck, LibreOffice,
# Chromium, python-docx), the Python bindings, the API/ABI checks, then the
# hardening stages (hostile corpus, sanitizers, valgrind, fuzzing).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
bash scripts/deps.sh test
# The consumers the tests check our output with must be here: a test that
# cannot find one would only skip, and CI must never skip them.
for tool in pandoc java chromium libreoffice valgrind strace clang abidw abidiff mypy; do
  command -v "$tool" >/dev/null || { echo "test.sh: $tool is missing after scripts/deps.sh" >&2; exit 1; }
done
[ -f /usr/bin/epubcheck ] || { echo "test.sh: /usr/bin/epubcheck is missing" >&2; exit 1; }
/usr/bin/python3 -c "import cffi, pytest, distributed, docx" || { echo "test.sh: a Python package is missing" >&2; exit 1; }
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
(cd build && ctest -j"$(nproc)" --output-on-failure --timeout 900)
if [ -x scripts/hardening.sh ] || [ -f scripts/hardening.sh ]; then
  bash scripts/hardening.sh
fi
echo "test.sh: everything passed in $(( $(date +%s) - start )) s"
