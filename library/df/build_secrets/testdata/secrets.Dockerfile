ARG NPM_TOKEN
FROM contoso.azurecr.io/base/node:20.11 AS build
ENV DB_PASSWORD=Sup3r-s3cret!x NODE_ENV=production
ARG GITHUB_TOKEN=ghp_0123456789abcdefghijklmnopqrstuvwxyzAB
RUN npm ci
FROM contoso.azurecr.io/base/node:20.11
ENV AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=https;AccountName=shop;AccountKey=c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0YQ==;EndpointSuffix=core.windows.net"
