package opa

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// selfSigned writes a certificate for 127.0.0.1 and its key.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "shipshape-test"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	keyDER, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	certFile, keyFile = filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	require.NoError(t, os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644))
	require.NoError(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600))
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

func TestServeSeveralBundlesOverTLS(t *testing.T) {
	dir := t.TempDir()
	shipshape := filepath.Join(dir, "shipshape")
	run(t, repoRoot(), "go", "build", "-buildvcs=false", "-o", shipshape, "./cmd/shipshape")
	for _, p := range []string{"pss-baseline", "pss-restricted"} {
		run(t, repoRoot(), shipshape, "bundle", "build", "--config", os.DevNull, "--bundle", p, "-o", filepath.Join(dir, p+".tar.gz"))
	}
	certFile, keyFile, pool := selfSigned(t, dir)
	addr := freePort(t)
	serve := exec.Command(shipshape, "bundle", "serve", "--addr", addr, "--tls-cert", certFile, "--tls-key", keyFile,
		filepath.Join(dir, "pss-baseline.tar.gz"), filepath.Join(dir, "pss-restricted.tar.gz"))
	log := &syncBuffer{}
	serve.Stdout, serve.Stderr = log, log
	require.NoError(t, serve.Start())
	defer func() {
		_ = serve.Process.Signal(syscall.SIGTERM)
		assert.NoError(t, serve.Wait(), log.String())
	}()
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	waitFor(t, 20*time.Second, func() bool {
		resp, err := client.Get("https://" + addr + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, "the TLS server:\n%s", log)

	etags := map[string]string{}
	for _, name := range []string{"pss-baseline.tar.gz", "pss-restricted.tar.gz"} {
		resp, err := client.Get("https://" + addr + "/" + name)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode, name)
		etags[name] = resp.Header.Get("ETag")
	}
	assert.NotEqual(t, etags["pss-baseline.tar.gz"], etags["pss-restricted.tar.gz"], "each bundle by its own name")

	old := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MaxVersion: tls.VersionTLS11}}}
	_, err := old.Get("https://" + addr + "/healthz")
	assert.Error(t, err, "TLS before 1.2 is refused")
	resp, err := http.Get("http://" + addr + "/healthz")
	if err == nil {
		resp.Body.Close()
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "plain HTTP to the TLS port is refused")
	}
}
