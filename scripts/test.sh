#!/usr/bin/env bash
# The one test command (README: `npm test`). On a fresh Debian machine it installs what the
# tests need — Debian packages for the lab hosts, npm packages, the Redis source tarball —
# then type-checks and runs every test: unit tests from data and end-to-end tests on the lab.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

if [ "$(id -u)" != 0 ]; then
  echo "npm test needs root: the end-to-end lab makes network namespaces and runs sshd." >&2
  exit 1
fi

# Ansible too: the inventory tests compare our reading of each fixture with ansible-inventory's.
bash scripts/lab-deps.sh --with-ansible
bash scripts/fetch-redis-source.sh >/dev/null
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npx tsc --noEmit

# vitest's own summary is not a line CI recognises, so finish with the plain
# "N passed, N failed" line from its JSON report; the exit code stays vitest's.
mkdir -p .cache
# What is on the machine before the tests (another lab, someone's redis-server) is not a leak.
npx tsx test/lab/cli.ts state >.cache/machine-before.json
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=.cache/vitest-results.json "$@" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(".cache/vitest-results.json", "utf8"));
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' || true
# Every namespace, lab link, redis-server and lab sshd the tests started must be gone by now.
if ! npx tsx test/lab/cli.ts leftovers .cache/machine-before.json; then
  echo "npm test: FAILED: the tests leaked the processes or network state listed above" >&2
  [ "$status" != 0 ] || status=1
fi
elapsed=$(($(date +%s) - started))
echo "npm test: wall time $((elapsed / 60)) min $((elapsed % 60)) s (informational)"
exit "$status"
