#!/usr/bin/env bash
# Runs every test of the solution against the real Debian tools, installing what they need first.
# Ends with one line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")"
scripts/install-deps || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
dotnet build Autobuilder.sln -c Release 2>&1 | tee "$logs/build.log"
if [ "${PIPESTATUS[0]}" -ne 0 ]; then echo "0 passed, 1 failed, 0 skipped"; exit 1; fi

# Silo.Tests is most of the run's time (its collections wait on silos, builds and sshd, four at a
# time): it starts at once in the background, and the other test projects run one after another
# beside it (they share no unix user, port or fixture with it; the chroot tests of both share the
# base tarball through its lock). A trx per test project in its TestResults/ folder:
# scripts/test-durations lists the slowest classes from them.
long=tests/Autobuilder.Silo.Tests
(dotnet test "$long" -c Release --no-build --logger trx "$@" 2>&1 | tee "$logs/long.log"; echo "${PIPESTATUS[0]}" >"$logs/long.status") &
status=0
for project in tests/*/*.Tests.csproj; do
  [ "$(dirname "$project")" != "$long" ] || continue
  dotnet test "$project" -c Release --no-build --logger trx "$@" 2>&1 | tee -a "$logs/rest.log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
done
wait
[ "$(cat "$logs/long.status" 2>/dev/null)" = 0 ] || status=1

# One summary line per test project: "Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12 …"
passed=0 failed=0 skipped=0
while read -r f p s; do
  failed=$((failed + f)); passed=$((passed + p)); skipped=$((skipped + s))
done < <(cat "$logs/rest.log" "$logs/long.log" | sed -n 's/.*Failed: *\([0-9]*\), Passed: *\([0-9]*\), Skipped: *\([0-9]*\), Total.*/\1 \2 \3/p')
# A runner failure that reported no failed test still counts as a failure.
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
