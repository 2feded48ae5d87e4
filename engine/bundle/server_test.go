package bundle

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeBundle(t *testing.T, dir, name, profileName string) string {
	t.Helper()
	return writeBytes(t, dir, name, buildBundle(t, profileName))
}

func buildBundle(t *testing.T, profileName string) []byte {
	t.Helper()
	lib, sel := fixture(t, profileName)
	data, err := Build(lib, sel, Options{Version: "test"})
	require.NoError(t, err)
	return data
}

// writeBytes replaces a bundle file atomically.
func writeBytes(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p+".tmp", data, 0o644))
	require.NoError(t, os.Rename(p+".tmp", p))
	return p
}

func request(t *testing.T, s *Server, method, path string, header http.Header) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec.Result()
}

func TestServerSpeaksOPAsBundleProtocol(t *testing.T) {
	dir := t.TempDir()
	file := writeBundle(t, dir, "b.tar.gz", "pss-baseline")
	s, err := NewServer([]string{file}, ServerOptions{Token: "tok", MaxWait: 10 * time.Second})
	next := buildBundle(t, "pss-restricted") // built up front: building is slow under -race
	require.NoError(t, err)
	auth := http.Header{"Authorization": {"Bearer tok"}}

	assert.Equal(t, http.StatusOK, request(t, s, http.MethodGet, "/healthz", nil).StatusCode, "health needs no token")
	assert.Equal(t, http.StatusUnauthorized, request(t, s, http.MethodGet, "/b.tar.gz", nil).StatusCode)
	assert.Equal(t, http.StatusUnauthorized, request(t, s, http.MethodGet, "/b.tar.gz", http.Header{"Authorization": {"Bearer tok2"}}).StatusCode)
	assert.Equal(t, http.StatusUnauthorized, request(t, s, http.MethodGet, "/b.tar.gz", http.Header{"Authorization": {"Basic tok"}}).StatusCode)
	assert.Equal(t, http.StatusMethodNotAllowed, request(t, s, http.MethodPost, "/b.tar.gz", auth).StatusCode)
	assert.Equal(t, http.StatusNotFound, request(t, s, http.MethodGet, "/other.tar.gz", auth).StatusCode)
	assert.Equal(t, http.StatusNotFound, request(t, s, http.MethodGet, "/x/b.tar.gz", auth).StatusCode)

	resp := request(t, s, http.MethodGet, "/b.tar.gz", auth)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	body, _ := io.ReadAll(resp.Body)
	want, _ := os.ReadFile(file)
	assert.Equal(t, want, body)
	assert.Equal(t, "application/gzip", resp.Header.Get("Content-Type"))
	etag := resp.Header.Get("ETag")

	head := request(t, s, http.MethodHead, "/b.tar.gz", auth)
	assert.Equal(t, http.StatusOK, head.StatusCode)
	assert.Equal(t, etag, head.Header.Get("ETag"))

	cond := http.Header{"Authorization": {"Bearer tok"}, "If-None-Match": {etag}}
	assert.Equal(t, http.StatusNotModified, request(t, s, http.MethodGet, "/b.tar.gz", cond).StatusCode)

	// Long polling: held until the wait ends, then 304, marked as a long-poll server.
	poll := http.Header{"Authorization": {"Bearer tok"}, "If-None-Match": {etag}, "Prefer": {"modes=snapshot,delta;wait=1"}}
	start := time.Now()
	resp = request(t, s, http.MethodGet, "/b.tar.gz", poll)
	assert.Equal(t, http.StatusNotModified, resp.StatusCode)
	assert.Equal(t, LongPollContentType, resp.Header.Get("Content-Type"))
	assert.GreaterOrEqual(t, time.Since(start), 900*time.Millisecond)

	// A change releases a waiting poll with the new bundle.
	done := make(chan *http.Response)
	go func() {
		done <- request(t, s, http.MethodGet, "/b.tar.gz", http.Header{"Authorization": {"Bearer tok"}, "If-None-Match": {etag}, "Prefer": {"wait=30"}})
	}()
	time.Sleep(100 * time.Millisecond)
	writeBytes(t, dir, "b.tar.gz", next)
	s.Reload()
	select {
	case resp = <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("the change did not release the long poll")
	}
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.NotEqual(t, etag, resp.Header.Get("ETag"))
	assert.Equal(t, LongPollContentType, resp.Header.Get("Content-Type"))
}

func TestServerKeepsTheLastGoodBundle(t *testing.T) {
	dir := t.TempDir()
	file := writeBundle(t, dir, "b.tar.gz", "pss-baseline")
	var logged []string
	s, err := NewServer([]string{file}, ServerOptions{Logf: func(f string, a ...any) { logged = append(logged, f) }})
	require.NoError(t, err)
	before := request(t, s, http.MethodGet, "/b.tar.gz", nil).Header.Get("ETag")
	require.NoError(t, os.WriteFile(file, []byte("not a bundle"), 0o644))
	s.Reload()
	assert.Equal(t, before, request(t, s, http.MethodGet, "/b.tar.gz", nil).Header.Get("ETag"))
	require.NotEmpty(t, logged)
	assert.Contains(t, logged[0], "keeping the previous")
}

func TestNewServerRefusesBadSets(t *testing.T) {
	dir := t.TempDir()
	a := writeBundle(t, dir, "b.tar.gz", "pss-baseline")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "sub"), 0o755))
	b := writeBundle(t, filepath.Join(dir, "sub"), "b.tar.gz", "pss-baseline")
	_, err := NewServer([]string{a, b}, ServerOptions{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "would both be served at /b.tar.gz")

	junk := filepath.Join(dir, "junk.tar.gz")
	require.NoError(t, os.WriteFile(junk, []byte("junk"), 0o644))
	_, err = NewServer([]string{junk}, ServerOptions{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not an OPA bundle")

	_, err = NewServer([]string{a}, ServerOptions{MaxBundleBytes: 10})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "allowed")

	_, err = NewServer(nil, ServerOptions{})
	require.Error(t, err)
}

func TestPreferWaitAndETags(t *testing.T) {
	assert.Equal(t, 5*time.Second, preferWait("modes=snapshot,delta;wait=5", time.Minute))
	assert.Equal(t, time.Minute, preferWait("wait=3600", time.Minute))
	assert.Zero(t, preferWait("wait=-1", time.Minute))
	assert.Zero(t, preferWait("wait=abc", time.Minute))
	assert.Zero(t, preferWait("", time.Minute))
	assert.True(t, etagMatches(`"a", "b"`, `"b"`))
	assert.True(t, etagMatches(`W/"b"`, `"b"`))
	assert.False(t, etagMatches(`"a"`, `"b"`))
	assert.False(t, etagMatches(``, `"b"`))
}
