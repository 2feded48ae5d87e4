package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/open-policy-agent/opa/v1/version"
	"github.com/spf13/cobra"

	"github.com/shipshape-dev/shipshape/bundles/plan"
	"github.com/shipshape-dev/shipshape/engine/ireval"
	"github.com/shipshape-dev/shipshape/library"
)

// buildVersion is set with -ldflags "-X main.buildVersion=v1.2.3" by
// release builds.
var buildVersion = ""

// releaseVersion is the version this source tree will be released as; it
// is what development builds report, so generated exports stay stable.
const releaseVersion = "0.4.0"

// versionInfo describes the binary.
type versionInfo struct {
	Version string `json:"version"`
	Commit  string `json:"commit,omitempty"`
	Go      string `json:"go"`
	OPA     string `json:"opa"`
	// Evaluator is what judges objects: "planned" when the binary embeds a
	// plan of its library, otherwise "topdown" and why.
	Evaluator string `json:"evaluator"`
}

func currentVersion() versionInfo {
	v := versionInfo{Version: buildVersion, Go: runtime.Version(), OPA: version.Version, Evaluator: embeddedEvaluator()}
	if info, ok := debug.ReadBuildInfo(); ok {
		if v.Version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v.Version = info.Main.Version
		}
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" {
				v.Commit = s.Value
			}
		}
	}
	if v.Version == "" {
		v.Version = releaseVersion
	}
	return v
}

// embeddedEvaluator says which evaluator scans use by default.
func embeddedEvaluator() string {
	data := plan.Library()
	if data == nil {
		return evaluatorTopdown + " (no plan of the library embedded: build with make build)"
	}
	h, err := ireval.ReadHeader(data)
	if err != nil {
		return evaluatorTopdown + " (" + err.Error() + ")"
	}
	if digest, err := library.Digest(); err != nil || digest != h.Digest {
		return evaluatorTopdown + " (the embedded plan was made from other library sources: build with make build)"
	}
	return evaluatorPlanned
}

func versionString() string { return currentVersion().Version }

func newVersionCommand(e *env) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:     "version",
		Short:   "Print the version of shipshape and of the OPA it embeds",
		Example: "  shipshape version\n  shipshape version -o json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := currentVersion()
			switch output {
			case "json":
				return writeJSON(e.stdout, v)
			case "text":
				fmt.Fprintf(e.stdout, "shipshape %s\n", v.Version)
				if v.Commit != "" {
					fmt.Fprintf(e.stdout, "commit     %s\n", v.Commit)
				}
				fmt.Fprintf(e.stdout, "opa        %s\ngo         %s\nevaluator  %s\n", v.OPA, v.Go, v.Evaluator)
				return nil
			}
			return fmt.Errorf("--output: unknown format %q (want text or json)", output)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "`FORMAT`: text or json")
	return cmd
}
