# Stratus container images, from one multi-stage build (README, "Deployment"):
#   docker build --target app    -t stratus-app .     Next.js standalone server, :3000
#   docker build --target worker -t stratus-worker .  job worker, Pulse listener, migrations and
#                                                      the local S3 store, compiled to JavaScript
# Both run as the non-root user `stratus`; every setting comes from the environment.
# NODE_IMAGE picks the base: the public node image by default; `npm run containers` passes the one
# it made locally from Debian and the npm registry (scripts/deploy/containers.sh), as nothing can
# be pulled there. No `# syntax=` line: BuildKit would fetch that frontend from a registry.

ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# --- dependencies: cached until package-lock.json changes -----------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
# The lock pins everything; install scripts are not needed (sharp and argon2 ship prebuilt).
# Behind a TLS-inspecting proxy, pass its CA bundle as a build secret (never stored in a layer):
#   docker build --secret id=ca_certs,src=/etc/ssl/certs/ca-certificates.crt …
RUN --mount=type=secret,id=ca_certs \
  if [ -s /run/secrets/ca_certs ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca_certs; fi \
  && npm ci --no-audit --no-fund --ignore-scripts

# --- build: Prisma client and the standalone Next.js server --------------------------------
FROM deps AS build
COPY . .
# `prisma generate` wants a schema-engine path even though it never runs it (scripts/lib.sh).
# NEXT_OUTPUT=standalone switches next.config.js to Next's standalone output for this build only.
RUN PRISMA_SCHEMA_ENGINE_BINARY=/app/package.json npx prisma generate \
  && NEXT_OUTPUT=standalone npx next build

# --- worker-build: the worker's processes compiled to JavaScript ---------------------------
# Only what they import (lib, inngest, scripts), so a change to a page rebuilds no worker.
FROM deps AS worker-build
COPY tsconfig.json prisma.config.ts ./
COPY prisma ./prisma
COPY lib ./lib
COPY inngest ./inngest
COPY scripts ./scripts
RUN PRISMA_SCHEMA_ENGINE_BINARY=/app/package.json npx prisma generate \
  && node scripts/deploy/bundle-worker.mjs

# --- runtime: what both images share --------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1
# Nothing installs packages at run time: npm, npx, corepack and yarn go.
RUN rm -rf /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx \
     /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn* \
  && groupadd --system --gid 1001 stratus \
  && useradd --system --uid 1001 --gid stratus --home-dir /app --shell /usr/sbin/nologin stratus
# Health checks with bash alone (no Node start per check): http-ok PORT PATH [BELOW].
COPY scripts/deploy/images/http-ok.sh /usr/local/bin/http-ok

# --- app: the web server, one of many behind a load balancer --------------------------------
FROM runtime AS app
ENV PORT=3000 HOSTNAME=0.0.0.0
# server.js plus the traced node_modules it needs; static assets are not traced, so copy them.
# Owned by root: the server writes nothing but .next/cache.
COPY --from=build /app/.next/standalone ./
COPY --from=build /app/.next/static ./.next/static
# The outbox (mails when no SMTP_URL is set) is a volume shared with the worker.
RUN mkdir -p .next/cache /var/lib/stratus/outbox \
  && chown stratus:stratus .next/cache /var/lib/stratus/outbox
ENV EMAIL_OUTBOX_DIR=/var/lib/stratus/outbox
USER stratus
EXPOSE 3000
# Liveness only (/api/health checks no dependency); orchestrators route by /api/ready.
HEALTHCHECK --interval=15s --timeout=10s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "http-ok \"${PORT:-3000}\" /api/health"]
# SIGTERM: stop accepting, finish requests in flight, exit (SHUTDOWN_TIMEOUT_MS bounds it).
STOPSIGNAL SIGTERM
CMD ["node", "server.js"]

# --- worker: background functions, MapReduce's sandbox, migrations --------------------------
FROM runtime AS worker
# MapReduce runs uploaded programs in bubblewrap under prlimit as a dedicated user (scripts/lib.sh);
# bubblewrap needs user namespaces, which the container runtime must allow (README). GNU sort
# (coreutils) and prlimit/setpriv (util-linux) are in every Debian image. Image Studio's text
# watermarks are SVG text drawn by sharp through fontconfig: DejaVu Sans, the first font they name.
RUN apt-get update \
  && apt-get install -y --no-install-recommends bubblewrap python3 python3-seccomp fonts-dejavu-core \
  && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin
RUN test -x /usr/bin/python3 && test -x /usr/bin/bwrap && test -x /usr/bin/prlimit \
  && test -x /usr/bin/setpriv && /usr/bin/python3 -I -c 'import seccomp' \
  && useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
     --user-group stratus-sandbox \
  && mkdir -p /app/.data/s3 /var/lib/stratus/mapreduce /var/lib/stratus/outbox \
  && chown stratus:stratus /app/.data /app/.data/s3 /var/lib/stratus/mapreduce /var/lib/stratus/outbox \
  && chmod 2770 /var/lib/stratus/mapreduce /var/lib/stratus/outbox
# (Group-writable: docker-compose.sandbox.yml runs the worker as a uid of its own in this group.)
# Compiled processes (scripts/deploy/bundle-worker.mjs) and the native packages they load.
COPY --from=worker-build /app/dist/worker ./dist
COPY --from=deps /app/node_modules/sharp ./node_modules/sharp
COPY --from=deps /app/node_modules/@img ./node_modules/@img
COPY --from=deps /app/node_modules/@node-rs ./node_modules/@node-rs
COPY --from=deps /app/node_modules/detect-libc ./node_modules/detect-libc
COPY --from=deps /app/node_modules/semver ./node_modules/semver
COPY --from=worker-build /app/prisma/migrations ./prisma/migrations
# Data files read from the working directory: Pulse's sentiment model
# (lib/pulse/sentiment/model/model.ts) and its language detector's n-grams (lib/pulse/language/eld.ts).
COPY --from=worker-build /app/lib/pulse/sentiment/model/model.json /app/lib/pulse/sentiment/model/weights.bin ./lib/pulse/sentiment/model/
COPY --from=worker-build /app/lib/pulse/language/eld-small.bin ./lib/pulse/language/
COPY --from=worker-build /app/package.json ./package.json
ENV WORKER_HOST=127.0.0.1 MAPREDUCE_WORK_DIR=/var/lib/stratus/mapreduce \
  EMAIL_OUTBOX_DIR=/var/lib/stratus/outbox
USER stratus
EXPOSE 3288 8288
# The executor's event API; with INNGEST_EXECUTOR=external, the function endpoint.
HEALTHCHECK --interval=15s --timeout=10s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "if [ \"$INNGEST_EXECUTOR\" = external ]; then http-ok \"${WORKER_SERVE_PORT:-3288}\" /api/inngest 500; else http-ok \"${EXECUTOR_EVENT_PORT:-8288}\" /health; fi"]
STOPSIGNAL SIGTERM
# Other commands of this image:
#   node dist/migrate.mjs                                  applies prisma/migrations
#   node dist/listener.mjs                                 Pulse's listener
#   node --openssl-legacy-provider dist/s3-server.mjs      the local S3 store (data in .data/s3)
CMD ["node", "dist/worker.mjs"]
