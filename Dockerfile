# syntax=docker/dockerfile:1
# shipshape's image: the static binary with its library plan, on distroless,
# as a non-root user, with no shell. Both bases are pinned by digest (the tag
# beside it says what the digest is); update tag and digest together.
#
#   docker build -t shipshape .            (make image)
#   docker run --rm -v "$PWD:/work:ro" shipshape scan --profile pss-restricted .

# golang:1.26-bookworm for linux/amd64 and linux/arm64; the go.mod toolchain
# line decides the exact Go release it builds with.
FROM golang:1.26-bookworm@sha256:18aedc16aa19b3fd7ded7245fc14b109e054d65d22ed53c355c899582bbb2113 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=""
# The release build: static, -trimpath, stripped, with the plan embedded.
RUN go run ./bundles/plan/makeplan -o bundles/plan/built/library.plan \
 && CGO_ENABLED=0 go build -trimpath -buildvcs=false \
      -ldflags "-s -w -buildid= -X main.buildVersion=${VERSION}" \
      -o /out/shipshape ./cmd/shipshape

# distroless static, nonroot variant: no shell, no package manager.
FROM gcr.io/distroless/static-debian12:nonroot@sha256:d093aa3e30dbadd3efe1310db061a14da60299baff8450a17fe0ccc514a16639
COPY --from=build /out/shipshape /usr/local/bin/shipshape
# distroless's nonroot user, by number so runAsNonRoot can verify it.
USER 65532:65532
WORKDIR /work
# A CLI has no service to probe: the check proves the binary starts.
HEALTHCHECK --interval=5m --timeout=10s CMD ["/usr/local/bin/shipshape", "version"]
ENTRYPOINT ["/usr/local/bin/shipshape"]
CMD ["scan", "."]
