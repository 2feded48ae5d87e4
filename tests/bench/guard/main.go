// Command guard reads `go test -bench` output of tests/bench on standard
// input and fails when a benchmark's throughput dropped by more than the
// tolerance against a committed baseline (make bench-guard). Throughput is
// compared relative to BenchmarkParseOnly of the same run, so the baseline
// carries across machines; raw objects/s are printed too.
//
//	go test -run '^$' -bench . -benchtime 3x ./tests/bench/ | go run ./tests/bench/guard
//	... | go run ./tests/bench/guard -update   # record a new baseline
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// parseOnly is the benchmark the others are measured against.
const parseOnly = "ParseOnly"

// Baseline is the committed file: each benchmark's objects/s divided by
// the parse-only objects/s of the same run.
type Baseline struct {
	Note     string             `json:"note"`
	Relative map[string]float64 `json:"relative"`
	// Raw are the objects/s of the run that recorded the baseline, for
	// people; they are not compared.
	Raw map[string]float64 `json:"raw"`
}

func main() {
	file := flag.String("baseline", "tests/bench/baseline.json", "baseline file")
	tolerance := flag.Float64("tolerance", 0.20, "largest allowed drop, as a fraction")
	update := flag.Bool("update", false, "write the run as the new baseline")
	flag.Parse()
	code, err := run(os.Stdin, os.Stdout, *file, *tolerance, *update)
	if err != nil {
		fmt.Fprintln(os.Stderr, "guard:", err)
		os.Exit(2)
	}
	os.Exit(code)
}

var line = regexp.MustCompile(`^Benchmark(\w+?)(?:-\d+)?\s+\d+\s.*?\s([0-9.e+]+) objects/s`)

// readRun collects objects/s per benchmark from go test -bench output. A
// benchmark run several times (-count) counts with its best run: on a noisy
// machine the fastest run is the one least disturbed, for the parse-only
// baseline as much as for the scans.
func readRun(r io.Reader, echo io.Writer) (map[string]float64, error) {
	raw := map[string]float64{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		fmt.Fprintln(echo, sc.Text())
		if m := line.FindStringSubmatch(sc.Text()); m != nil {
			v, err := strconv.ParseFloat(m[2], 64)
			if err != nil {
				return nil, fmt.Errorf("%q: %w", sc.Text(), err)
			}
			raw[m[1]] = max(raw[m[1]], v)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if raw[parseOnly] == 0 {
		return nil, errors.New("no BenchmarkParseOnly objects/s in the input: run the benchmarks of tests/bench")
	}
	return raw, nil
}

func run(in io.Reader, out io.Writer, file string, tolerance float64, update bool) (int, error) {
	raw, err := readRun(in, out)
	if err != nil {
		return 2, err
	}
	relative := map[string]float64{}
	for name, v := range raw {
		if name != parseOnly {
			relative[name] = v / raw[parseOnly]
		}
	}
	if update {
		data, err := json.MarshalIndent(Baseline{
			Note:     "objects/s of each benchmark divided by BenchmarkParseOnly's in the same run; written by make bench-guard UPDATE=1",
			Relative: relative, Raw: raw,
		}, "", "  ")
		if err != nil {
			return 2, err
		}
		return 0, os.WriteFile(file, append(data, '\n'), 0o644)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return 2, err
	}
	var base Baseline
	if err := json.Unmarshal(data, &base); err != nil {
		return 2, fmt.Errorf("%s: %w", file, err)
	}
	names := make([]string, 0, len(base.Relative))
	for name := range base.Relative {
		names = append(names, name)
	}
	slices.Sort(names)
	code := 0
	fmt.Fprintf(out, "\n%-22s %12s %12s %8s\n", "benchmark", "baseline", "now", "change")
	for _, name := range names {
		want, got := base.Relative[name], relative[name]
		if got == 0 {
			fmt.Fprintf(out, "%-22s %12.4f %12s  missing from this run\n", name, want, "-")
			code = 1
			continue
		}
		change := got/want - 1
		verdict := ""
		if change < -tolerance {
			verdict = fmt.Sprintf("  REGRESSION (more than %.0f%% slower)", tolerance*100)
			code = 1
		}
		fmt.Fprintf(out, "%-22s %12.4f %12.4f %+7.1f%%%s\n", name, want, got, change*100, verdict)
	}
	fmt.Fprintf(out, "(objects/s relative to parse-only; parse-only ran at %.0f objects/s)\n", raw[parseOnly])
	if code != 0 {
		fmt.Fprintln(out, strings.TrimSpace("FAIL: throughput regressed against "+file))
	}
	return code, nil
}
