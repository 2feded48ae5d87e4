FROM contoso.azurecr.io/base/python:3.12 AS build
RUN aws configure set aws_access_key_id "$KEY_ID"
FROM contoso.azurecr.io/base/python:3.12
ARG VITE_AWS_ACCESS_KEY_ID=REPLACE_WITH_YOUR_OWN
COPY ./deploy /app
ENV GOOGLE_APPLICATION_CREDENTIALS=./app/service-account.json
COPY ./aws-config ${AWS_CONFIG_FILE}
RUN gcloud auth activate-service-account --key-file=/app/service-account.json
RUN --mount=type=secret,id=azure az login --service-principal -u "$APP_ID" -p "$(cat /run/secrets/azure)" --tenant contoso
RUN az login --service-principal -u app -p hunter2 --tenant contoso
ENV SETTINGS_FILE=./app/settings.json
COPY ./gcp.json $GOOGLE_APPLICATION_CREDENTIALS
