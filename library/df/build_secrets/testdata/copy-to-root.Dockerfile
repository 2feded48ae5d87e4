FROM contoso.azurecr.io/base/python:3.12
COPY . .
ENV GOOGLE_APPLICATION_CREDENTIALS=/etc/gcp/key.json
ARG AWS_CONFIG_FILE
ENV AWS_SHARED_CREDENTIALS_FILE="./aws/credentials"
