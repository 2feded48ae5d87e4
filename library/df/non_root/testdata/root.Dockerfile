FROM contoso.azurecr.io/base/alpine:3.20
USER app
RUN apk add curl
USER 0:1000
