FROM node:latest AS deps
RUN npm ci
FROM contoso.azurecr.io/base/node
COPY --from=deps /app /app
USER 1000
