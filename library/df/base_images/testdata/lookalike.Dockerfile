FROM contoso.azurecr.io.evil.example/base/alpine:3.20
FROM CONTOSO.AZURECR.IO/base/alpine:3.20
