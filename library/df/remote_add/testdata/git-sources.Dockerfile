FROM alpine:3.20
ADD ssh://git@github.com/contoso/tools /opt/tools
ADD vendor/tools.git#v1.2 /opt/tools2
COPY https://example.com/not-fetched-by-copy /tmp/x
USER 1000
