package main

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/shipshape-dev/shipshape/engine/mutate"
	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/engine/requirements"
	"github.com/shipshape-dev/shipshape/library"
)

// mutationScore is killed of counted mutants.
type mutationScore struct {
	Killed  int     `json:"killed"`
	Counted int     `json:"counted"`
	Rate    float64 `json:"rate"`
}

func (s *mutationScore) add(killed, counted int) {
	s.Killed += killed
	s.Counted += counted
	if s.Counted > 0 {
		s.Rate = float64(s.Killed) / float64(s.Counted)
	}
}

func (s mutationScore) String() string {
	if s.Counted == 0 {
		return "no mutants"
	}
	return fmt.Sprintf("%d/%d killed (%.0f%%)", s.Killed, s.Counted, 100*s.Rate)
}

// mutationOptions are the flags of shipshape test --mutate.
type mutationOptions struct {
	output  string
	verbose bool
	// minKillRate is the floor of a family, minControlKillRate of each
	// control and helper file.
	minKillRate, minControlKillRate float64
	// helpers mutates library/lib through the controls that read it.
	helpers bool
}

// runMutations is shipshape test --mutate.
func runMutations(ctx context.Context, e *env, lib *libraryFlags, loaded *policy.Library, filter *regexp.Regexp, opts mutationOptions, dirs []string) error {
	output, verbose := opts.output, opts.verbose
	users, err := lib.userSources(dirs...)
	if err != nil {
		return err
	}
	sources := append([]policy.Source{{Name: "library", FS: library.FS, Builtin: true}}, users...)
	var controls []*policy.Control
	for _, c := range loaded.Controls() {
		if filter == nil || filter.MatchString(c.ID+"/") {
			controls = append(controls, c)
		}
	}
	catalogue, err := requirements.Default()
	if err != nil {
		return err
	}
	reports, err := mutate.Run(ctx, catalogue, sources, controls)
	if err != nil {
		return err
	}
	if opts.helpers {
		// --run picks helper files as it picks controls: lib/netpol/.
		keep := func(id string) bool { return filter == nil || filter.MatchString(id+"/") }
		helpers, err := mutate.RunHelpers(ctx, catalogue, sources, loaded.Controls(), keep)
		if err != nil {
			return err
		}
		reports = append(reports, helpers...)
	}
	if len(reports) == 0 {
		what := "control"
		if opts.helpers {
			what = "control or helper file"
		}
		fmt.Fprintf(e.stderr, "shipshape test --mutate: --run %q matches no %s\n", filter, what)
		return exitError{code: 1}
	}
	var total mutationScore
	families := map[string]*mutationScore{}
	broken := 0
	for _, r := range reports {
		if r.Err != nil {
			broken++
			continue
		}
		k, n := r.Score()
		total.add(k, n)
		family := familyOf(r.ID)
		if families[family] == nil {
			families[family] = &mutationScore{}
		}
		families[family].add(k, n)
	}
	if output == "json" {
		type controlJSON struct {
			mutate.Report
			Score mutationScore `json:"score"`
			Error string        `json:"error,omitempty"`
		}
		out := make([]controlJSON, 0, len(reports))
		for _, r := range reports {
			var s mutationScore
			s.add(r.Score())
			cj := controlJSON{Report: r, Score: s}
			if r.Err != nil {
				cj.Error = r.Err.Error()
			}
			out = append(out, cj)
		}
		if err := writeJSON(e.stdout, map[string]any{"controls": out, "families": families, "total": total}); err != nil {
			return err
		}
	} else {
		for _, r := range reports {
			if r.Err != nil {
				fmt.Fprintf(e.stdout, "FAIL %-11s %v\n", r.ID, r.Err)
				continue
			}
			var s mutationScore
			s.add(r.Score())
			fmt.Fprintf(e.stdout, "%-4s %-11s %s  %s\n", mark(s), r.ID, s, r.File)
			for _, o := range r.Outcomes {
				switch {
				case o.Survived():
					fmt.Fprintf(e.stdout, "       survived  :%d %s: %s\n", o.Line, o.Operator, o.Change)
				case verbose && o.Equivalent != "":
					fmt.Fprintf(e.stdout, "       equivalent :%d %s: %s (%s)\n", o.Line, o.Operator, o.Change, o.Equivalent)
				}
			}
		}
		names := make([]string, 0, len(families))
		for f := range families {
			names = append(names, f)
		}
		sort.Strings(names)
		fmt.Fprintln(e.stdout)
		for _, f := range names {
			fmt.Fprintf(e.stdout, "family %-8s %s\n", f, families[f])
		}
		fmt.Fprintf(e.stdout, "total: %s over %d controls\n", total, len(reports)-broken)
	}
	if broken > 0 {
		return exitError{code: 1}
	}
	var weak []string
	if opts.minControlKillRate > 0 {
		for _, r := range reports {
			var s mutationScore
			s.add(r.Score())
			if len(r.Outcomes) == 0 && familyOf(r.ID) == mutate.HelperDir {
				// A helper that is data only (lib/apis' table) has
				// nothing to mutate; the controls that read it are
				// measured.
				continue
			}
			if s.Counted == 0 || s.Rate < opts.minControlKillRate {
				weak = append(weak, fmt.Sprintf("%s %s", r.ID, s))
			}
		}
	}
	for name, s := range families {
		if s.Counted > 0 && s.Rate < opts.minKillRate {
			weak = append(weak, fmt.Sprintf("%s %s", name, s))
		}
	}
	if len(weak) > 0 {
		sort.Strings(weak)
		fmt.Fprintf(e.stderr, "shipshape test --mutate: below the kill rate (%s): %s; add the cases the survivors ask for, or list equivalent mutants in mutants.yaml (shipshape test --mutate lists the survivors)\n",
			floors(opts), strings.Join(weak, ", "))
		return exitError{code: 1}
	}
	return nil
}

// familyOf is an ID without its number: SS-POD-001 is in SS-POD; the
// helper files (lib/pods) are the family lib.
func familyOf(id string) string {
	if dir, _, ok := strings.Cut(id, "/"); ok {
		return dir
	}
	if i := strings.LastIndex(id, "-"); i > 0 {
		return id[:i]
	}
	return id
}

func mark(s mutationScore) string {
	if s.Killed == s.Counted {
		return "ok"
	}
	return "weak"
}

// floors says the kill rates asked for.
func floors(opts mutationOptions) string {
	var out []string
	if opts.minControlKillRate > 0 {
		out = append(out, fmt.Sprintf("%.0f%% per control", 100*opts.minControlKillRate))
	}
	if opts.minKillRate > 0 {
		out = append(out, fmt.Sprintf("%.0f%% per family", 100*opts.minKillRate))
	}
	return strings.Join(out, ", ")
}
