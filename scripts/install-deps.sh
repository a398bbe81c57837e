#!/usr/bin/env bash
# Installs the Debian packages moesim needs, and only those that are missing.
# Idempotent: a second run installs nothing. Works as root or through sudo.
# CUDA is optional and never installed here (it lives at /usr/local/cuda when present).
set -euo pipefail

# help2man writes the man page from `moesim --help` (the build skips the man page without it).
PACKAGES=(
  cmake g++ make pkg-config
  libsimgrid-dev
  libboost-graph-dev libboost-program-options-dev
  libyaml-cpp-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  zlib1g-dev
  help2man
)
# With --test: clang and its compiler-rt (ASan, UBSan, libFuzzer) for scripts/test-asan.sh, which `make test`
# runs; required, unlike Chromium.
# With --test: also Chromium, for the HTML screenshot test. Optional: if it cannot be had the test skips
# itself with a message, so a failure here only warns.
OPTIONAL=()
if [ "${1:-}" = "--test" ]; then
  PACKAGES+=(clang libclang-rt-dev)
  OPTIONAL=(chromium)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

optional_missing=()
for p in "${OPTIONAL[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    optional_missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ] && [ ${#optional_missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]} ${optional_missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "install-deps: error: not root and no sudo; install these packages by hand: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get update -qq; then
  echo "install-deps: error: apt-get update failed (no network or no Debian mirror?)" >&2
  exit 1
fi
if [ ${#missing[@]} -gt 0 ] && ! $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
  echo "install-deps: error: could not install: ${missing[*]}" >&2
  echo "install-deps: check that each exists with 'apt-cache policy NAME'" >&2
  exit 1
fi
if [ ${#optional_missing[@]} -gt 0 ] && ! $SUDO apt-get install -y -qq --no-install-recommends "${optional_missing[@]}"; then
  echo "install-deps: warning: could not install ${optional_missing[*]}; the screenshot test will skip" >&2
fi
echo "install-deps: done"
