# syntax=docker/dockerfile:1
# The production image: the standalone build (next.config.ts, `output: "standalone"`) on Node 20, as a non-root user,
# with no dev dependencies, no sources and no secrets (configuration comes from the environment at run time:
# lib/env.ts, README's table). Stages:
#   build    npm ci + next build
#   migrate  the deploy step (`npm run db:migrate`): full dependencies, run once per release before the new app starts
#   runtime  the default target: server.js and the node_modules it traced, nothing else
# docs/deploy.md; compose.yaml runs both. The GitHub workflow builds it and smoke-tests it with compose.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
RUN npm run build

FROM deps AS migrate
COPY . .
USER node
CMD ["npm", "run", "db:migrate"]

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000 \
    HOSTNAME=0.0.0.0 \
    NEXT_MANUAL_SIG_HANDLE=true \
    ANATOMY_DATA_DIR=/app/.data
COPY --from=build --chown=node:node /app/.next/standalone ./
COPY --from=build --chown=node:node /app/.next/static ./.next/static
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 3000
# SIGTERM: /api/ready turns 503 at once, requests in flight finish during SHUTDOWN_DRAIN_SECONDS, then the process
# exits (lib/runtime/graceful-shutdown.ts; NEXT_MANUAL_SIG_HANDLE leaves the signal to the app). Give the container
# a stop timeout above the drain (compose: stop_grace_period).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "server.js"]
