// Package opa runs the real OPA (the pinned `go tool opa`) as a server that
// pulls a signed shipshape bundle from `shipshape bundle serve`, and checks
// that both decision entrypoints give the offline engine's verdict for every
// case of every admission control (consistency: the same Rego through OPA;
// gator and upstream pod-security-admission are the independent references); that tampered and wrongly signed bundles
// are refused; and that the server revalidates, authenticates and long-polls
// as OPA's bundle plugin expects.
package opa

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/bundles"
	"github.com/shipshape-dev/shipshape/engine/eval"
	"github.com/shipshape-dev/shipshape/engine/export"
	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/engine/profile"
	"github.com/shipshape-dev/shipshape/library"

	"github.com/shipshape-dev/shipshape/tests/internal/testbin"
)

const (
	token  = "s3cret-token"
	keyID  = "shipshape"
	bundle = "shipshape.tar.gz"
)

// env is the running pair: shipshape bundle serve and an OPA server that
// pulls from it.
type env struct {
	dir       string
	shipshape string // binary
	serveURL  string
	opaURL    string
	private   string // PEM files
	public    string
	opaLog    *syncBuffer
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func freePort(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

func writeKeyPair(t testing.TB, dir, name string) (private, public string) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	require.NoError(t, err)
	private, public = filepath.Join(dir, name+".pem"), filepath.Join(dir, name+".pub.pem")
	require.NoError(t, os.WriteFile(private, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600))
	require.NoError(t, os.WriteFile(public, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), 0o644))
	return private, public
}

func run(t testing.TB, dir string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s %v:\n%s", name, args, out)
	return string(out)
}

// toolPath builds a tool pinned in go.mod and returns its path. Only stdout
// is the path: on a machine that has not downloaded the tool's modules yet,
// stderr carries "go: downloading" lines.
func toolPath(t testing.TB, name string) string {
	t.Helper()
	cmd := exec.Command("go", "tool", "-n", name)
	cmd.Dir = testbin.RepoRoot()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "go tool -n %s:\n%s", name, stderr.String())
	return strings.TrimSpace(string(out))
}

// start builds shipshape and OPA, builds and signs the `all` bundle, and
// starts both servers.
func start(t testing.TB) *env {
	t.Helper()
	e := &env{dir: t.TempDir(), opaLog: &syncBuffer{}}
	e.shipshape = testbin.BuildT(t)
	opa := toolPath(t, "opa")
	e.private, e.public = writeKeyPair(t, e.dir, "signing")
	e.build(t, "all", e.private, filepath.Join(e.dir, bundle))

	serveAddr := freePort(t)
	tokenFile := filepath.Join(e.dir, "token")
	require.NoError(t, os.WriteFile(tokenFile, []byte(token+"\n"), 0o600))
	serve := exec.Command(e.shipshape, "bundle", "serve", "--addr", serveAddr, "--token-file", tokenFile,
		"--reload-interval", "100ms", "--max-wait", "30s", filepath.Join(e.dir, bundle))
	serveLog := &syncBuffer{}
	serve.Stdout, serve.Stderr = serveLog, serveLog
	require.NoError(t, serve.Start())
	t.Cleanup(func() {
		_ = serve.Process.Signal(syscall.SIGTERM)
		err := serve.Wait()
		assert.NoError(t, err, "bundle serve shuts down cleanly on SIGTERM:\n%s", serveLog.String())
		assert.Contains(t, serveLog.String(), "stopped")
	})
	e.serveURL = "http://" + serveAddr
	waitFor(t, 20*time.Second, func() bool {
		resp, err := http.Get(e.serveURL + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, "bundle serve to come up:\n%s", serveLog)

	pub, err := os.ReadFile(e.public)
	require.NoError(t, err)
	config := map[string]any{
		"services": map[string]any{"shipshape": map[string]any{
			"url":         e.serveURL,
			"credentials": map[string]any{"bearer": map[string]any{"token": token}},
		}},
		"bundles": map[string]any{"shipshape": map[string]any{
			"service":  "shipshape",
			"resource": bundle,
			// A long poll interval: a change that arrives quickly came
			// through long polling.
			"polling": map[string]any{"min_delay_seconds": 120, "max_delay_seconds": 180, "long_polling_timeout_seconds": 25},
			"signing": map[string]any{"keyid": keyID},
		}},
		"keys": map[string]any{keyID: map[string]any{"algorithm": "RS256", "key": string(pub)}},
	}
	cfg, err := json.Marshal(config)
	require.NoError(t, err)
	cfgFile := filepath.Join(e.dir, "opa.json")
	require.NoError(t, os.WriteFile(cfgFile, cfg, 0o600))
	opaAddr := freePort(t)
	srv := exec.Command(opa, "run", "--server", "--addr", opaAddr, "--config-file", cfgFile, "--log-level", "info", "--disable-telemetry")
	srv.Stdout, srv.Stderr = e.opaLog, e.opaLog
	require.NoError(t, srv.Start())
	t.Cleanup(func() {
		_ = srv.Process.Signal(syscall.SIGTERM)
		_ = srv.Wait()
	})
	e.opaURL = "http://" + opaAddr
	waitFor(t, 60*time.Second, func() bool {
		resp, err := http.Get(e.opaURL + "/health?bundles")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, "OPA to activate the bundle:\n%s", e.opaLog)
	return e
}

func (e *env) build(t testing.TB, profileName, key, out string) {
	t.Helper()
	tmp := out + ".tmp"
	run(t, testbin.RepoRoot(), e.shipshape, "bundle", "build", "--config", os.DevNull, "--profile", profileName, "--signing-key", key, "--key-id", keyID, "-o", tmp)
	require.NoError(t, os.Rename(tmp, out), "replace atomically, as a deployment would")
}

func waitFor(t testing.TB, limit time.Duration, ok func() bool, format string, args ...any) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if ok() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("timed out after %s waiting for "+format, append([]any{limit}, args...)...)
}

func (e *env) post(t testing.TB, path string, body any) map[string]any {
	t.Helper()
	b, err := json.Marshal(body)
	require.NoError(t, err)
	resp, err := http.Post(e.opaURL+path, "application/json", bytes.NewReader(b))
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s: %s", path, data)
	var out map[string]any
	require.NoError(t, json.Unmarshal(data, &out))
	return out
}

func (e *env) revision(t testing.TB) string {
	t.Helper()
	resp, err := http.Get(e.opaURL + "/v1/data/system/bundles/shipshape/manifest/revision")
	require.NoError(t, err)
	defer resp.Body.Close()
	var out struct {
		Result string `json:"result"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return out.Result
}

// loadLibrary loads the library and the profile "all": each control's
// parameters, and the namespaces its binding leaves alone at admission.
func loadLibrary(t testing.TB) (*policy.Library, map[string]any, map[string]eval.Binding) {
	t.Helper()
	lib, err := library.Load(context.Background())
	require.NoError(t, err)
	schemas, err := profile.NewSchemas()
	require.NoError(t, err)
	profiles, err := schemas.LoadProfiles(bundles.FS, "bundles")
	require.NoError(t, err)
	sel, err := schemas.Select(lib, profiles["all"], nil)
	require.NoError(t, err)
	params := map[string]any{}
	bindings := map[string]eval.Binding{}
	for _, b := range sel.Bindings {
		params[b.Control.ID] = b.Parameters
		bindings[b.Control.ID] = b
	}
	return lib, params, bindings
}

func TestRealOPA(t *testing.T) {
	if testing.Short() {
		t.Skip("starts OPA")
	}
	e := start(t)
	t.Run("entrypoints decide like scan for every case", func(t *testing.T) { e.checkConsistency(t) })
	t.Run("the bundle server revalidates and authenticates", func(t *testing.T) { e.checkServer(t) })
	t.Run("a changed bundle arrives by long polling", func(t *testing.T) { e.checkLongPolling(t) })
	t.Run("tampered and wrongly signed bundles are refused", func(t *testing.T) { e.checkRefusals(t) })
}

// checkConsistency is a consistency check, not a parity proof: OPA runs
// the same Rego with the same evaluator as scan's topdown path, so it shows
// the bundle, its entrypoints and the server path lose nothing. The
// independent references are gator (tests/gatekeeper) and upstream
// pod-security-admission (tests/pss).
func (e *env) checkConsistency(t *testing.T) {
	lib, profileParams, bindings := loadLibrary(t)
	ctx := context.Background()
	const violationsQuery = `x := data.shipshape.violations with data.shipshape_parameters as input.parameters with data.inventory as input.inventory with input as input.object`
	const admissionQuery = `x := data.shipshape.admission with data.shipshape_parameters as input.parameters with data.inventory as input.inventory with input as input.review`
	compared := 0
	for _, c := range lib.Controls() {
		if !c.Admission {
			continue
		}
		cases, err := export.AdmissionCases(ctx, lib, c)
		require.NoError(t, err)
		for i, ac := range cases {
			want, err := ac.Offline(ctx, lib, c)
			require.NoError(t, err)
			// Both entrypoints leave the namespaces the binding excludes
			// alone, as admission does (Gatekeeper's excludedNamespaces).
			excluded := bindings[c.ID].Excludes(ac.Source.Namespace())
			if excluded {
				want = nil
			}
			var wantLines []string
			for _, m := range want {
				wantLines = append(wantLines, fmt.Sprintf("[%s] %s", c.ID, m))
			}

			params := map[string]any{}
			for id, p := range profileParams {
				params[id] = p
			}
			params[c.ID] = ac.Parameters
			inventory := eval.Inventory(ac.FullInventory)
			// The violations entrypoint judges one object as created: an
			// update case's change is the admission entrypoint's to see.
			wantObject, err := ac.Created().Offline(ctx, lib, c)
			require.NoError(t, err)
			if excluded {
				wantObject = nil
			}

			out := e.post(t, "/v1/query", map[string]any{"query": violationsQuery, "input": map[string]any{
				"parameters": params, "inventory": inventory, "object": ac.Source.Value,
			}})
			var got []string
			for _, f := range result(t, out).([]any) {
				m := f.(map[string]any)
				if m["control"] == c.ID {
					got = append(got, m["message"].(string))
					assert.Equal(t, string(c.Severity), m["severity"])
				}
			}
			slices.Sort(got)
			assert.Equal(t, wantObject, got, "violations: %s %q", c.ID, ac.Name)

			uid := fmt.Sprintf("%s-%d", c.ID, i)
			review := admissionReview(uid, ac)
			out = e.post(t, "/v1/query", map[string]any{"query": admissionQuery, "input": map[string]any{
				"parameters": params, "inventory": inventory, "review": review,
			}})
			resp := result(t, out).(map[string]any)["response"].(map[string]any)
			assert.Equal(t, uid, resp["uid"])
			var lines []string
			if msg, ok := dig(resp, "status", "message").(string); ok {
				for _, l := range strings.Split(msg, "\n") {
					if strings.HasPrefix(l, "["+c.ID+"] ") {
						lines = append(lines, l)
					}
				}
			}
			slices.Sort(lines)
			assert.Equal(t, wantLines, lines, "admission: %s %q", c.ID, ac.Name)
			if len(want) > 0 {
				assert.Equal(t, false, resp["allowed"], "admission: %s %q", c.ID, ac.Name)
				assert.EqualValues(t, 403, dig(resp, "status", "code"))
			}
			compared++
		}
	}
	assert.Greater(t, compared, 500)
	t.Logf("compared %d case objects through both entrypoints of a real OPA", compared)
}

func result(t testing.TB, out map[string]any) any {
	t.Helper()
	rows, ok := out["result"].([]any)
	require.True(t, ok, "no result: %v", out)
	require.Len(t, rows, 1)
	return rows[0].(map[string]any)["x"]
}

func dig(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

// admissionReview wraps a case object in the request the API server would
// send for its creation, or for its update from the case's old object.
func admissionReview(uid string, ac export.AdmissionCase) map[string]any {
	o := ac.Source
	name := o.Name()
	review := map[string]any{
		"apiVersion": "admission.k8s.io/v1",
		"kind":       "AdmissionReview",
		"request": map[string]any{
			"uid":       uid,
			"kind":      map[string]any{"group": o.Group(), "version": o.Version(), "kind": o.Kind()},
			"resource":  map[string]any{"group": o.Group(), "version": o.Version(), "resource": strings.ToLower(o.Kind()) + "s"},
			"name":      name,
			"namespace": o.EffectiveNamespace(),
			"operation": "CREATE",
			"userInfo":  map[string]any{"username": "kubernetes-admin", "groups": []any{"system:masters"}},
			"object":    ac.Object,
		},
	}
	if ac.OldObject != nil {
		request := review["request"].(map[string]any)
		request["operation"], request["oldObject"] = "UPDATE", ac.OldObject
	}
	return review
}

func (e *env) get(t testing.TB, header http.Header) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.serveURL+"/"+bundle, nil)
	require.NoError(t, err)
	req.Header = header
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func (e *env) checkServer(t *testing.T) {
	auth := http.Header{"Authorization": {"Bearer " + token}}
	assert.Equal(t, http.StatusUnauthorized, e.get(t, http.Header{}).StatusCode, "no token")
	assert.Equal(t, http.StatusUnauthorized, e.get(t, http.Header{"Authorization": {"Bearer wrong"}}).StatusCode, "wrong token")
	first := e.get(t, auth)
	require.Equal(t, http.StatusOK, first.StatusCode)
	etag := first.Header.Get("ETag")
	require.NotEmpty(t, etag)
	revalidate := http.Header{"Authorization": {"Bearer " + token}, "If-None-Match": {etag}}
	assert.Equal(t, http.StatusNotModified, e.get(t, revalidate).StatusCode, "revalidation")
	listed := http.Header{"Authorization": {"Bearer " + token}, "If-None-Match": {`"old", ` + etag}}
	assert.Equal(t, http.StatusNotModified, e.get(t, listed).StatusCode, "OPA sends superseded ETags too")

	for _, p := range []string{"/../go.mod", "/%2e%2e/go.mod", "/token", "/signing.pem", "/"} {
		req, err := http.NewRequest(http.MethodGet, e.serveURL+p, nil)
		require.NoError(t, err)
		req.Header = auth
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, "%s is not served", p)
	}
}

func (e *env) checkLongPolling(t *testing.T) {
	before := e.revision(t)
	require.NotEmpty(t, before)
	// Let OPA settle into its long poll.
	time.Sleep(500 * time.Millisecond)
	e.build(t, "pss-baseline", e.private, filepath.Join(e.dir, bundle))
	changed := time.Now()
	waitFor(t, 15*time.Second, func() bool { return e.revision(t) != before }, "the new revision (min poll delay is 120s)")
	after := e.revision(t)
	assert.Contains(t, after, "-pss-baseline-")
	t.Logf("new bundle active in OPA %s after the file changed", time.Since(changed).Round(time.Millisecond))
}

func (e *env) checkRefusals(t *testing.T) {
	active := e.revision(t)
	target := filepath.Join(e.dir, bundle)

	// Wrongly signed: a valid bundle signed with a key OPA does not trust.
	other, _ := writeKeyPair(t, e.dir, "other")
	marker := len(e.opaLog.String())
	e.build(t, "all", other, target)
	waitFor(t, 15*time.Second, func() bool {
		return strings.Contains(e.opaLog.String()[marker:], "Bundle load failed: failed to verify JWT signature")
	}, "OPA to refuse the wrongly signed bundle:\n%s", e.opaLog)
	assert.Equal(t, active, e.revision(t), "the wrongly signed bundle is not activated")

	// Tampered: a correctly signed bundle with one module changed.
	e.build(t, "all", e.private, target)
	waitFor(t, 15*time.Second, func() bool { return strings.Contains(e.revision(t), "-all-") }, "the good bundle")
	active = e.revision(t)
	data, err := os.ReadFile(target)
	require.NoError(t, err)
	tampered := tamper(t, data)
	marker = len(e.opaLog.String())
	require.NoError(t, os.WriteFile(target+".tmp", tampered, 0o644))
	require.NoError(t, os.Rename(target+".tmp", target))
	waitFor(t, 15*time.Second, func() bool {
		return strings.Contains(e.opaLog.String()[marker:], "policy.rego: digest mismatch")
	}, "OPA to refuse the tampered bundle:\n%s", e.opaLog)
	assert.Equal(t, active, e.revision(t), "the tampered bundle is not activated")

	// The tampered bundle no longer decides anything differently.
	out := e.post(t, "/v1/data/shipshape/violations", map[string]any{"input": map[string]any{
		"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": "p", "namespace": "team"},
		"spec": map[string]any{"containers": []any{map[string]any{"name": "c", "image": "x", "securityContext": map[string]any{"privileged": true}}}},
	}})
	assert.Contains(t, fmt.Sprint(out["result"]), "SS-PSS-003")
}

// tamper rewrites one policy file of a signed bundle, keeping the
// signature: the weakening an attacker in the middle would try.
func tamper(t *testing.T, data []byte) []byte {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(data))
	require.NoError(t, err)
	tr := tar.NewReader(gz)
	var out bytes.Buffer
	gw := gzip.NewWriter(&out)
	tw := tar.NewWriter(gw)
	changed := false
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		body, err := io.ReadAll(tr)
		require.NoError(t, err)
		if strings.HasSuffix(h.Name, "pss/privileged/policy.rego") {
			body = bytes.Replace(body, []byte("privileged == true"), []byte("privileged == \"never\""), 1)
			changed = true
		}
		h.Size = int64(len(body))
		require.NoError(t, tw.WriteHeader(h))
		_, err = tw.Write(body)
		require.NoError(t, err)
	}
	require.True(t, changed, "found the module to tamper with")
	require.NoError(t, tw.Close())
	require.NoError(t, gw.Close())
	return out.Bytes()
}
