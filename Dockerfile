# rkecis in a container: `rkecis collect --root /host` for the DaemonSet in deploy/, or any
# command with the host mounted read-only under /host (README: The container image).
#
#   docker build -t rkecis:0.1.0 .
#
# Two stages: the build (npm ci: TypeScript, the bundled CLI, the compiled profiles; then the
# dev dependencies pruned), then a runtime image with only what `rkecis` runs: dist/, bin/,
# profiles/, schemas/ and the production node_modules.
#
# Without the npm registry (and the download of better-sqlite3's prebuilt binary), build from a
# context that already holds dist/ and the production node_modules, made on a machine with the
# same Node.js major version and glibc, with --build-arg PREBUILT=1; test/image/build-image.sh
# does that for CI.
FROM node:20-bookworm-slim AS build
WORKDIR /src
# .dockerignore keeps node_modules/, dist/ and everything else the image does not need out.
COPY . .
ARG PREBUILT=
# `npm ci` runs `prepare`, which builds dist/ (tsc, compiled profiles, bundled CLI). Then /src
# holds what the runtime image takes, and `rkecis` on a PATH folder of its own.
RUN if [ -n "$PREBUILT" ]; then \
      test -f dist/bundle/main.js && test -d node_modules/commander || \
        { echo "PREBUILT=1: the build context has no dist/ or node_modules/" >&2; exit 1; }; \
    else \
      npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund; \
    fi && \
    rm -rf src tsconfig.json tsconfig.build.json Dockerfile && \
    mkdir path && ln -s ../bin/rkecis.js path/rkecis

FROM node:20-bookworm-slim
LABEL org.opencontainers.image.title="rkecis" \
      org.opencontainers.image.description="CIS Kubernetes Benchmark scanner for Rancher RKE nodes and clusters" \
      org.opencontainers.image.licenses="Apache-2.0"
# Root inside the container, with every capability dropped by the DaemonSet: it reads
# root-owned 0600 files and the Docker socket of the host, read-only; it writes only its bundle.
ENV NODE_ENV=production PATH=/opt/rkecis/path:$PATH
WORKDIR /opt/rkecis
ENTRYPOINT ["rkecis"]
CMD ["--help"]
# One layer: dist/, bin/, profiles/, schemas/, package.json and the production node_modules.
COPY --from=build /src /opt/rkecis
