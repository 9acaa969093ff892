# syntax=docker/dockerfile:1
# The image of any one service of the catalog: docker-compose.yml builds it once per service with
# SERVICE (the Nx project and dist folder) and PORT; DATA_DIR, when given, is a folder the service
# writes to and a volume is mounted on (early-warning's import uploads). Build context: the repo root.
# One file for all five, because their images differ only in those values.

# Build stage: full install, Nx build -> dist/services/$SERVICE/main.js
FROM node:20-bookworm-slim AS build
ARG SERVICE
ENV NX_DAEMON=false \
    NX_NO_CLOUD=true
RUN test -n "$SERVICE" || { echo "build argument SERVICE is required: the service to build, e.g. --build-arg SERVICE=mediation" >&2; exit 1; }
WORKDIR /app
# Package files first: the install layer is shared by every service image and reused until
# package*.json change.
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund
COPY . .
RUN npx nx run "$SERVICE:build"

# Production dependencies only (no dev tooling in the runtime image); shared by every service image.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --no-audit --no-fund

# Runtime.
# node_modules stay external to the bundle: OpenTelemetry instruments modules by hooking require(),
# which a bundle that inlines them would bypass.
FROM node:20-bookworm-slim AS runtime
ARG SERVICE
ARG PORT
ARG DATA_DIR=
RUN test -n "$PORT" || { echo "build argument PORT is required: the port the service listens on" >&2; exit 1; }
ENV NODE_ENV=production \
    SERVICE=$SERVICE \
    PORT=$PORT
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist/services/$SERVICE ./dist/services/$SERVICE
# Created here so that a volume mounted on it starts out owned by the user that writes it.
RUN if [ -n "$DATA_DIR" ]; then mkdir -p "$DATA_DIR" && chown -R node:node "$DATA_DIR"; fi
USER node
EXPOSE $PORT
# Liveness only; docker-compose.yml probes /health/ready instead.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/health/live', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Shell form only to expand $SERVICE; exec makes node PID 1, so `docker stop` reaches it and the
# service drains (SIGTERM) rather than being killed after the grace period.
CMD exec node --max-semi-space-size=32 --single-threaded-gc "dist/services/$SERVICE/main.js"
