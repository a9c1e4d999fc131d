# idpool: a local emulator of Amazon Cognito Identity, AWS STS and Amazon
# Cognito Sync, as one static binary on a minimal, non-root image.
#
#   docker build --pull -t idpool .
#   docker run -p 127.0.0.1:9230:9230 -v idpool-data:/data idpool
#
# 127.0.0.1: the port is published on the host's loopback only. A plain
# -p 9230:9230 publishes it on every interface, past the host's firewall,
# and idpool's test controls (POST /_idpool/reset) and console answer
# whoever addresses it by IP: use it only to reach idpool from a phone or
# another machine on a network you trust. --pull builds with the newest
# golang:1.26 (go.mod asks for 1.26.0; its toolchain line names the
# release idpool is tested with).
#
# Fixtures: mount a directory read-only at /fixtures and set
# IDPOOL_FIXTURES=/fixtures (see docker-compose.example.yml).
#
# Reproducible builds: pin both base images by digest, e.g.
#   FROM golang:1.26-bookworm@sha256:<digest> AS build
#   FROM gcr.io/distroless/static-debian12:nonroot@sha256:<digest>
# with the digests `docker buildx imagetools inspect <image>` prints. The
# golang image must hold at least the Go of go.mod's go line: the official
# images set GOTOOLCHAIN=local, and go mod download fails rather than
# fetch a newer Go.

# The builder runs on the build machine's own platform and cross-compiles:
# idpool is pure Go (modernc.org/sqlite needs no cgo), so one builder
# serves every target platform of `docker buildx build --platform …`.
FROM --platform=$BUILDPLATFORM golang:1.26-bookworm AS build
WORKDIR /src

# Modules first, in a layer of their own: it is rebuilt only when go.mod or
# go.sum change, not on every source edit.
COPY go.mod go.sum ./
RUN go mod download && go mod verify

COPY . .
# `idpool --version` prints these; the build context has no .git for Go
# to read the commit from: docker build --build-arg VERSION=v1.2.3 \
#   --build-arg COMMIT=$(git rev-parse HEAD) .
ARG TARGETOS TARGETARCH VERSION COMMIT
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -trimpath \
      -ldflags="-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}" \
      -o /out/idpool ./cmd/idpool

# The runtime image has no shell to mkdir with, so the state directory and
# the directory of the address file are made here and copied over with
# their owner set.
RUN mkdir -p /out/data /out/run

# distroless/static rather than scratch: it already has the nonroot user
# (uid/gid 65532) in /etc/passwd and /etc/group, CA certificates (a login
# provider's key set may be fetched from an https URL) and tzdata, and still
# no shell or package manager. Its :nonroot tag runs as that user.
FROM gcr.io/distroless/static-debian12:nonroot

COPY --from=build /out/idpool /idpool
COPY --from=build --chown=65532:65532 /out/data /data
COPY --from=build --chown=65532:65532 /out/run /run/idpool

USER 65532:65532

# Listen on every interface of the container, not only its loopback, and
# keep state on the volume so that pools, identities and the signing key
# survive a new container. The server writes the address it listens on to
# IDPOOL_ADDR_FILE, where the health check reads it: the check runs as
# another process that sees this environment but never the server's flags,
# so without the file a server started with --addr would be unhealthy.
ENV IDPOOL_ADDR=0.0.0.0:9230 \
    IDPOOL_DB=/data/idpool.db \
    IDPOOL_ADDR_FILE=/run/idpool/addr

EXPOSE 9230
VOLUME /data

# Exec form: the image has no shell and no curl. `idpool health` reads the
# address file and asks the server's /_idpool/health on the loopback. Until
# the server has written the file (while it starts) the check fails, which
# Docker counts as starting within the start period; a server that cannot
# write the file stops at start rather than run unhealthy.
HEALTHCHECK --interval=10s --timeout=5s --start-period=5s --retries=3 \
    CMD ["/idpool", "health"]

ENTRYPOINT ["/idpool"]
