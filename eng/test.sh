#!/usr/bin/env bash
# The test command (README, .ci/run): installs what the tests need, then runs every test and ends
# with one summary line, "N passed, N failed".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash eng/install-test-deps.sh

results="$(mktemp -d /tmp/ringipc-test-results.XXXXXX)"
trap 'rm -rf "$results"' EXIT
dotnet test RingIpc.sln -c Release --logger "console;verbosity=normal" --logger trx --results-directory "$results" "$@"

passed=0
failed=0
for trx in "$results"/*.trx; do
  counters="$(grep -o '<Counters [^>]*>' "$trx" || true)"
  p="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  f="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done
echo "$passed passed, $failed failed"
