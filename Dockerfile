# rkecis in a container: `rkecis collect --root /host` for the DaemonSet in deploy/, or any
# command with the host mounted read-only under /host (README: Whole clusters).
#
#   docker build -t rkecis:0.1.0 .
#
# Two stages: the build (TypeScript, the bundled CLI, the compiled profiles) with the dev
# dependencies, then a runtime image with only what `rkecis` runs: dist/, bin/, profiles/,
# schemas/ and the production node_modules.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY profiles ./profiles
COPY schemas ./schemas
# `npm ci` runs `prepare`, which builds dist/ (tsc, compiled profiles, bundled CLI).
RUN npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
LABEL org.opencontainers.image.title="rkecis" \
      org.opencontainers.image.description="CIS Kubernetes Benchmark scanner for Rancher RKE nodes and clusters" \
      org.opencontainers.image.licenses="Apache-2.0"
WORKDIR /opt/rkecis
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/bin ./bin
COPY --from=build /src/profiles ./profiles
COPY --from=build /src/schemas ./schemas
RUN ln -s /opt/rkecis/bin/rkecis.js /usr/local/bin/rkecis
# Root inside the container, with every capability dropped by the DaemonSet: it reads
# root-owned 0600 files and the Docker socket of the host, read-only; it writes only its bundle.
ENV NODE_ENV=production
ENTRYPOINT ["rkecis"]
CMD ["--help"]
