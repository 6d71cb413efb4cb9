# firebreak serve: the alert receiver in a container. Build: docker build -t firebreak .
# Run: docker run -p 8080:8080 -e GITHUB_TOKEN -e FIREBREAK_ALERT_TOKEN firebreak --repo acme/incidents
# Node 24, as the Action runs (node24); Node 20 reached its end of life on 2026-04-30.
FROM node:24-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN node scripts/build.mjs --only cli

FROM node:24-slim
# The port is this one setting (docker run -e PORT=9000 -p 9000:9000): the server listens on it and the HEALTHCHECK
# asks it, so the two cannot disagree; `--port` is refused here for that reason.
ENV NODE_ENV=production PORT=8080
WORKDIR /app
# The CLI is one self-contained bundle (templates included): nothing else to install.
COPY --from=build /src/dist/cli.js /app/cli.js
# A config file (alert routes, severities, services) can be mounted at /app/.github/incidents.yml.
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# exec: SIGTERM reaches node directly, so requests in flight finish before the container stops.
ENTRYPOINT ["/bin/sh", "-c", "for arg; do case \"$arg\" in --port|--port=*|-p|-p?*) echo \"firebreak: set the port with -e PORT=N (the HEALTHCHECK reads it too), not $arg\" >&2; exit 2;; esac; done; exec node /app/cli.js serve --host 0.0.0.0 --port \"$PORT\" \"$@\"", "firebreak"]
