package opa

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	opabundle "github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/engine/input"

	"github.com/shipshape-dev/shipshape/tests/internal/testbin"
)

// typicalDeployment is the first Deployment of examples/good/shop.yaml: a
// hardened web service, the object a sidecar judges most often.
func typicalDeployment(tb testing.TB) map[string]any {
	tb.Helper()
	f := input.ReadFile(context.Background(), filepath.Join(testbin.RepoRoot(), "examples", "good", "shop.yaml"), input.Options{})
	require.Empty(tb, f.Errors)
	for _, o := range f.Objects {
		if o.Kind() == "Deployment" {
			return o.Value
		}
	}
	tb.Fatal("examples/good/shop.yaml has no Deployment")
	return nil
}

// reportLatencies records p50 and p99 in milliseconds.
func reportLatencies(b *testing.B, d []time.Duration) {
	slices.Sort(d)
	q := func(p float64) float64 { return float64(d[int(p*float64(len(d)-1))]) / float64(time.Millisecond) }
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(0, "ns/op") // the percentiles are the result
}

// BenchmarkOPAServerDecision posts the Deployment to a real OPA server's
// data.shipshape.violations (full library) over loopback, one request at a
// time on a keep-alive connection. Run with -benchtime=10000x.
func BenchmarkOPAServerDecision(b *testing.B) {
	e := start(b)
	body, err := json.Marshal(map[string]any{"input": typicalDeployment(b)})
	require.NoError(b, err)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	url := e.opaURL + "/v1/data/shipshape/violations"
	post := func() {
		resp, err := client.Post(url, "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	for range 200 { // warm up
		post()
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		post()
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	reportLatencies(b, lat)
}

// BenchmarkInProcessDecision evaluates the same decision with the bundle
// loaded into the Go rego package: the floor under the server's latency.
// It runs for the whole library and for pss-restricted, the profile a
// Pod Security admission sidecar serves.
func BenchmarkInProcessDecision(b *testing.B) {
	shipshape := testbin.BuildT(b)
	in := typicalDeployment(b)
	ctx := context.Background()
	for _, name := range []string{"all", "pss-restricted"} {
		b.Run(name, func(b *testing.B) {
			file := filepath.Join(b.TempDir(), name+".tar.gz")
			run(b, testbin.RepoRoot(), shipshape, "bundle", "build", "--config", os.DevNull, "--profile", name, "-o", file)
			data, err := os.ReadFile(file)
			require.NoError(b, err)
			bundle, err := opabundle.NewReader(bytes.NewReader(data)).WithSkipBundleVerification(true).Read()
			require.NoError(b, err)
			pq, err := rego.New(rego.ParsedBundle("shipshape", &bundle), rego.Query("data.shipshape.violations")).PrepareForEval(ctx)
			require.NoError(b, err)
			lat := make([]time.Duration, 0, b.N)
			for b.Loop() {
				t0 := time.Now()
				rs, err := pq.Eval(ctx, rego.EvalInput(in))
				if err != nil || len(rs) != 1 {
					b.Fatal(err, rs)
				}
				lat = append(lat, time.Since(t0))
			}
			reportLatencies(b, lat)
		})
	}
}
