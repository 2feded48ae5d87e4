// Command peers times shipshape against its peers on the same generated
// Pods and prints a table of objects per second, per-object speed-ups and
// peak memory (make bench-peers):
//
//   - the parse-only baseline: read and YAML-decode every file on all cores
//   - shipshape scan with the whole library and with pss-restricted
//   - gator test with the pss-restricted ConstraintTemplates and Constraints
//     (our export, written by shipshape export gatekeeper at the start;
//     gatekeeper-library's own templates are not reachable offline, and
//     ours are the same Pod Security checks in Gatekeeper's contract)
//   - conftest test with the same pss-restricted rules, loaded from the OPA
//     bundle and wrapped in a `deny` rule
//
// Peers are slow, so they judge a prefix of the corpus (-peer-objects) and
// are compared per object.
package main

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/shipshape-dev/shipshape/tests/bench/corpus"
)

type options struct {
	objects, peerObjects  int
	shipshape, gator, cft string
}

func main() {
	var o options
	flag.IntVar(&o.objects, "objects", 10000, "Pods in the corpus shipshape scans")
	flag.IntVar(&o.peerObjects, "peer-objects", 1000, "Pods the peers judge (a prefix of the same corpus)")
	flag.StringVar(&o.shipshape, "shipshape", "bin/shipshape", "shipshape binary")
	flag.StringVar(&o.gator, "gator", "bin/gator", "gator binary")
	flag.StringVar(&o.cft, "conftest", "bin/conftest", "conftest binary")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "peers:", err)
		os.Exit(1)
	}
}

// result is one timed run.
type result struct {
	name    string
	objects int
	wall    time.Duration
	rssKiB  int64
}

func (r result) perSecond() float64 { return float64(r.objects) / r.wall.Seconds() }

func run(o options) error {
	dir, err := os.MkdirTemp("", "shipshape-peers")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	all := filepath.Join(dir, "all")
	files, err := corpus.Write(all, corpus.Options{Objects: o.objects, PerFile: 5, Seed: 42, PodsOnly: true})
	if err != nil {
		return err
	}
	// The peers' corpus: the same generator and seed, fewer objects.
	peerDir := filepath.Join(dir, "peer")
	peerFiles, err := corpus.Write(peerDir, corpus.Options{Objects: o.peerObjects, PerFile: 5, Seed: 42, PodsOnly: true})
	if err != nil {
		return err
	}

	var results []result
	start := time.Now()
	if n, err := corpus.ParseOnly(files); err != nil || n != o.objects {
		return fmt.Errorf("parse-only decoded %d objects: %v", n, err)
	}
	parse := result{name: "parse only (read + YAML-decode, all cores)", objects: o.objects, wall: time.Since(start)}
	results = append(results, parse)

	for _, profile := range []string{"all", "pss-restricted"} {
		r, err := timed(fmt.Sprintf("shipshape scan --profile %s", profile), o.objects, []int{0, 1},
			o.shipshape, "scan", "--profile", profile, "-o", "json", "--scope", "manifests", all)
		if err != nil {
			return err
		}
		results = append(results, r)
	}
	ship, err := timed("shipshape scan --profile pss-restricted", o.peerObjects, []int{0, 1},
		o.shipshape, "scan", "--profile", "pss-restricted", "-o", "json", peerDir)
	if err != nil {
		return err
	}
	results = append(results, ship)

	export := filepath.Join(dir, "gatekeeper")
	if out, err := exec.Command(o.shipshape, "export", "gatekeeper", "--config", os.DevNull, "--profile", "pss-restricted", "-o", export).CombinedOutput(); err != nil {
		return fmt.Errorf("export gatekeeper: %v: %s", err, out)
	}
	gatorArgs := []string{"test", "-f", filepath.Join(export, "templates"), "-f", filepath.Join(export, "constraints")}
	for _, d := range dirsOf(peerFiles) {
		gatorArgs = append(gatorArgs, "-f", d)
	}
	gator, err := timedCheck("gator test (pss-restricted templates)", o.peerObjects, []int{0, 1}, mentions("Pod"), o.gator, gatorArgs...)
	if err != nil {
		return err
	}
	results = append(results, gator)

	policy := filepath.Join(dir, "conftest")
	if err := conftestPolicy(o.shipshape, policy); err != nil {
		return err
	}
	cft, err := timedCheck("conftest test (pss-restricted rules)", o.peerObjects, []int{0, 1}, mentions("SS-PSS-"),
		o.cft, "test", "--no-color", "--policy", policy, "--data", policy, peerDir)
	if err != nil {
		return err
	}
	results = append(results, cft)

	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "run\tobjects\twall\tobjects/s\tpeak RSS\t")
	for _, r := range results {
		fmt.Fprintf(w, "%s\t%d\t%.2fs\t%.0f\t%s\t\n", r.name, r.objects, r.wall.Seconds(), r.perSecond(), rss(r.rssKiB))
	}
	w.Flush()
	fmt.Println()
	fmt.Printf("shipshape (all) / parse only:           %.1f× the time (target ≤ 3)\n", parse.perSecond()/results[1].perSecond())
	fmt.Printf("shipshape (pss-restricted) / parse only: %.1f× the time\n", parse.perSecond()/results[2].perSecond())
	fmt.Printf("shipshape vs gator, per object:          %.1f× faster (target ≥ 30)\n", ship.perSecond()/gator.perSecond())
	fmt.Printf("shipshape vs conftest, per object:       %.1f× faster (target ≥ 4)\n", ship.perSecond()/cft.perSecond())
	return nil
}

// timed runs a command, which must exit with one of the given codes, and
// returns its wall time and peak resident memory.
func timed(name string, objects int, codes []int, bin string, args ...string) (result, error) {
	return timedCheck(name, objects, codes, nil, bin, args...)
}

// timedCheck is timed with a check of the command's output, so a peer that
// fails to load its policy does not pass for a fast one.
func timedCheck(name string, objects int, codes []int, check func(out string) error, bin string, args ...string) (result, error) {
	cmd := exec.Command(bin, args...)
	var stdout strings.Builder
	cmd.Stdout = &stdout
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return result{}, fmt.Errorf("%s: %w", name, err)
	}
	// The rusage of a child started with CLONE_VM counts the parent's
	// memory, so the child's own high-water mark is sampled instead.
	var kib int64
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			if v := highWaterKiB(cmd.Process.Pid); v > kib {
				kib = v
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	err := cmd.Wait()
	wall := time.Since(start)
	close(done)
	<-sampled
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return result{}, fmt.Errorf("%s: %w", name, err)
	}
	code := cmd.ProcessState.ExitCode()
	ok := false
	for _, c := range codes {
		ok = ok || c == code
	}
	if !ok {
		return result{}, fmt.Errorf("%s exited %d: %s", name, code, tail(stderr.String()))
	}
	if check != nil {
		if err := check(stdout.String()); err != nil {
			return result{}, fmt.Errorf("%s: %w: %s", name, err, tail(stdout.String()+stderr.String()))
		}
	}
	return result{name: name, objects: objects, wall: wall, rssKiB: kib}, nil
}

// conftestPolicy unpacks the pss-restricted OPA bundle into dir and adds the
// `deny` rule conftest queries.
func conftestPolicy(shipshape, dir string) error {
	bundle := dir + ".tar.gz"
	if out, err := exec.Command(shipshape, "bundle", "build", "--profile", "pss-restricted", "-o", bundle).CombinedOutput(); err != nil {
		return fmt.Errorf("bundle build: %v: %s", err, out)
	}
	if err := untar(bundle, dir); err != nil {
		return err
	}
	deny := `package main

import rego.v1

deny contains sprintf("%s: %s", [v.control, v.message]) if some v in data.shipshape.violations
`
	return os.WriteFile(filepath.Join(dir, "main.rego"), []byte(deny), 0o644)
}

func untar(file, dir string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		name := filepath.Clean(strings.TrimPrefix(h.Name, "/"))
		if h.Typeflag != tar.TypeReg || strings.HasPrefix(name, "..") || filepath.Base(name) == ".manifest" {
			continue
		}
		target := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		data, err := io.ReadAll(io.LimitReader(tr, 64<<20))
		if err != nil {
			return err
		}
		if err := os.WriteFile(target, data, 0o644); err != nil {
			return err
		}
	}
}

// mentions checks that a peer's output reports findings.
func mentions(word string) func(string) error {
	return func(out string) error {
		if !strings.Contains(out, word) {
			return fmt.Errorf("output does not mention %q: the peer judged nothing", word)
		}
		return nil
	}
}

// highWaterKiB reads a process's peak resident set size (VmHWM).
func highWaterKiB(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kib int64
			fmt.Sscanf(strings.TrimSpace(rest), "%d", &kib)
			return kib
		}
	}
	return 0
}

func dirsOf(files []string) []string {
	seen := map[string]bool{}
	var dirs []string
	for _, f := range files {
		if d := filepath.Dir(f); !seen[d] {
			seen[d] = true
			dirs = append(dirs, d)
		}
	}
	return dirs
}

func rss(kib int64) string {
	if kib == 0 {
		return "?"
	}
	return fmt.Sprintf("%.0f MiB", float64(kib)/1024)
}

func tail(s string) string {
	if len(s) > 2000 {
		return "…" + s[len(s)-2000:]
	}
	return s
}
