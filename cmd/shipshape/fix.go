package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
	"github.com/spf13/cobra"

	"github.com/shipshape-dev/shipshape/engine/eval"
	"github.com/shipshape-dev/shipshape/engine/fix"
	"github.com/shipshape-dev/shipshape/engine/input"
	"github.com/shipshape-dev/shipshape/engine/render"
)

func newFixCommand(e *env) *cobra.Command {
	var (
		lib      libraryFlags
		prof     profileFlags
		write    bool
		controls []string
		output   string
		verbose  bool
		helm     render.HelmOptions
	)
	cmd := &cobra.Command{
		Use:   "fix PATH...",
		Short: "Fix the findings whose remedy is a known field value",
		Long: `Fix judges PATHS like "scan" with the controls that declare a fix (fix.yaml
beside their policy: allowPrivilegeEscalation false, drop ALL capabilities,
a RuntimeDefault seccomp profile, runAsNonRoot, a read-only root filesystem,
host namespaces off, automountServiceAccountToken false, imagePullPolicy
Always, ...) and edits the manifests so those findings go away.

Only the changed lines change: comments, key order, quoting, anchors, blank
lines and line endings stay as they were. Without --write it prints a
unified diff. Objects rendered from a Helm chart or a kustomization are
never edited: fix prints a strategic merge patch per object, to apply in
the chart's values or as a kustomize patch. JSON manifests are not edited.
Findings it cannot fix are listed with why.`,
		Example: "  shipshape fix deploy/                      # show the diff\n" +
			"  shipshape fix --write deploy/              # apply it\n" +
			"  shipshape fix --control SS-PSS-102 --write deploy/web.yaml",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if output != "diff" && output != "json" {
				return fmt.Errorf("--output: unknown format %q (want diff or json)", output)
			}
			library, err := lib.load(cmd.Context())
			if err != nil {
				return err
			}
			sel, err := prof.selection(library)
			if err != nil {
				return err
			}
			rules, err := fix.LoadLibrary(library)
			if err != nil {
				return err
			}
			for _, id := range controls {
				if _, ok := rules[id]; !ok {
					return fmt.Errorf("--control %s: no fix declared (controls with one: %s)", id, strings.Join(fixable(rules), ", "))
				}
			}
			helm.KubeVersion = sel.KubernetesVersion()
			files, err := readForFix(cmd.Context(), args, input.Options{Helm: helm})
			if err != nil {
				return err
			}
			// The library's plan, as scan evaluates it, when it is built in.
			var evalOpts []eval.Option
			if prog, _, err := lib.program(); err != nil {
				return err
			} else if prog != nil {
				evalOpts = append(evalOpts, eval.WithProgram(prog))
			}
			plan, err := fix.Fix(cmd.Context(), library, sel.ScanBindings(), files, rules, fix.Options{Controls: controls}, evalOpts...)
			if err != nil {
				return err
			}
			if write {
				if err := writeFixes(plan); err != nil {
					return err
				}
			}
			if output == "json" {
				return writeJSON(e.stdout, plan)
			}
			printFixPlan(e, plan, write, verbose)
			return nil
		},
	}
	lib.register(cmd)
	prof.register(cmd)
	f := cmd.Flags()
	f.BoolVarP(&write, "write", "w", false, "edit the files in place instead of printing a diff")
	f.StringArrayVar(&controls, "control", nil, "fix only the findings of control `ID`; repeatable")
	f.StringVarP(&output, "output", "o", "diff", "`FORMAT`: diff (a unified diff, and patches for rendered objects) or json (every change and every finding left)")
	f.BoolVarP(&verbose, "verbose", "v", false, "list every finding left to fix by hand, not only their count per reason")
	f.StringArrayVarP(&helm.ValuesFiles, "values", "f", nil, "Helm charts among the paths: merge the values in `FILE`; repeatable")
	f.StringArrayVar(&helm.Set, "set", nil, "Helm charts among the paths: set `KEY=VALUE`; repeatable")
	return cmd
}

func fixable(rules fix.Library) []string {
	ids := make([]string, 0, len(rules))
	for id := range rules {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// readForFix reads the paths as scan does; any input error stops fix.
func readForFix(ctx context.Context, paths []string, opts input.Options) ([]*input.File, error) {
	found, errs := input.Discover(ctx, paths)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("%s: no .yaml, .yml or .json files found", strings.Join(paths, ", "))
	}
	var files []*input.File
	for _, name := range found {
		f := input.ReadFile(ctx, name, opts)
		errs = append(errs, f.Errors...)
		files = append(files, f)
	}
	return files, errors.Join(errs...)
}

func writeFixes(plan *fix.Plan) error {
	for _, r := range plan.Results {
		if len(r.Patch) > 0 || r.After == nil {
			continue
		}
		info, err := os.Stat(r.File)
		if err != nil {
			return err
		}
		if err := os.WriteFile(r.File, r.After, info.Mode().Perm()); err != nil {
			return fmt.Errorf("writing %s: %w", r.File, err)
		}
	}
	return nil
}

func printFixPlan(e *env, plan *fix.Plan, written, verbose bool) {
	changes, files, patches := 0, 0, 0
	for _, r := range plan.Results {
		switch {
		case len(r.Patch) > 0:
			patches += len(r.Changes)
			fmt.Fprintf(e.stdout, "# %s is rendered: shipshape does not edit it. Apply these in the chart's values or an overlay:\n%s\n", r.File, r.Patch)
		case written:
			files++
			changes += len(r.Changes)
		default:
			files++
			changes += len(r.Changes)
			from, to := r.File, r.File
			if !filepath.IsAbs(r.File) {
				from, to = "a/"+filepath.ToSlash(r.File), "b/"+filepath.ToSlash(r.File)
			}
			diff, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
				A: difflib.SplitLines(string(r.Before)), B: difflib.SplitLines(string(r.After)),
				FromFile: from, ToFile: to, Context: 3,
			})
			if !strings.HasSuffix(diff, "\n") {
				diff += "\n"
			}
			fmt.Fprint(e.stdout, diff)
		}
		for _, c := range r.Changes {
			if c.Note != "" {
				fmt.Fprintf(e.stderr, "shipshape: fix: %s %s %s: %s\n", r.File, c.Control, c.Field, c.Note)
			}
		}
	}
	verb := "to make"
	if written {
		verb = "made"
	}
	fmt.Fprintf(e.stderr, "%d change(s) %s in %d file(s)", changes, verb, files)
	if patches > 0 {
		fmt.Fprintf(e.stderr, ", %d in patches for rendered objects", patches)
	}
	fmt.Fprintf(e.stderr, "; %d finding(s) left to fix by hand.\n", len(plan.Unfixed))
	if len(plan.Unfixed) == 0 {
		return
	}
	if verbose {
		for _, u := range plan.Unfixed {
			fmt.Fprintf(e.stderr, "  %s:%d %s %s: %s\n", u.File, u.Line, u.Control, u.Field, u.Reason)
		}
		return
	}
	byReason := map[string]int{}
	var reasons []string
	for _, u := range plan.Unfixed {
		key := u.Control + ": " + u.Reason
		if byReason[key] == 0 {
			reasons = append(reasons, key)
		}
		byReason[key]++
	}
	for _, k := range reasons {
		fmt.Fprintf(e.stderr, "  %d × %s\n", byReason[k], k)
	}
	fmt.Fprintln(e.stderr, "  (-v lists each)")
}
