// Package determinism scans a generated corpus that holds every kind of
// object and file the library judges (tests/determinism/corpus) with the
// shipshape binary again and again: with both evaluators, several worker
// counts, the paths given in several orders, the corpus written to disk in
// two directory orders, at both scopes. Every run's JSON and SARIF reports
// must be the bytes of the first run of its scope: the planned evaluator's
// the same as OPA's, whatever the workers and the order.
//
// `go test` runs a sample (every case of the library once, a few runs of
// each evaluator). SHIPSHAPE_DETERMINISM=full runs the whole corpus
// (`make test-evaluators`); see fullMode for its size and runs, and the
// SHIPSHAPE_DETERMINISM_OBJECTS and SHIPSHAPE_DETERMINISM_RUNS variables
// that change them.
package determinism

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/engine/report"
	"github.com/shipshape-dev/shipshape/library"
	"github.com/shipshape-dev/shipshape/tests/determinism/corpus"
	"github.com/shipshape-dev/shipshape/tests/internal/testbin"
)

// binary is the shipshape executable built once for the package.
var binary string

func TestMain(m *testing.M) {
	testbin.Main(m, &binary)
}

// Scopes and evaluators, as the flags spell them.
const (
	manifests = "manifests"
	cluster   = "cluster"
	planned   = "planned"
	topdown   = "topdown"
)

// corpusSeed chooses the corpus's variants.
const corpusSeed = 32

// mode is how much the test scans: the corpus's size, the repositories
// it is split into, and the runs.
type mode struct {
	name string
	// objects is the corpus's size (every case is written once whatever
	// it is).
	objects int
	// shards is how many repositories the corpus is split into: each run
	// scans each of them as a whole. The cross-resource controls make a
	// scan's cost grow faster than its objects (SS-IAM-021 matches every
	// workload against every ClusterRoleBinding and, under OPA's
	// evaluator, every ClusterRole), so the corpus is scanned as many
	// repositories of a few hundred objects, as a monorepo's CI scans its
	// applications.
	shards int
	runs   []run
}

// shardObjects is about how many objects each repository holds.
const shardObjects = 300

// sampleMode is what `go test` runs: every case of the library once
// (about 2,200 objects), the planned evaluator at both scopes with
// several worker counts and path orders, and OPA's at scope cluster (which
// judges every object as scope manifests does, and the cluster as a
// whole), compared with the planned one's.
func sampleMode() mode {
	return mode{name: "sample", objects: 0, shards: 8, runs: []run{
		{evaluator: planned, workers: 1, order: wholeDirectory, tree: 0, scope: manifests},
		{evaluator: planned, workers: 7, order: shuffled, tree: 1, scope: manifests, seed: 1},
		{evaluator: planned, workers: 2, order: reversed, tree: 0, scope: cluster},
		{evaluator: topdown, workers: 7, order: shuffled, tree: 1, scope: cluster, seed: 2},
	}}
}

// fullMode is SHIPSHAPE_DETERMINISM=full: the whole corpus, runs per
// evaluator cycling through the worker counts, the path orders, the two
// directory orders and the scopes (every fifth run at scope cluster, OPA's
// evaluator's first). The planned evaluator's first two runs make the
// references of both scopes; then the evaluators take turns while both
// have runs left, so a difference between them shows early.
func fullMode(objects int, perEvaluator map[string]int) mode {
	m := mode{name: "full", objects: objects, shards: max(1, (objects+shardObjects/2)/shardObjects)}
	workers := []int{1, 2, 7}
	orders := []pathOrder{wholeDirectory, forward, reversed, shuffled}
	each := map[string][]run{}
	for k, ev := range []string{planned, topdown} {
		for i := range perEvaluator[ev] {
			r := run{evaluator: ev, workers: workers[(i+k)%len(workers)], order: orders[(i+k)%len(orders)], tree: (i + k) / len(orders) % 2, scope: manifests, seed: uint64(100*k + i)}
			if (i+k)%5 == 1 {
				r.scope = cluster
			}
			each[ev] = append(each[ev], r)
		}
	}
	first := min(2, len(each[planned]))
	m.runs, each[planned] = append(m.runs, each[planned][:first]...), each[planned][first:]
	for len(each[planned])+len(each[topdown]) > 0 {
		for _, ev := range []string{topdown, planned} {
			if len(each[ev]) > 0 {
				m.runs = append(m.runs, each[ev][0])
				each[ev] = each[ev][1:]
			}
		}
	}
	return m
}

// Full mode's defaults: the acceptance item's 50,000 objects and 20 runs
// of each evaluator. On 2 cores a run of the 50,000 objects takes about a
// minute with the planned evaluator and about three with OPA's: the whole
// takes about 90 minutes, more than CI's budget beside make test, so
// .ci/run asks for fewer of OPA's runs (SHIPSHAPE_DETERMINISM_RUNS).
const (
	fullObjects = 50_000
	fullRuns    = 20
)

// chooseMode reads SHIPSHAPE_DETERMINISM (full, or sample when unset),
// SHIPSHAPE_DETERMINISM_OBJECTS (the full corpus's size) and
// SHIPSHAPE_DETERMINISM_RUNS ("planned=20,topdown=20": full mode's runs per
// evaluator).
func chooseMode() (mode, error) {
	switch v := os.Getenv("SHIPSHAPE_DETERMINISM"); v {
	case "", "sample":
		return sampleMode(), nil
	case "full":
	default:
		return mode{}, fmt.Errorf("SHIPSHAPE_DETERMINISM=%q: want full or sample", v)
	}
	objects := fullObjects
	if v := os.Getenv("SHIPSHAPE_DETERMINISM_OBJECTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return mode{}, fmt.Errorf("SHIPSHAPE_DETERMINISM_OBJECTS=%q: want a number of objects", v)
		}
		objects = n
	}
	runs := map[string]int{planned: fullRuns, topdown: fullRuns}
	if v := os.Getenv("SHIPSHAPE_DETERMINISM_RUNS"); v != "" {
		for _, part := range strings.Split(v, ",") {
			ev, n, ok := strings.Cut(part, "=")
			count, err := strconv.Atoi(n)
			if _, known := runs[ev]; !ok || !known || err != nil || count < 0 {
				return mode{}, fmt.Errorf("SHIPSHAPE_DETERMINISM_RUNS=%q: want planned=N,topdown=N", v)
			}
			runs[ev] = count
		}
	}
	return fullMode(objects, runs), nil
}

// pathOrder is how a run names the corpus's files on the command line.
type pathOrder int

const (
	// wholeDirectory names the corpus's directory; the scan walks it.
	wholeDirectory pathOrder = iota
	// forward, reversed and shuffled name the corpus's files (or, when
	// the command line cannot hold them all, its case directories) in
	// path order, backwards, or shuffled.
	forward
	reversed
	shuffled
)

func (o pathOrder) String() string {
	return [...]string{"the corpus directory", "paths forward", "paths reversed", "paths shuffled"}[o]
}

// run is one scan of the corpus.
type run struct {
	evaluator string
	workers   int
	order     pathOrder
	// tree is the copy of the corpus scanned: 0 written in path order, 1
	// in a shuffled order.
	tree  int
	scope string
	// seed shuffles the paths.
	seed uint64
}

func (r run) String() string {
	order := r.order.String()
	if r.order == shuffled {
		order += fmt.Sprintf(" (seed %d)", r.seed)
	}
	return fmt.Sprintf("--evaluator %s --workers %d --scope %s, %s, corpus written %s", r.evaluator, r.workers, r.scope, order, []string{"in path order", "shuffled"}[r.tree])
}

// args are the arguments of a scan of one repository, whose files
// (or directories) are units; JSON goes to standard output and SARIF to
// sarifFile.
func (r run) args(dir string, units []string, sarifFile string) []string {
	args := []string{"scan", "--evaluator", r.evaluator, "--workers", strconv.Itoa(r.workers), "--scope", r.scope,
		"--fail-on", "none", "--evidence", corpus.EvidenceDir, "-o", "json", "--report", "sarif=" + sarifFile}
	switch r.order {
	case wholeDirectory:
		return append(args, dir)
	case reversed:
		units = slices.Clone(units)
		slices.Reverse(units)
	case shuffled:
		units = slices.Clone(units)
		rand.New(rand.NewPCG(r.seed, 32)).Shuffle(len(units), func(i, j int) { units[i], units[j] = units[j], units[i] })
	}
	return append(args, units...)
}

// argBudget is how much of the command line the paths may take (Linux
// allows 2 MiB for arguments and environment together).
const argBudget = 1 << 20

// pathUnits are what the runs name on the command line: the files when
// they fit in argBudget, else the directories that hold them, one level
// up at a time.
func pathUnits(files []string) []string {
	units := files
	for {
		size := 0
		for _, u := range units {
			size += len(u) + 1 + 8 // the string, its NUL, its pointer
		}
		if size <= argBudget || len(units) == 1 {
			return units
		}
		var up []string
		seen := map[string]bool{}
		for _, u := range units {
			if d := path.Dir(u); !seen[d] {
				seen[d] = true
				up = append(up, d)
			}
		}
		units = up
	}
}

func TestScansAreByteIdentical(t *testing.T) {
	m, err := chooseMode()
	require.NoError(t, err)
	c := generate(t, m.objects, m.shards)
	t.Logf("%s: %d objects in %d files, %d repositories, %d runs", m.name, c.Objects, len(c.Files), len(c.Shards), len(m.runs))

	// The same corpus written twice, its files created in two orders.
	root := t.TempDir()
	trees := []string{filepath.Join(root, "written-sorted"), filepath.Join(root, "written-shuffled")}
	require.NoError(t, c.Write(trees[0], corpus.Sorted, corpusSeed))
	require.NoError(t, c.Write(trees[1], corpus.Shuffled, corpusSeed))
	out := filepath.Join(root, "out")
	require.NoError(t, os.Mkdir(out, 0o755))
	units := make([][]string, len(c.Shards))
	for i, sh := range c.Shards {
		units[i] = pathUnits(c.Paths(sh.Dir))
	}

	// references[scope][shard] are the reports of the scope's first run.
	references := map[string][]*outputs{}
	differences := 0
	for i, r := range m.runs {
		start := time.Now()
		refs, first := references[r.scope], false
		if refs == nil {
			refs, first = make([]*outputs, len(c.Shards)), true
			references[r.scope] = refs
		}
		results := make([]shardResult, len(c.Shards))
		parallel(len(c.Shards), concurrentScans, func(j int) {
			sh := c.Shards[j]
			scan := scanRequest{dir: trees[r.tree], shard: sh.Dir, args: r.args(sh.Dir, units[j], filepath.Join(out, fmt.Sprintf("run-%02d-%03d.sarif", i, j)))}
			if first {
				results[j] = scan.keep(filepath.Join(out, fmt.Sprintf("%s-%03d", r.scope, j)))
			} else {
				results[j] = scan.compare(refs[j])
			}
		})
		for j, res := range results {
			require.NoError(t, res.err, "run %d (%s), repository %s", i, r, c.Shards[j].Dir)
			if first {
				refs[j] = res.kept
				checkReport(t, c.Shards[j], r, res.kept.json)
				continue
			}
			for _, d := range res.differences {
				differences++
				t.Errorf("run %d (%s): repository %s: its %s report differs from the first run at scope %s (%s):\n%s", i, r, c.Shards[j].Dir, d.format, r.scope, m.runs[firstOfScope(m.runs, r.scope)], d.difference)
			}
		}
		if first {
			var jsonBytes, sarifBytes int64
			for _, ref := range refs {
				jsonBytes += ref.json.size
				sarifBytes += ref.sarif.size
			}
			t.Logf("run %2d (%s): the reference for scope %s (JSON %d MB, SARIF %d MB): %v", i, r, r.scope, jsonBytes>>20, sarifBytes>>20, time.Since(start).Round(time.Second))
		} else {
			t.Logf("run %2d (%s): %v", i, r, time.Since(start).Round(time.Second))
		}
		if differences >= 4 {
			t.Fatalf("stopping after %d differences", differences)
		}
	}
}

// concurrentScans is how many scans run at once: as many as the CI has
// cores, so a scan's start-up and its reading of files overlap another's
// evaluation (each honours its own --workers).
const concurrentScans = 2

// parallel calls fn(0..n-1) on at most workers goroutines.
func parallel(n, workers int, fn func(int)) {
	jobs := make(chan int)
	done := make(chan struct{})
	for range workers {
		go func() {
			for j := range jobs {
				fn(j)
			}
			done <- struct{}{}
		}()
	}
	for j := range n {
		jobs <- j
	}
	close(jobs)
	for range workers {
		<-done
	}
}

// outputs are one shard's reports at a run.
type outputs struct{ json, sarif *reference }

// scanRequest is one scan of one repository.
type scanRequest struct {
	dir, shard string
	args       []string
}

// shardResult is what a scan of one repository gave: the reports kept as
// references, or the differences from them.
type shardResult struct {
	kept        *outputs
	differences []namedDifference
	err         error
}

type namedDifference struct {
	format     string
	difference *difference
}

// sarifFile is where args asks for the SARIF report.
func (s scanRequest) sarifFile() string {
	for _, a := range s.args {
		if f, ok := strings.CutPrefix(a, "sarif="); ok {
			return f
		}
	}
	return ""
}

// keep scans and keeps both reports at prefix.json.gz and prefix.sarif.gz.
func (s scanRequest) keep(prefix string) shardResult {
	var kept outputs
	err := s.run(func(stdout io.Reader) error {
		ref, err := keep(prefix+".json.gz", stdout)
		kept.json = ref
		return err
	})
	if err == nil {
		kept.sarif, err = keepFile(prefix+".sarif.gz", s.sarifFile())
	}
	return shardResult{kept: &kept, err: err}
}

// compare scans and compares both reports with the references.
func (s scanRequest) compare(refs *outputs) shardResult {
	var res shardResult
	var jsonDiff *difference
	res.err = s.run(func(stdout io.Reader) error {
		d, err := refs.json.compare(stdout)
		jsonDiff = d
		return err
	})
	if res.err != nil {
		return res
	}
	if jsonDiff != nil {
		res.differences = append(res.differences, namedDifference{"JSON", jsonDiff})
	}
	f, err := os.Open(s.sarifFile())
	if err != nil {
		res.err = err
		return res
	}
	defer os.Remove(s.sarifFile())
	defer f.Close()
	sarifDiff, err := refs.sarif.compare(f)
	if sarifDiff != nil {
		res.differences = append(res.differences, namedDifference{"SARIF", sarifDiff})
	}
	res.err = err
	return res
}

// keepFile keeps a report file as a reference and removes it.
func keepFile(ref, file string) (*reference, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer os.Remove(file)
	defer f.Close()
	return keep(ref, f)
}

// run runs the binary in the corpus's directory, hands its standard
// output to read as it streams, and requires exit code 0 (--fail-on none:
// any error is an input or evaluation problem).
func (s scanRequest) run(read func(io.Reader) error) error {
	cmd := exec.Command(binary, s.args...)
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	var stderr bytes.Buffer
	cmd.Stderr = &limitedBuffer{buf: &stderr, max: 64 << 10}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	readErr := read(stdout)
	_, _ = io.Copy(io.Discard, stdout)
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("shipshape %s: %w\n%s", strings.Join(s.args[:min(len(s.args), 20)], " "), err, stderr.String())
	}
	return readErr
}

// firstOfScope is the index of the run whose reports are the scope's
// reference.
func firstOfScope(runs []run, scope string) int {
	return slices.IndexFunc(runs, func(r run) bool { return r.scope == scope })
}

// generate builds the corpus from the library's cases.
func generate(t *testing.T, objects, shards int) *corpus.Corpus {
	t.Helper()
	lib, err := library.Load(context.Background())
	require.NoError(t, err)
	seeds, err := corpus.Seeds(lib)
	require.NoError(t, err)
	c, err := corpus.Generate(seeds, corpus.Options{Objects: objects, Seed: corpusSeed, Shards: shards})
	require.NoError(t, err)
	return c
}

// limitedBuffer keeps the first max bytes written to it.
type limitedBuffer struct {
	buf *bytes.Buffer
	max int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max - l.buf.Len(); room > 0 {
		l.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// checkReport reads a scope's reference JSON report: no input or
// evaluation error, every object of the corpus judged, and every finding's
// fingerprint the one its control, object identity, field and message
// give (report.Fingerprint), never shared by two findings of one object.
func checkReport(t *testing.T, sh corpus.Shard, r run, ref *reference) {
	t.Helper()
	f, err := ref.open()
	require.NoError(t, err)
	defer f.Close()
	type object struct {
		file     string
		document int
		item     string
	}
	seen := map[object]map[string]bool{}
	findings, wrong, shared := 0, 0, 0
	summary, err := eachResult(f, func(res report.Result) {
		findings++
		if want := fingerprintOf(res); res.Fingerprint != want {
			if wrong++; wrong <= 3 {
				t.Errorf("scope %s: finding %d has fingerprint %s; its control, object, field and message give %s: %+v", r.scope, findings, res.Fingerprint, want, res)
			}
		}
		o := object{file: res.File, document: res.Document, item: fmt.Sprint(res.Item, res.ItemPath)}
		if seen[o] == nil {
			seen[o] = map[string]bool{}
		}
		if seen[o][res.Fingerprint] {
			if shared++; shared <= 3 {
				t.Errorf("scope %s: two findings of %s document %d %s share fingerprint %s: %s: %s", r.scope, res.File, res.Document, o.item, res.Fingerprint, res.Control, res.Message)
			}
		}
		seen[o][res.Fingerprint] = true
	})
	require.NoError(t, err)
	assert.Zero(t, wrong, "findings with another fingerprint than their identity gives")
	assert.Zero(t, shared, "fingerprints shared within an object")
	assert.NotZero(t, findings)
	assert.Zero(t, summary.Errors, "%s, scope %s: input or evaluation errors", sh.Dir, r.scope)
	assert.Equal(t, sh.Objects, summary.Objects, "%s, scope %s: objects judged (the synthetic Cluster is not counted)", sh.Dir, r.scope)
	assert.Equal(t, r.scope == cluster, summary.ClusterChecked, "%s, scope %s: cluster-level controls ran", sh.Dir, r.scope)
	assert.Equal(t, findings, summary.Violations, "%s, scope %s: findings", sh.Dir, r.scope)
}

// fingerprintOf is the fingerprint report.Fingerprint gives a finding; a
// finding about a namespace (which lists the objects it affects) has the
// fingerprint of its fact, the message without that list.
func fingerprintOf(res report.Result) string {
	if len(res.Affected) > 0 {
		if i := strings.LastIndex(res.Message, "; it affects "); i >= 0 {
			res.Message = res.Message[:i]
		}
	}
	return report.Fingerprint(res)
}

// eachResult decodes a JSON report one result at a time and returns its
// summary.
func eachResult(r io.Reader, fn func(report.Result)) (report.Summary, error) {
	var summary report.Summary
	d := json.NewDecoder(r)
	expect := func(want json.Delim) error {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		if tok != want {
			return fmt.Errorf("report: got %v, want %v", tok, want)
		}
		return nil
	}
	if err := expect('{'); err != nil {
		return summary, err
	}
	for d.More() {
		tok, err := d.Token()
		if err != nil {
			return summary, err
		}
		switch tok {
		case "results":
			if err := expect('['); err != nil {
				return summary, err
			}
			for d.More() {
				var res report.Result
				if err := d.Decode(&res); err != nil {
					return summary, err
				}
				fn(res)
			}
			if err := expect(']'); err != nil {
				return summary, err
			}
		case "summary":
			if err := d.Decode(&summary); err != nil {
				return summary, err
			}
		default:
			var skip json.RawMessage
			if err := d.Decode(&skip); err != nil {
				return summary, err
			}
		}
	}
	return summary, expect('}')
}
