// Package bench measures shipshape on a generated corpus of 10,000 Pods
// against a parse-only baseline that reads and YAML-decodes the same files
// on all cores. Run with `make bench`.
package bench

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/bundles"
	"github.com/shipshape-dev/shipshape/engine/eval"
	"github.com/shipshape-dev/shipshape/engine/fix"
	"github.com/shipshape-dev/shipshape/engine/input"
	"github.com/shipshape-dev/shipshape/engine/ireval"
	"github.com/shipshape-dev/shipshape/engine/memlimit"
	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/engine/profile"
	"github.com/shipshape-dev/shipshape/engine/requirements"
	"github.com/shipshape-dev/shipshape/engine/scan"
	"github.com/shipshape-dev/shipshape/library"
	"github.com/shipshape-dev/shipshape/tests/bench/corpus"
)

const objects = 10_000

type fixture struct {
	dir      string
	files    []string
	lib      *policy.Library
	bindings map[string][]eval.Binding
	// program is the library's plan, as `make build` embeds it.
	program *ireval.Program
}

var (
	once    sync.Once
	shared  fixture
	fixErr  error
	fixPods = corpus.Options{Objects: objects, PerFile: 5, Seed: 42, PodsOnly: true}
)

func setup(b testing.TB) fixture {
	b.Helper()
	once.Do(func() {
		dir, err := os.MkdirTemp("", "shipshape-bench")
		if err != nil {
			fixErr = err
			return
		}
		shared.dir = dir
		if shared.files, fixErr = corpus.Write(dir, fixPods); fixErr != nil {
			return
		}
		cat, err := requirements.Default()
		if err != nil {
			fixErr = err
			return
		}
		if shared.lib, fixErr = policy.Load(context.Background(), cat, policy.Source{Name: "library", FS: library.FS, Builtin: true}); fixErr != nil {
			return
		}
		schemas, err := profile.NewSchemas()
		if err != nil {
			fixErr = err
			return
		}
		profiles, err := schemas.LoadProfiles(bundles.FS, "bundles")
		if err != nil {
			fixErr = err
			return
		}
		if shared.program, fixErr = eval.CompileLibrary(context.Background(), shared.lib); fixErr != nil {
			return
		}
		shared.bindings = map[string][]eval.Binding{}
		for _, name := range []string{"all", "pss-restricted"} {
			sel, err := schemas.Select(shared.lib, profiles[name], nil)
			if err != nil {
				fixErr = err
				return
			}
			shared.bindings[name] = sel.Bindings
		}
	})
	require.NoError(b, fixErr)
	return shared
}

func BenchmarkParseOnly(b *testing.B) {
	f := setup(b)
	b.ResetTimer()
	for b.Loop() {
		n, err := corpus.ParseOnly(f.files)
		require.NoError(b, err)
		require.Equal(b, objects, n)
	}
	b.ReportMetric(float64(objects*b.N)/b.Elapsed().Seconds(), "objects/s")
}

func benchmarkScan(b *testing.B, profileName string) {
	f := setup(b)
	b.ResetTimer()
	for b.Loop() {
		r, err := scan.Run(context.Background(), f.lib, f.bindings[profileName], scan.Options{Paths: []string{f.dir}, Program: f.program})
		require.NoError(b, err)
		require.Equal(b, objects, r.Summary.Objects)
		require.Empty(b, r.Errors)
	}
	b.ReportMetric(float64(objects*b.N)/b.Elapsed().Seconds(), "objects/s")
}

// BenchmarkScanAll scans the corpus with every control.
func BenchmarkScanAll(b *testing.B) { benchmarkScan(b, "all") }

// BenchmarkScanPSSRestricted scans the corpus with the Restricted profile.
func BenchmarkScanPSSRestricted(b *testing.B) { benchmarkScan(b, "pss-restricted") }

// BenchmarkScanToParseRatio times a full scan and the parse-only baseline
// back to back on the same files and reports how many times slower the scan
// is ("x-parse"; the performance target is ≤ 3).
func BenchmarkScanToParseRatio(b *testing.B) {
	f := setup(b)
	var scanTime, parseTime time.Duration
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		_, err := corpus.ParseOnly(f.files)
		require.NoError(b, err)
		parseTime += time.Since(start)
		start = time.Now()
		_, err = scan.Run(context.Background(), f.lib, f.bindings["all"], scan.Options{Paths: []string{f.dir}, Program: f.program})
		require.NoError(b, err)
		scanTime += time.Since(start)
	}
	b.ReportMetric(float64(scanTime)/float64(parseTime), "x-parse")
	b.ReportMetric(float64(objects*b.N)/scanTime.Seconds(), "scan-objects/s")
	b.ReportMetric(float64(objects*b.N)/parseTime.Seconds(), "parse-objects/s")
}

// TestMain tunes the collector as the shipshape command does and removes
// the generated corpus.
func TestMain(m *testing.M) {
	memlimit.Tune()
	code := m.Run()
	if shared.dir != "" {
		os.RemoveAll(filepath.Clean(shared.dir))
	}
	os.Exit(code)
}

// BenchmarkJudge evaluates the controls of the whole library and of
// pss-restricted on already-parsed objects, one at a time on one goroutine:
// the interpreter's share of a scan, without reading, parsing or reporting
// ("µs/object" is the time per object on that goroutine; the collector may
// use the other cores). "topdown" is OPA's evaluator, "planned" the
// library's plan run by engine/ireval.
func BenchmarkJudge(b *testing.B) {
	f := setup(b)
	objs := sampleObjects(b, f, 200)
	for _, profileName := range []string{"all", "pss-restricted"} {
		for _, evaluator := range []string{"topdown", "planned"} {
			b.Run(profileName+"/"+evaluator, func(b *testing.B) {
				var opts []eval.Option
				if evaluator == "planned" {
					opts = append(opts, eval.WithProgram(f.program))
				}
				ev, err := eval.New(f.lib, f.bindings[profileName], opts...)
				require.NoError(b, err)
				require.Equal(b, evaluator == "planned", ev.Planned())
				ctx := context.Background()
				for _, o := range objs {
					ev.Judge(ctx, o) // prepares the query of each kind
				}
				b.ResetTimer()
				for b.Loop() {
					for _, o := range objs {
						if j := ev.Judge(ctx, o); len(j.Errors) > 0 {
							b.Fatal(j.Errors)
						}
					}
				}
				b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(len(objs)*b.N), "µs/object")
			})
		}
	}
}

// sampleObjects parses the first n files of the corpus.
func sampleObjects(tb testing.TB, f fixture, n int) []*input.Object {
	tb.Helper()
	var objs []*input.Object
	for _, file := range f.files[:n] {
		data, err := os.ReadFile(file)
		require.NoError(tb, err)
		parsed := input.ParseBytes(file, data)
		require.Empty(tb, parsed.Errors)
		objs = append(objs, parsed.Objects...)
	}
	return objs
}

// oneFile is the corpus's 10,000 Pods in one file, the shape fix is
// measured on beside scan.
var (
	oneFileOnce sync.Once
	oneFile     string
	oneFileErr  error
)

func oneFileCorpus(b *testing.B) string {
	oneFileOnce.Do(func() {
		dir, err := os.MkdirTemp("", "shipshape-bench-one")
		if err != nil {
			oneFileErr = err
			return
		}
		files, err := corpus.Write(filepath.Join(dir, "parts"), fixPods)
		if err != nil {
			oneFileErr = err
			return
		}
		var all []byte
		for i, name := range files {
			data, err := os.ReadFile(name)
			if err != nil {
				oneFileErr = err
				return
			}
			if i > 0 {
				all = append(all, "---\n"...)
			}
			all = append(all, data...)
		}
		oneFile = filepath.Join(dir, "pods.yaml")
		oneFileErr = os.WriteFile(oneFile, all, 0o644)
	})
	require.NoError(b, oneFileErr)
	return oneFile
}

// BenchmarkScanOneFile scans the 10,000 Pods of one file with every
// control, the time fix is held to (BenchmarkFixOneFile: within 2×).
func BenchmarkScanOneFile(b *testing.B) {
	f := setup(b)
	file := oneFileCorpus(b)
	for b.Loop() {
		r, err := scan.Run(context.Background(), f.lib, f.bindings["all"], scan.Options{Paths: []string{file}, Program: f.program})
		require.NoError(b, err)
		require.Equal(b, objects, r.Summary.Objects)
	}
	b.ReportMetric(float64(objects*b.N)/b.Elapsed().Seconds(), "objects/s")
}

// BenchmarkFixOneFile plans the fixes of the same file (read, judged with
// every control, edited document by document, each edit checked and the
// edited objects judged again), without writing it.
func BenchmarkFixOneFile(b *testing.B) {
	f := setup(b)
	file := oneFileCorpus(b)
	rules, err := fix.LoadLibrary(f.lib)
	require.NoError(b, err)
	for b.Loop() {
		in := input.ReadFile(context.Background(), file, input.Options{})
		require.Empty(b, in.Errors)
		plan, err := fix.Fix(context.Background(), f.lib, f.bindings["all"], []*input.File{in}, rules, fix.Options{}, eval.WithProgram(f.program))
		require.NoError(b, err)
		require.NotEmpty(b, plan.Results)
	}
	b.ReportMetric(float64(objects*b.N)/b.Elapsed().Seconds(), "objects/s")
}
