#!/usr/bin/env bash
# Installs the Debian 12 packages libnewsdoc needs to build and to test.
# Usage: scripts/deps.sh [build|test]   (default: test, which includes build)
set -euo pipefail
what=${1:-test}
build_pkgs=(build-essential cmake pkg-config libzip-dev libxml2-dev libicu-dev libmd4c-dev
            libmd4c-html0-dev libyaml-dev zlib1g-dev libcriterion-dev zip unzip)
# The real consumers the tests call, and the tools of the hardening suite.
test_pkgs=(pandoc epubcheck default-jre-headless chromium libreoffice-writer-nogui
           python3-cffi python3-pytest python3-distributed python3-docx
           python3-pip python3-setuptools python3-wheel mypy
           abigail-tools valgrind strace clang libclang-rt-14-dev)
pkgs=("${build_pkgs[@]}")
[ "$what" = test ] && pkgs+=("${test_pkgs[@]}")
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "deps: ${#pkgs[@]} packages present"
