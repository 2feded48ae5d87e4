package main

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/cover"
	"github.com/spf13/cobra"

	"github.com/shipshape-dev/shipshape/engine/casetest"
)

func newTestCommand(e *env) *cobra.Command {
	var (
		lib      libraryFlags
		run      string
		coverage bool
		mutate   bool
		minKill  float64
		minEach  float64
		helpers  bool
		verbose  bool
		output   string
	)
	cmd := &cobra.Command{
		Use:   "test [DIR...]",
		Short: "Run the library's table-driven policy tests",
		Long: `Test runs the cases.yaml beside every control of the built-in library and of
any user library (each DIR, or --library DIR): each case's object goes
through the same loader and evaluator as a scan, and its violations are
compared with the expected verdict. Every control needs at least one allowed
and one denied case.

With --mutate, test measures the cases instead: it changes each control's
Rego one small way at a time (negates or drops a condition, swaps == and
!=, < and <=, replaces a string, empties a set) and reports, per control
and family, the mutants every case still passes. A survivor is a missing
case, or a change that means nothing: list those in a mutants.yaml beside
the control ({line, operator, why}) and they are not counted. With
--helpers, the shared helpers of library/lib are mutated too, each mutant
against the cases of every control that reads the helper (family "lib";
equivalent mutants in library/lib/mutants.yaml, each with its file).

Exit codes: 0 all cases passed, 1 a case failed or --run matched no case,
2 the library or a cases file could not be loaded.`,
		Example: `  shipshape test
  shipshape test ./policies --run 'ACME-001/latest'
  shipshape test --coverage
  shipshape test --mutate --run 'SS-PSS-'
  shipshape test --mutate --helpers --min-control-kill-rate 0.85 --min-kill-rate 0.9`,
		RunE: func(cmd *cobra.Command, args []string) error {
			var filter *regexp.Regexp
			if run != "" {
				re, err := regexp.Compile(run)
				if err != nil {
					return fmt.Errorf("--run: %w", err)
				}
				filter = re
			}
			if output != "text" && output != "json" {
				return fmt.Errorf("--output: unknown format %q (want text or json)", output)
			}
			library, err := lib.load(cmd.Context(), args...)
			if err != nil {
				return err
			}
			if mutate {
				return runMutations(cmd.Context(), e, &lib, library, filter, mutationOptions{output: output, verbose: verbose, minKillRate: minKill, minControlKillRate: minEach, helpers: helpers}, args)
			}
			opts := casetest.Options{Run: filter}
			var cov *cover.Cover
			if coverage {
				cov = cover.New()
				opts.Tracer = cov
			}
			results, err := casetest.Run(cmd.Context(), library, opts)
			if err != nil {
				return err
			}
			summary := summarize(results)
			if output == "json" {
				doc := map[string]any{"controls": testJSON(results), "summary": summary}
				if cov != nil {
					doc["coverage"] = cov.Report(library.Modules())
				}
				if err := writeJSON(e.stdout, doc); err != nil {
					return err
				}
			} else {
				printTests(e, results, verbose)
				if cov != nil {
					printCoverage(e, cov.Report(library.Modules()), verbose)
				}
				fmt.Fprintln(e.stdout, summary.String())
			}
			switch {
			case summary.Broken > 0:
				return exitError{code: 2}
			case summary.Failed > 0:
				return exitError{code: 1}
			case filter != nil && summary.Cases == 0:
				// A filter that runs nothing proves nothing: a typo in a
				// CI job's --run must not pass.
				fmt.Fprintf(e.stderr, "shipshape test: --run %q matches no case (cases are named CONTROL-ID/case name)\n", run)
				return exitError{code: 1}
			}
			return nil
		},
	}
	lib.register(cmd)
	f := cmd.Flags()
	f.StringVar(&run, "run", "", "run only cases whose `REGEX` matches \"CONTROL-ID/case name\"")
	f.BoolVar(&coverage, "coverage", false, "report which lines of the Rego library the cases cover")
	f.BoolVar(&mutate, "mutate", false, "measure the cases: report the mutants of each control's Rego that every case still passes")
	f.Float64Var(&minKill, "min-kill-rate", 0, "with --mutate, exit 1 when a family kills less than this share of its mutants (0.9 for 90%)")
	f.Float64Var(&minEach, "min-control-kill-rate", 0, "with --mutate, exit 1 when a control (or a helper file, with --helpers) kills less than this share of its mutants, or has none that count")
	f.BoolVar(&helpers, "helpers", false, "with --mutate, mutate the built-in library's helpers (library/lib) too, each mutant judged by the cases of every control that reads the helper")
	f.BoolVarP(&verbose, "verbose", "v", false, "list every case (and uncovered lines with --coverage)")
	f.StringVarP(&output, "output", "o", "text", "`FORMAT`: text or json")
	return cmd
}

type testSummary struct {
	Controls int `json:"controls"`
	Cases    int `json:"cases"`
	Passed   int `json:"passed"`
	Failed   int `json:"failed"`
	// Broken counts controls whose cases file could not be used.
	Broken int `json:"broken"`
}

func (s testSummary) String() string {
	if s.Failed == 0 && s.Broken == 0 {
		return fmt.Sprintf("PASS: %d cases of %d controls", s.Cases, s.Controls)
	}
	return fmt.Sprintf("FAIL: %d of %d cases failed; %d control(s) with an unusable cases file (%d controls)", s.Failed, s.Cases, s.Broken, s.Controls)
}

func summarize(results []casetest.ControlResult) testSummary {
	s := testSummary{Controls: len(results)}
	for _, r := range results {
		if r.Err != nil {
			s.Broken++
		}
		for _, o := range r.Outcomes {
			s.Cases++
			if o.Passed {
				s.Passed++
			} else {
				s.Failed++
			}
		}
	}
	return s
}

func printTests(e *env, results []casetest.ControlResult, verbose bool) {
	for _, r := range results {
		if len(r.Outcomes) == 0 && r.Err == nil {
			continue // every case filtered out by --run
		}
		passed := 0
		for _, o := range r.Outcomes {
			if o.Passed {
				passed++
			}
		}
		status := "ok  "
		if !r.Passed() {
			status = "FAIL"
		}
		fmt.Fprintf(e.stdout, "%s %-11s %-55s %d/%d cases\n", status, r.Control.ID, truncate(r.Control.Title, 55), passed, len(r.Outcomes))
		if r.Err != nil {
			fmt.Fprintf(e.stdout, "     %s\n", indent(r.Err.Error()))
		}
		for _, o := range r.Outcomes {
			switch {
			case !o.Passed:
				fmt.Fprintf(e.stdout, "     %s:%d: case %q: %s\n", r.File, o.Line, o.Case, indent(o.Problem))
			case verbose:
				fmt.Fprintf(e.stdout, "     ok %s:%d: %s (%s)\n", r.File, o.Line, o.Case, o.Expect)
			}
		}
	}
}

func printCoverage(e *env, rep cover.Report, verbose bool) {
	files := make([]string, 0, len(rep.Files))
	for f := range rep.Files {
		files = append(files, f)
	}
	sort.Strings(files)
	fmt.Fprintln(e.stdout, "\nCoverage:")
	for _, f := range files {
		fr := rep.Files[f]
		fmt.Fprintf(e.stdout, "  %6.1f%%  %s\n", fr.Coverage, f)
		if verbose {
			for _, rng := range fr.NotCovered {
				fmt.Fprintf(e.stdout, "           not covered: lines %d-%d\n", rng.Start.Row, rng.End.Row)
			}
		}
	}
	fmt.Fprintf(e.stdout, "  %6.1f%%  total (%d of %d lines)\n", rep.Coverage, rep.CoveredLines, rep.CoveredLines+rep.NotCoveredLines)
}

func testJSON(results []casetest.ControlResult) []map[string]any {
	out := make([]map[string]any, 0, len(results))
	for _, r := range results {
		cases := make([]map[string]any, 0, len(r.Outcomes))
		for _, o := range r.Outcomes {
			c := map[string]any{"name": o.Case, "line": o.Line, "passed": o.Passed, "expect": o.Expect.String(), "messages": o.Messages}
			if o.Problem != "" {
				c["problem"] = o.Problem
			}
			cases = append(cases, c)
		}
		entry := map[string]any{"control": r.Control.ID, "file": r.File, "passed": r.Passed(), "cases": cases}
		if r.Err != nil {
			entry["error"] = r.Err.Error()
		}
		out = append(out, entry)
	}
	return out
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}

func indent(s string) string { return strings.ReplaceAll(s, "\n", "\n     ") }
