# syntax=docker/dockerfile:1
#
# One image build for every app; pick the app with --target (worker is the default):
#   docker build -t sms-relay-worker .
#   docker build --target dashboard -t sms-relay-dashboard .
#   docker build --target receipts -t sms-relay-receipts .
#   docker build --target kpn-sandbox -t sms-relay-kpn-sandbox .
#   docker build --target cli -t sms-relay-cli .
# APPS narrows what is pruned, installed and built, e.g. --build-arg APPS=@sms-relay/worker
# for a worker-only image (then only the worker target runs).

# Node 20, the version of .nvmrc, @types/node and "engines" (a test keeps the four in step). The
# apps also run on Node 22 and 24: override with --build-arg NODE_IMAGE=node:22-bookworm-slim.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS base
ARG PNPM_VERSION=10.34.8
ARG TURBO_VERSION=2.11.11
ENV CI=true \
    TURBO_TELEMETRY_DISABLED=1
# pnpm and turbo from npm rather than corepack: corepack's signature check fails behind some
# registry mirrors, and npm needs nothing but the registry.
RUN npm install --global --no-fund --no-audit "pnpm@${PNPM_VERSION}" "turbo@${TURBO_VERSION}"

# Only the workspaces the apps need, split into manifests (json/) and sources (full/), so the
# install layer is cached until a package.json or the lockfile changes.
FROM base AS pruner
ARG APPS="@sms-relay/worker @sms-relay/receipts @sms-relay/dashboard @sms-relay/kpn-sandbox @sms-relay/cli"
WORKDIR /repo
COPY . .
RUN turbo prune ${APPS} --docker

FROM base AS builder
ARG APPS="@sms-relay/worker @sms-relay/receipts @sms-relay/dashboard @sms-relay/kpn-sandbox @sms-relay/cli"
WORKDIR /repo
COPY --from=pruner /repo/out/json/ ./
RUN pnpm install --frozen-lockfile
COPY --from=pruner /repo/out/full/ ./
COPY tsconfig.base.json ./
RUN set -e; filters=""; for app in ${APPS}; do filters="$filters --filter=${app}..."; done; \
    turbo run build ${filters}
# Drop the dev dependencies (compilers, test tools) from what the runtime image copies.
RUN pnpm install --prod --frozen-lockfile --offline \
    && rm -rf .turbo node_modules/.cache apps/*/src apps/*/test packages/*/src packages/*/test

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and so read-only to the user that runs the app.
COPY --from=builder /repo /app
# The node image's unprivileged user.
USER node

FROM runtime AS dashboard
# Inside a container the port must be reachable from outside it; auth stays mandatory.
ENV DASHBOARD_HOST=0.0.0.0 \
    DASHBOARD_PORT=3000
EXPOSE 3000
CMD ["node", "apps/dashboard/dist/main.js"]

FROM runtime AS receipts
# Faces the internet (KPN posts delivery reports to it); it needs KPN_WEBHOOK_KEYS to start.
ENV RECEIPTS_HOST=0.0.0.0 \
    RECEIPTS_PORT=8090
EXPOSE 8090
CMD ["node", "apps/receipts/dist/main.js"]

FROM runtime AS kpn-sandbox
ENV SANDBOX_HOST=0.0.0.0 \
    SANDBOX_PORT=8085
EXPOSE 8085
CMD ["node", "apps/kpn-sandbox/dist/main.js"]

FROM runtime AS cli
ENTRYPOINT ["node", "apps/cli/dist/main.js"]
CMD ["--help"]

# Last, so that a plain `docker build .` gives the worker.
FROM runtime AS worker
EXPOSE 9464
CMD ["node", "apps/worker/dist/main.js"]
