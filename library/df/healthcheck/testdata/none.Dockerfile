FROM contoso.azurecr.io/base/alpine:3.20 AS base
HEALTHCHECK CMD wget -q localhost:8080/healthz
FROM base
healthcheck none
