# syntax=docker/dockerfile:1

# One image, three entrypoints: the API (default), the worker and the migrations.
#   docker run IMAGE                                 -> node dist/src/bin/api.js
#   docker run IMAGE sh scripts/worker-node.sh dist/src/bin/worker.js
#                                                     (node with WORKER_HEAP_MB's heap flags)
#   docker run IMAGE node dist/src/bin/migrate.js

# Node 22 LTS (Node 20 reached end of life in April 2026). Pinned by digest so a rebuild
# gets the same base; the digest is the one public Dockerfiles pin for this tag, and could
# not be checked against the registry from the machine this was written on (no Docker
# engine). Before relying on it, and to move to a newer patch release, compare with
#   docker buildx imagetools inspect node:22-bookworm-slim
# and update NODE_IMAGE (both stages use it).
ARG NODE_IMAGE=node:22-bookworm-slim@sha256:43ac6c60b8f89723f746e8a92ce91abd5017e627ce1ddfe4238355d3a30b772c

FROM ${NODE_IMAGE} AS build
WORKDIR /app

# better-sqlite3 downloads a prebuilt binary when one matches this Node and libc, and
# compiles with node-gyp when none does; node-gyp needs Python, make and a C++ compiler.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*

# NODE_ENV stays unset here: with NODE_ENV=production `npm ci` would skip the
# devDependencies (TypeScript, @swc/core) that the build needs.
COPY package.json package-lock.json ./
# npm 10, bundled with Node 22, does not read the `allowScripts` field and runs every
# install script, which includes the three that field allows.
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund

COPY . .
# tsc writes dist/, then the Temporal workflow bundle is prebuilt at dist/workflow-bundle.js
# so the worker never bundles at start-up.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
# MALLOC_ARENA_MAX=2: glibc's default (up to 8 malloc arenas per core for a threaded
# process: Temporal's Rust core, the workflow thread) left the worker 282 MiB instead of
# 257 MiB with 10,000 recoveries waiting. See BENCHMARKS.md, "Before and after".
# HOST=0.0.0.0: inside the container every interface is the container's own; which of the
# host's interfaces the port is published on is docker's choice (compose: API_BIND).
ENV NODE_ENV=production \
  HOST=0.0.0.0 \
  PORT=8000 \
  MALLOC_ARENA_MAX=2
WORKDIR /app

# Owned by root and read-only to the app user: the process cannot rewrite its own code.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/scripts/worker-node.sh ./scripts/worker-node.sh

# The one writable place, for the embedded SQLite default when DATABASE_URL is unset.
RUN mkdir data && chown node:node data

USER node
EXPOSE 8000
# Liveness only: readiness (/readyz) depends on the database, Temporal and a worker, which
# an orchestrator judges separately (compose's healthcheck uses /readyz).
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/livez').then((r)=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/src/bin/api.js"]
