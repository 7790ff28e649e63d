#!/usr/bin/env bash
# Runs every test of the solution against the real Debian tools, installing what they need first.
# Ends with one line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")"
scripts/install-deps || { echo "0 passed, 1 failed"; exit 1; }

results=TestResults
rm -rf "$results"
dotnet test Autobuilder.sln -c Release --logger "trx" --results-directory "$results" "$@"
status=$?

passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  total=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + total - p - f))
done
# A build or runner failure that produced no test results still counts as a failure.
if [ $status -ne 0 ] && [ $failed -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
