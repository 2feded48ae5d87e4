# syntax=docker/dockerfile:1.7
ARG GO_IMAGE=contoso.azurecr.io/base/golang:1.23.2@sha256:0b1e9c9d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b
FROM ${GO_IMAGE} AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=secret,id=netrc,target=/root/.netrc go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /out/storefront ./cmd/storefront

FROM mcr.microsoft.com/cbl-mariner/distroless/minimal:2.0
COPY --from=build /out/storefront /storefront
USER 65532:65532
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD ["/storefront", "healthcheck"]
ENTRYPOINT ["/storefront"]
