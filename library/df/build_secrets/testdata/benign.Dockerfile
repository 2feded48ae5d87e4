ARG VERSION=1.4.2
FROM contoso.azurecr.io/base/node:20.11
ENV NODE_ENV=production PORT=8080 TOKEN_TTL=3600
ENV PASSWORD_FILE=/run/secrets/db-password
