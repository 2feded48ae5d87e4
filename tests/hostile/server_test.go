package hostile

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/engine/bundle"
	"github.com/shipshape-dev/shipshape/tests/internal/testcert"
)

const token = "s3cret-token"

// server is a bundle server on loopback, as `shipshape bundle serve` runs it.
type server struct {
	url    string
	name   string
	client *http.Client
	http   *http.Server
	pool   *x509.CertPool // trusts the server's certificate (TLS only)
}

// startServer serves a freshly built pss-baseline bundle.
func startServer(t *testing.T, withTLS bool) *server {
	t.Helper()
	file := filepath.Join(t.TempDir(), "pss-baseline.tar.gz")
	out, err := exec.Command(binary, "bundle", "build", "--profile", "pss-baseline", "-o", file).CombinedOutput()
	require.NoError(t, err, string(out))
	handler, err := bundle.NewServer([]string{file}, bundle.ServerOptions{Token: token, MaxWait: 2 * time.Second})
	require.NoError(t, err)
	httpSrv := bundle.HTTPServer("127.0.0.1:0", handler, 2*time.Second)
	// Short enough that a slow client is cut off within the test.
	httpSrv.ReadHeaderTimeout = time.Second
	httpSrv.ErrorLog = log.New(io.Discard, "", 0) // the attacks are expected
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := &server{name: "pss-baseline.tar.gz", http: httpSrv}
	transport := &http.Transport{MaxIdleConnsPerHost: 512, MaxConnsPerHost: 0}
	if withTLS {
		cert := testcert.SelfSigned(t)
		s.pool = cert.Pool
		httpSrv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert.TLS}}
		ln = tls.NewListener(ln, httpSrv.TLSConfig)
		transport.TLSClientConfig = &tls.Config{RootCAs: cert.Pool, MinVersion: tls.VersionTLS12}
		s.url = "https://" + ln.Addr().String()
	} else {
		s.url = "http://" + ln.Addr().String()
	}
	s.client = &http.Client{Transport: transport, Timeout: hangGuard}
	go func() { _ = httpSrv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = httpSrv.Shutdown(ctx)
		transport.CloseIdleConnections()
	})
	return s
}

func (s *server) get(t *testing.T, path string, header http.Header) (*http.Response, []byte, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.url+path, nil)
	require.NoError(t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

func authorized() http.Header { return http.Header{"Authorization": {"Bearer " + token}} }

// healthy checks the server still answers, after an attack.
func (s *server) healthy(t *testing.T) {
	t.Helper()
	resp, _, err := s.get(t, "/"+s.name, authorized())
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode, "the server serves after the attack")
}

// raw sends bytes on a fresh connection and returns the status line.
func (s *server) raw(t *testing.T, request string) string {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.url, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(hangGuard)))
	_, err = io.WriteString(conn, request)
	require.NoError(t, err)
	line, err := bufio.NewReader(conn).ReadString('\n')
	require.NoError(t, err)
	return strings.TrimSpace(line)
}

func TestTokensAreChecked(t *testing.T) {
	s := startServer(t, false)
	for name, h := range map[string]http.Header{
		"missing":      {},
		"wrong":        {"Authorization": {"Bearer nope"}},
		"prefix":       {"Authorization": {"Bearer " + token[:5]}},
		"longer":       {"Authorization": {"Bearer " + token + "x"}},
		"basic scheme": {"Authorization": {"Basic " + token}},
		"case":         {"Authorization": {"Bearer " + strings.ToUpper(token)}},
		"two headers":  {"Authorization": {"Bearer nope", "Bearer " + token}},
	} {
		resp, _, err := s.get(t, "/"+s.name, h)
		require.NoError(t, err, name)
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, name)
	}
	s.healthy(t)
}

func TestPathTraversalFindsNothing(t *testing.T) {
	s := startServer(t, false)
	for _, path := range []string{
		"/../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd", "//etc/passwd",
		"/" + s.name + "/../" + s.name, "/./" + s.name, "/" + s.name + "%00", "/%2F" + s.name, "/" + strings.ToUpper(s.name),
	} {
		status := s.raw(t, "GET "+path+" HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "+token+"\r\nConnection: close\r\n\r\n")
		code, _ := strconv.Atoi(strings.Fields(status)[1])
		assert.Contains(t, []int{http.StatusBadRequest, http.StatusNotFound}, code, "%s: %s", path, status)
	}
	s.healthy(t)
}

func TestOversizedHeadersAreRefused(t *testing.T) {
	s := startServer(t, false)
	status := s.raw(t, "GET /"+s.name+" HTTP/1.1\r\nHost: x\r\nX-Junk: "+strings.Repeat("a", 64<<10)+"\r\n\r\n")
	assert.Contains(t, status, "431")
	status = s.raw(t, "GET /"+s.name+" HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "+strings.Repeat("b", 1<<20)+"\r\n\r\n")
	assert.Contains(t, status, "431")
	s.healthy(t)
}

func TestSlowlorisClientsAreCutOff(t *testing.T) {
	s := startServer(t, false)
	addr := strings.TrimPrefix(s.url, "http://")
	var wg sync.WaitGroup
	var cut atomic.Int32
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				return
			}
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(hangGuard))
			if _, err := io.WriteString(conn, "GET /"+s.name+" HTTP/1.1\r\nHost: x\r\n"); err != nil {
				return
			}
			// One header byte at a time, never finishing the headers.
			for range 200 {
				if _, err := io.WriteString(conn, "X"); err != nil {
					cut.Add(1)
					return
				}
				time.Sleep(100 * time.Millisecond)
			}
		}()
	}
	// Honest clients are served while the slow ones hold connections.
	time.Sleep(300 * time.Millisecond)
	s.healthy(t)
	wg.Wait()
	assert.Equal(t, int32(50), cut.Load(), "every slow client is disconnected by the header timeout")
	s.healthy(t)
}

func TestTLSWithWrongCertificatesIsRefused(t *testing.T) {
	s := startServer(t, true)
	s.healthy(t)
	addr := strings.TrimPrefix(s.url, "https://")

	client := func(cfg *tls.Config) *http.Client {
		cfg.MinVersion = tls.VersionTLS12
		return &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}, Timeout: hangGuard}
	}
	var unknown x509.UnknownAuthorityError
	// A client with the system roots, and one that trusts another certificate.
	_, err := client(&tls.Config{}).Get(s.url + "/healthz")
	require.ErrorAs(t, err, &unknown)
	_, err = client(&tls.Config{RootCAs: testcert.SelfSigned(t).Pool}).Get(s.url + "/healthz")
	require.ErrorAs(t, err, &unknown)

	// A client that trusts the certificate but expects another name.
	_, err = client(&tls.Config{RootCAs: s.pool, ServerName: "bundles.example"}).Get(s.url + "/healthz")
	var wrongName x509.HostnameError
	require.ErrorAs(t, err, &wrongName)

	// TLS 1.1 and plain HTTP on the TLS port.
	_, err = tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}) //nolint:gosec // the point of the test
	require.Error(t, err)
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	_ = conn.SetDeadline(time.Now().Add(hangGuard))
	_, _ = io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	reply, _ := io.ReadAll(conn)
	conn.Close()
	assert.NotContains(t, string(reply), "ok\n", "plain HTTP gets no answer from the TLS port")

	// Garbage instead of a handshake.
	conn, err = net.Dial("tcp", addr)
	require.NoError(t, err)
	_, _ = conn.Write(make([]byte, 4096))
	conn.Close()

	s.healthy(t)
}

// TestLoadWithETagsAndLongPolls runs 200 clients against one server, each
// revalidating with its ETag and long polling, for SHIPSHAPE_LOAD_SECONDS
// (30 by default). No request may fail, the heap must stay flat, and the
// latency of full downloads and 304s is reported.
func TestLoadWithETagsAndLongPolls(t *testing.T) {
	duration := 30 * time.Second
	if v, err := strconv.Atoi(os.Getenv("SHIPSHAPE_LOAD_SECONDS")); err == nil && v > 0 {
		duration = time.Duration(v) * time.Second
	}
	s := startServer(t, false)
	const clients = 200
	var (
		mu        sync.Mutex
		latencies []time.Duration
		failures  []string
		requests  atomic.Int64
		longPolls atomic.Int64
	)
	fail := func(msg string) {
		mu.Lock()
		defer mu.Unlock()
		if len(failures) < 10 {
			failures = append(failures, msg)
		}
	}
	deadline := time.Now().Add(duration)
	goroutinesBefore := runtime.NumGoroutine()
	var heapEarly uint64
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			etag := ""
			for i := 0; time.Now().Before(deadline); i++ {
				req, _ := http.NewRequest(http.MethodGet, s.url+"/"+s.name, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				longPoll := etag != "" && (c+i)%4 == 0
				if etag != "" && i%10 != 0 {
					req.Header.Set("If-None-Match", etag)
				}
				if longPoll {
					req.Header.Set("Prefer", "wait=1")
				}
				start := time.Now()
				resp, err := s.client.Do(req)
				if err != nil {
					fail(err.Error())
					return
				}
				n, err := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				elapsed := time.Since(start)
				requests.Add(1)
				switch {
				case err != nil:
					fail(err.Error())
				case resp.StatusCode == http.StatusOK && n > 0:
					etag = resp.Header.Get("ETag")
				case resp.StatusCode == http.StatusNotModified:
				default:
					fail(fmt.Sprintf("status %d", resp.StatusCode))
				}
				if longPoll {
					longPolls.Add(1)
				} else {
					mu.Lock()
					latencies = append(latencies, elapsed)
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(min(5*time.Second, duration/3))
	heapEarly = heapInUse()
	wg.Wait()
	heapLate := heapInUse()
	s.client.CloseIdleConnections()

	require.Empty(t, failures)
	require.NotEmpty(t, latencies)
	slices.Sort(latencies)
	p := func(q float64) time.Duration { return latencies[int(q*float64(len(latencies)-1))] }
	t.Logf("%d clients for %v: %d requests (%d long polls); download/revalidate latency p50 %v, p99 %v, max %v; heap %d → %d MiB",
		clients, duration, requests.Load(), longPolls.Load(), p(0.5), p(0.99), latencies[len(latencies)-1], heapEarly>>20, heapLate>>20)
	assert.Less(t, heapLate, heapEarly*2+16<<20, "the heap stays flat under load")
	assert.Eventually(t, func() bool { return runtime.NumGoroutine() <= goroutinesBefore+10 }, 10*time.Second, 100*time.Millisecond,
		"no goroutine outlives its client")
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}
