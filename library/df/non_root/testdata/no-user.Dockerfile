FROM contoso.azurecr.io/base/alpine:3.20 AS build
USER 1000
RUN make
FROM contoso.azurecr.io/base/alpine:3.20
COPY --from=build /out /out
