#!/usr/bin/env bash
# The test command (README, .ci/run): installs what the tests need, then runs every test.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash eng/install-test-deps.sh
dotnet test RingIpc.sln -c Release --logger "console;verbosity=normal" "$@"
