#!/usr/bin/env bash
# Installs what the test suite needs beyond the .NET SDK, on a fresh Debian 12 machine (as root):
# the 32-bit Mono runtime for the 32/64-bit interop tests, and gcc-multilib so that emitted C headers
# can be compiled with gcc -m32 and -m64. Idempotent; quick when everything is already there.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

bash "$here/install-mono32.sh"

if ! dpkg -s gcc-multilib >/dev/null 2>&1; then
  log="$(mktemp /tmp/ringipc-apt.XXXXXX.log)"
  if ! { apt-get update -qq || true; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc-multilib; } >"$log" 2>&1; then
    echo "install-test-deps: apt-get install gcc-multilib failed; log follows" >&2
    tail -n 60 "$log" >&2
    exit 1
  fi
  rm -f "$log"
  echo "install-test-deps: gcc-multilib installed"
fi
