FROM contoso.azurecr.io/base/alpine:3.20 AS tools
ADD https://example.com/tool.tar.gz /opt/
ADD git@github.com:contoso/tools.git /src/tools
FROM contoso.azurecr.io/base/alpine:3.20
add HTTP://example.com/config.json /etc/app/
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/verified.tgz /opt/
ADD local.tgz /opt/
