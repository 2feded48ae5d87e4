ARG REGISTRY=docker.io
ARG BASE
FROM ${REGISTRY}/library/alpine:3.20 AS one
FROM $BASE AS two
FROM ${BASE2:-contoso.azurecr.io/base/alpine:3.20} AS three
FROM scratch
COPY --from=one /etc/passwd /etc/passwd
