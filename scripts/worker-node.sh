#!/bin/sh
# Starts a worker (or `npm start`'s API and worker) under node with its V8 heap flags, which
# depend on WORKER_HEAP_MB: `sh scripts/worker-node.sh dist/src/bin/worker.js`.
#
# The flags must be on node's command line (there, NODE_OPTIONS can't override them), so a
# setting can reach them only through whatever starts node. dist/src/bin/node-flags.js reads
# the configuration (.env included) and prints them, or names the bad settings and exits 2;
# then this shell replaces itself with node (exec): same process, so signals reach node and
# its exit code is the caller's, as if node had been started directly.
flags=$(node "$(dirname "$0")/../dist/src/bin/node-flags.js") || exit
# $flags is unquoted on purpose: it is split into the separate flags node-flags.js printed.
exec node $flags "$@"
