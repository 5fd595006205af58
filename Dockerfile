# The worker image. The workflow bundle is built here, ahead of time (npm run build), so the
# worker never bundles at start.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# The worker's allocator settings and V8 flags: src/worker/node-flags.ts says why.
ENV MALLOC_ARENA_MAX=2
ENV DUCKDB_JE_MALLOC_CONF=dirty_decay_ms:0,muzzy_decay_ms:0
COPY package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY checks ./checks
COPY auditor ./auditor
USER node
CMD ["node", "--max-semi-space-size=1", "--max-old-space-size=384", "--optimize-for-size", "dist/src/worker/main.js"]
