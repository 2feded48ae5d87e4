FROM contoso.azurecr.io/base/alpine:3.20
USER root
RUN apk add curl
user app:app
