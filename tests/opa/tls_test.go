package opa

import (
	"crypto/tls"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/tests/internal/testbin"
	"github.com/shipshape-dev/shipshape/tests/internal/testcert"
)

func TestServeSeveralBundlesOverTLS(t *testing.T) {
	dir := t.TempDir()
	shipshape := testbin.BuildT(t)
	for _, p := range []string{"pss-baseline", "pss-restricted"} {
		run(t, testbin.RepoRoot(), shipshape, "bundle", "build", "--config", os.DevNull, "--profile", p, "-o", filepath.Join(dir, p+".tar.gz"))
	}
	cert := testcert.SelfSigned(t)
	certFile, keyFile := cert.WriteFiles(t, dir)
	pool := cert.Pool
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
