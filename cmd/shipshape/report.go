package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/shipshape-dev/shipshape/engine/compliance"
	"github.com/shipshape-dev/shipshape/engine/requirements"
	"github.com/shipshape-dev/shipshape/engine/scan"
)

func newReportCommand(e *env) *cobra.Command {
	var (
		lib        libraryFlags
		prof       profileFlags
		format     string
		out        string
		evidence   []string
		exceptFile string
		limits     limitFlags
		scope      string
		cluster    string
	)
	cmd := &cobra.Command{
		Use:   "report PATH...",
		Short: "Write a compliance report: verdicts per requirement and pass rates per framework",
		Long: `Report scans PATHS like "scan" and writes, for an auditor, a verdict per
requirement (pass, fail or not evaluated, with the objects behind each
failure) and a pass rate per framework (CIS Kubernetes, CIS AKS, MCSB, Pod
Security Standards, NSA/CISA, MITRE ATT&CK) with the failing controls. The
HTML form is a single self-contained file with a chart per framework.`,
		Example: "  shipshape report --format html -o compliance.html deploy/ infra/\n  shipshape report --format md --evidence evidence/ -o COMPLIANCE.md .",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "md" && format != "html" {
				return fmt.Errorf("--format: want md or html, not %q", format)
			}
			mode, err := clusterMode(cmd, scope, cluster)
			if err != nil {
				return err
			}
			opts := scan.Options{
				Paths: args, Stdin: e.stdin, ClusterChecks: mode, Evidence: evidence,
			}
			limits.apply(&opts)
			r, _, err := runScan(cmd.Context(), lib, prof, exceptFile, opts)
			if err != nil {
				return err
			}
			defer r.Close()
			if len(r.Errors) > 0 {
				for _, p := range r.Errors {
					fmt.Fprintf(e.stderr, "shipshape: %s\n", p.Message)
				}
				return errors.New("the input has errors; fix them before reporting compliance")
			}
			catalogue, err := requirements.Default()
			if err != nil {
				return err
			}
			assessment, err := compliance.Assess(r, catalogue)
			if err != nil {
				return err
			}
			var w io.Writer = e.stdout
			if out != "" {
				f, err := os.Create(out)
				if err != nil {
					return err
				}
				defer f.Close()
				w = f
			}
			if format == "html" {
				return compliance.WriteHTML(w, assessment)
			}
			return compliance.WriteMarkdown(w, assessment)
		},
	}
	lib.register(cmd)
	lib.registerEvaluator(cmd)
	prof.register(cmd)
	limits.register(cmd)
	registerScope(cmd, &scope, &cluster)
	f := cmd.Flags()
	f.StringVar(&format, "format", "md", "`FORMAT`: md or html")
	f.StringVarP(&out, "output", "o", "", "write to `FILE` instead of standard output")
	f.StringArrayVar(&evidence, "evidence", nil, "add image evidence from `PATH` (as scan --evidence); repeatable")
	f.StringVar(&exceptFile, "exceptions", "", "exceptions `FILE` (as scan --exceptions)")
	return cmd
}
