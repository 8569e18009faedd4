# One image for every role: APP_MODE=api|worker|all picks what the process does.
# syntax=docker/dockerfile:1.7
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# The root postinstall installs the web UI's own dependencies from these (web/scripts/install-web-deps.mjs).
COPY web/package.json web/package-lock.json ./web/
COPY web/scripts/install-web-deps.mjs ./web/scripts/
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY examples ./examples
COPY migrations ./migrations
COPY test/infra ./test/infra
COPY test/support ./test/support
COPY bench ./bench
COPY web ./web
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production APP_MODE=all PORT=3000
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*
# The ats CLI on PATH: `docker run --rm <image> ats run …` (a wrapper, since tsc output is not executable).
RUN printf '#!/bin/sh\nexec node /app/dist/src/cli/main.js "$@"\n' > /usr/local/bin/ats && chmod 0755 /usr/local/bin/ats
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# Served at / by the API (WEB_DIST_DIR, relative to the working directory).
COPY --from=build --chown=node:node /app/web/dist ./web/dist
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/ready').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# tini forwards SIGTERM to node so the graceful shutdown (drain jobs, close connections) runs.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/src/main.js"]
