FROM contoso.azurecr.io/base/alpine:3.20 AS build
HEALTHCHECK CMD true
FROM contoso.azurecr.io/base/alpine:3.20
USER 1000
