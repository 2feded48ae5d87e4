package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/shipshape-dev/shipshape/engine/report"
)

func newDiffCommand(e *env) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "diff OLD.json NEW.json",
		Short: "Compare two JSON reports: fixed, new and unchanged findings",
		Long: `Diff matches the findings of two "scan -o json" reports by fingerprint (control,
object identity and field path; not file or line, which move) and lists the
ones fixed, new and unchanged. It exits 1 when there are new findings.`,
		Example: "  shipshape scan -o json deploy/ > new.json\n  shipshape diff main.json new.json",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			old, err := report.ReadReport(args[0])
			if err != nil {
				return err
			}
			current, err := report.ReadReport(args[1])
			if err != nil {
				return err
			}
			d := report.Compare(old, current)
			switch output {
			case "json":
				if err := writeJSON(e.stdout, d); err != nil {
					return err
				}
			case "text":
				for _, section := range []struct {
					name string
					list []report.Result
				}{{"New", d.New}, {"Fixed", d.Fixed}} {
					fmt.Fprintf(e.stdout, "%s (%d):\n", section.name, len(section.list))
					for _, r := range section.list {
						obj := report.ObjectRef{Kind: r.Kind, Namespace: r.Namespace, Name: r.Name}
						fmt.Fprintf(e.stdout, "  %s:%d  %-8s %-10s %s\n    %s\n", r.File, r.Line, r.Severity, r.Control, obj.Label(), r.Message)
					}
				}
				fmt.Fprintf(e.stdout, "%d new, %d fixed, %d unchanged.\n", len(d.New), len(d.Fixed), len(d.Unchanged))
			default:
				return fmt.Errorf("--output: unknown format %q (want text or json)", output)
			}
			if len(d.New) > 0 {
				return exitError{1}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "`FORMAT`: text or json")
	return cmd
}
