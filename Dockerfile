# syntax=docker/dockerfile:1
# One image for every Trawl service; docker-compose.yml picks the service with `command`:
#   node dist/apps/<gateway|scheduler|scraper|aggregator>/src/main.js
#   node dist/apps/cli/src/main.js migrate
#
# The base image already is Node 24, so the `node` devDependency (Node 24 from npm, for machines
# without it) is never needed here: install scripts are skipped and the compiler is run with the
# image's own node instead of `npm run build` (whose ensure-install step would fetch that package).

ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: all dependencies, TypeScript compiled to dist/ ------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV SCARF_ANALYTICS=false \
    NPM_CONFIG_AUDIT=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_UPDATE_NOTIFIER=false

# Manifests first (the workspace's too: npm needs every workspace's package.json), so the
# dependency layer is rebuilt only when they change. Optional packages are installed here (npm
# takes only those for this platform, amd64 or arm64): esbuild, which bundles the dashboard, ships
# its binary as one. The runtime stage below leaves them all out.
COPY package.json package-lock.json ./
COPY tools/trawl-cli/package.json tools/trawl-cli/package.json
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund --ignore-scripts

COPY . .
# What `npm run build` does: tsc, tsc-alias rewriting @trawl/* imports to relative paths, then the
# dashboard type-checked and bundled into dist/dashboard (served by the gateway at /).
RUN node node_modules/typescript/bin/tsc -p tsconfig.build.json \
 && node node_modules/tsc-alias/dist/bin/index.js -p tsconfig.build.json \
 && node scripts/build-dashboard.mjs \
 && test -f dist/apps/gateway/src/main.js \
 && test -f dist/dashboard/index.html

# ---- runtime: production dependencies and dist/ only, as an unprivileged user -----------------
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    SCARF_ANALYTICS=false \
    NPM_CONFIG_AUDIT=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_UPDATE_NOTIFIER=false

COPY package.json package-lock.json ./
COPY tools/trawl-cli tools/trawl-cli
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --omit=optional --no-audit --no-fund --ignore-scripts

COPY --from=build /app/dist ./dist

# The node image's own unprivileged user (uid 1000); the app writes nothing under /app.
USER node
EXPOSE 3000
CMD ["node", "dist/apps/gateway/src/main.js"]
