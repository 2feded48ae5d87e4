package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/shipshape-dev/shipshape/engine/policy"
)

func newControlsCommand(e *env) *cobra.Command {
	var (
		lib    libraryFlags
		prof   profileFlags
		output string
	)
	cmd := &cobra.Command{
		Use:   "controls",
		Short: "List the library's controls",
		Long: `Controls lists every control of the library (or, with --profile, those the
profile enforces) with its ID, severity, title and the requirement IDs it
implements. The JSON form adds frameworks, kinds, the parameter schema,
whether the control judges one object at admission, and whether it reads
data.inventory.`,
		Example: `  shipshape controls
  shipshape controls --profile pss-restricted
  shipshape controls -o json | jq '.[] | select(.severity == "critical") | .id'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			library, err := lib.load(cmd.Context())
			if err != nil {
				return err
			}
			controls := library.Controls()
			if cmd.Flags().Changed("profile") || cmd.Flags().Changed("config") {
				sel, err := prof.selection(library)
				if err != nil {
					return err
				}
				controls = controls[:0]
				for _, b := range sel.Bindings {
					controls = append(controls, b.Control)
				}
			}
			switch output {
			case "json":
				return writeJSON(e.stdout, controls)
			case "text":
				return printControls(e, controls)
			}
			return fmt.Errorf("--output: unknown format %q (want text or json)", output)
		},
	}
	lib.register(cmd)
	prof.register(cmd)
	cmd.Flags().StringVarP(&output, "output", "o", "text", "`FORMAT`: text or json")
	return cmd
}

func printControls(e *env, controls []*policy.Control) error {
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSEVERITY\tTITLE\tREQUIREMENTS")
	for _, c := range controls {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.ID, c.Severity, c.Title, strings.Join(c.Requirements, ", "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(e.stdout, "%d controls\n", len(controls))
	return err
}
