#!/usr/bin/env bash
# Proves the e2e tools install from nothing, as on a new machine, and that an interrupted install recovers:
#   1. scripts/e2e-setup.sh into an empty tools directory, killed while npm installs VS Code's dependencies;
#   2. the same setup again through `npm run` (which exports npm_config_* into it), to completion;
#   3. a third run must take the fast path.
# Debian packages are machine-wide and stay; everything under the tools directory starts empty.
# Usage: npm run test:e2e-setup   (about 5-10 minutes on 2 cores; not part of .ci/run, which uses the cache)
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS=$(mktemp -d "${TMPDIR:-/tmp}/firebreak-e2e-check.XXXXXX")
trap 'rm -rf "$TOOLS"' EXIT
export FIREBREAK_E2E_TOOLS="$TOOLS"
say() { printf 'e2e-setup-check: %s\n' "$*"; }

say "1/3 setup into empty ${TOOLS}, interrupted during the npm install"
setsid bash scripts/e2e-setup.sh >"${TOOLS}.run1.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  [ -s "${TOOLS}/logs/npm-code-server.log" ] || [ -s "${TOOLS}/logs/npm-vscode.log" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 1
done
sleep 5
if kill -0 "$pid" 2>/dev/null; then
  kill -TERM -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  say "   interrupted (last line: $(tail -n1 "${TOOLS}.run1.log"))"
  [ ! -f "${TOOLS}/.e2e-setup.stamp" ] || { say "FAILED: an interrupted setup left its completion stamp"; exit 1; }
else
  say "   finished before it could be interrupted (the rerun is still checked below)"
fi

say "2/3 rerun through npm run, to completion"
npm run --silent e2e:setup
[ -f "${TOOLS}/.e2e-setup.stamp" ] || { say "FAILED: no stamp after the rerun"; exit 1; }

say "3/3 third run takes the fast path"
out=$(bash scripts/e2e-setup.sh)
printf '%s\n' "$out"
grep -q 'up to date' <<<"$out" || { say "FAILED: the third run did not find the tools up to date"; exit 1; }
rm -f "${TOOLS}.run1.log"
say "passed"
