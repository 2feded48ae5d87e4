FROM contoso.azurecr.io/base/python:3.12
COPY ./src /src
ENV GOOGLE_APPLICATION_CREDENTIALS=/var/run/secrets/google/key.json
ENV AWS_SHARED_CREDENTIALS_FILE=/src-credentials/aws
ENV API_TOKEN=/run/secrets/api-token
ENV GOOGLE_APPLICATION_CREDENTIALS==
LABEL org.contoso.note="the entrypoint runs gcloud auth activate-service-account with a mounted key"
RUN --mount=type=secret,id=aws aws configure set aws_secret_access_key "$(cat /run/secrets/aws)"
