ARG REGISTRY
ARG IMAGE
FROM ${REGISTRY}/${IMAGE}:1.0 AS unresolved
FROM contoso.azurecr.io/Base/alpine:3.20 AS invalid
FROM contoso.azurecr.io/base/alpine@sha256:3b8f1c0c2a9d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789ab AS digest
