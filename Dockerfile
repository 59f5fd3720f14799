# syntax=docker/dockerfile:1.7
# Stratus container images, from one multi-stage build (README, "Deployment"):
#   docker build --target app    -t stratus-app .     Next.js standalone server, :3000
#   docker build --target worker -t stratus-worker .  job worker (npm run worker) and migrations
# Both run as the non-root user `stratus`; every setting comes from the environment.

ARG NODE_IMAGE=node:20.19-bookworm-slim

# --- dependencies: cached until package-lock.json changes -----------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
# The lock pins everything; install scripts are not needed (sharp and argon2 ship prebuilt).
RUN npm ci --no-audit --no-fund --ignore-scripts

# --- build: Prisma client and the standalone Next.js server ---------------------------------
FROM deps AS build
COPY . .
# `prisma generate` wants a schema-engine path even though it never runs it (scripts/lib.sh).
# NEXT_OUTPUT=standalone switches next.config.js to Next's standalone output for this build only.
RUN PRISMA_SCHEMA_ENGINE_BINARY=/app/package.json npx prisma generate \
  && NEXT_OUTPUT=standalone npx next build

# --- app: the web server, one of many behind a load balancer --------------------------------
FROM ${NODE_IMAGE} AS app
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000 HOSTNAME=0.0.0.0
RUN groupadd --system --gid 1001 stratus \
  && useradd --system --uid 1001 --gid stratus --home-dir /app --shell /usr/sbin/nologin stratus
# server.js plus the traced node_modules it needs; static assets are not traced, so copy them.
COPY --from=build --chown=stratus:stratus /app/.next/standalone ./
COPY --from=build --chown=stratus:stratus /app/.next/static ./.next/static
USER stratus
EXPOSE 3000
# Liveness only (/api/health checks no dependency); orchestrators route by /api/ready.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM: stop accepting, finish requests in flight, exit (SHUTDOWN_TIMEOUT_MS bounds it).
STOPSIGNAL SIGTERM
CMD ["node", "server.js"]

# --- worker: background functions, MapReduce's sandbox, migrations --------------------------
FROM ${NODE_IMAGE} AS worker
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 WORKER_HOST=0.0.0.0
# MapReduce runs uploaded programs in bubblewrap under prlimit as a dedicated user (scripts/lib.sh);
# bubblewrap needs user namespaces, which the container runtime must allow (README).
RUN apt-get update \
  && apt-get install -y --no-install-recommends bubblewrap util-linux python3 python3-seccomp \
  && rm -rf /var/lib/apt/lists/* \
  && groupadd --system --gid 1001 stratus \
  && useradd --system --uid 1001 --gid stratus --home-dir /app --shell /usr/sbin/nologin stratus \
  && useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
     --user-group stratus-sandbox
# The worker runs TypeScript through tsx (a dev dependency), so it keeps the full install.
COPY --from=build --chown=stratus:stratus /app/node_modules ./node_modules
COPY --from=build --chown=stratus:stratus /app/package.json /app/tsconfig.json ./
COPY --from=build --chown=stratus:stratus /app/inngest ./inngest
COPY --from=build --chown=stratus:stratus /app/lib ./lib
COPY --from=build --chown=stratus:stratus /app/prisma ./prisma
COPY --from=build --chown=stratus:stratus /app/scripts ./scripts
USER stratus
EXPOSE 3288 8288
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const u=process.env.INNGEST_EXECUTOR==='external'?'http://127.0.0.1:'+(process.env.WORKER_SERVE_PORT||3288)+'/api/inngest':'http://127.0.0.1:'+(process.env.EXECUTOR_EVENT_PORT||8288)+'/health';fetch(u).then(r=>process.exit(r.status<500?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
# `docker run stratus-worker node --import tsx scripts/migrate.ts` applies the migrations.
CMD ["node", "--conditions=react-server", "--import", "tsx", "scripts/worker.ts"]
