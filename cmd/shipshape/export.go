package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/shipshape-dev/shipshape/engine/export"
	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/engine/profile"
)

func newExportCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Export a profile for Gatekeeper or the Azure Policy add-on",
		Long: `Export writes a profile's admission controls in the form an admission
controller loads, from the same Rego that "shipshape scan" evaluates.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(
		newExportTarget(e, "gatekeeper", "ConstraintTemplates, Constraints, sync config, kustomizations and a gator suite",
			`Gatekeeper writes, into DIR:
  templates/      one ConstraintTemplate per admission control (Rego v1 in
                  spec.targets[].code, Gatekeeper >= 3.19; --legacy-rego for
                  the rego/libs form older Gatekeeper reads)
  constraints/    one Constraint per control with the profile's parameters,
                  enforcementAction and excluded system namespaces
  sync/           the SyncSet (and, for Gatekeeper < 3.15, Config entries)
                  that referential controls need
  kustomization.yaml, templates/kustomization.yaml
  tests/          a gator suite of every control's cases (gator verify DIR/tests)

With several profiles (--profile a,b), DIR holds each file once:
  controls/ID/    the control's template, constraint and gator suite
  profiles/NAME/  a kustomization selecting the profile's controls, patching
                  the constraints it sets differently, and its sync config
  README.md       what was generated, how to apply and test it`,
			"  shipshape export gatekeeper --profile pss-restricted -o gatekeeper/\n  kubectl apply -k gatekeeper/templates && kubectl apply -k gatekeeper/",
			exporter{
				one:  export.Gatekeeper,
				many: export.GatekeeperProfiles,
			}),
		newExportTarget(e, "azure-policy", "Azure Policy for Kubernetes definitions and an initiative",
			`Azure-policy writes, into DIR:
  definitions/    one policy definition per admission control (mode
                  Microsoft.Kubernetes.Data) embedding its Gatekeeper template
                  (or pointing at --template-base-url)
  initiatives/    one initiative (policy set) for the profile, with its
                  parameters, effect and excluded namespaces
  templates/      with --template-base-url: the templates to publish there`,
			"  shipshape export azure-policy --profile pss-baseline --definition-scope /subscriptions/$SUB -o azure/",
			exporter{
				one: func(_ context.Context, lib *policy.Library, sel *profile.Selection, opts export.Options) ([]export.File, error) {
					return export.AzurePolicy(lib, sel, opts)
				},
				many: func(_ context.Context, lib *policy.Library, sels []*profile.Selection, opts export.Options) ([]export.File, error) {
					return export.AzurePolicyProfiles(lib, sels, opts)
				},
			}),
	)
	return cmd
}

// exporter writes one profile in its own layout, or several profiles over
// one set of files.
type exporter struct {
	one  func(context.Context, *policy.Library, *profile.Selection, export.Options) ([]export.File, error)
	many func(context.Context, *policy.Library, []*profile.Selection, export.Options) ([]export.File, error)
}

func newExportTarget(e *env, name, short, long, example string, run exporter) *cobra.Command {
	var (
		lib        libraryFlags
		prof       profileFlags
		out        string
		exceptFile string
		opts       = export.Options{}
	)
	cmd := &cobra.Command{
		Use:     name + " -o DIR",
		Short:   "Export " + short,
		Long:    long,
		Example: example,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return fmt.Errorf("--output DIR is required")
			}
			library, err := lib.load(cmd.Context())
			if err != nil {
				return err
			}
			sels, err := prof.selections(library)
			if err != nil {
				return err
			}
			// Exceptions name controls, so one file serves every profile.
			if opts.Exceptions, err = loadExceptions(exceptFile, library, sels[0]); err != nil {
				return err
			}
			opts.Version = versionString()
			var files []export.File
			if len(sels) == 1 {
				files, err = run.one(cmd.Context(), library, sels[0], opts)
			} else {
				files, err = run.many(cmd.Context(), library, sels, opts)
			}
			if err != nil {
				return err
			}
			if err := export.Write(out, files); err != nil {
				return err
			}
			names := make([]string, len(sels))
			for i, s := range sels {
				names[i] = s.Profile.Name
			}
			fmt.Fprintf(e.stdout, "wrote %d files for %s %s to %s\n", len(files), map[bool]string{true: "profile", false: "profiles"}[len(names) == 1], strings.Join(names, ", "), out)
			return nil
		},
	}
	lib.register(cmd)
	prof.register(cmd)
	deprecatedProfileAlias(e, cmd, &prof.profile)
	cmd.Flags().StringVar(&exceptFile, "exceptions", "", "honour the exceptions in `FILE` where the target can express them (default: .shipshape-exceptions.yaml when present); EXCEPTIONS.md lists the rest")
	cmd.Flags().StringVarP(&out, "output", "o", "", "write into `DIR` (new, empty, or an earlier export, whose stale files are removed)")
	switch name {
	case "gatekeeper":
		cmd.Flags().BoolVar(&opts.LegacyRego, "legacy-rego", false, "write spec.targets[].rego/libs (Rego v0 with import rego.v1) for Gatekeeper before 3.19")
	case "azure-policy":
		cmd.Flags().BoolVar(&opts.LegacyRego, "legacy-rego", false, "embed templates in the legacy rego/libs form")
		cmd.Flags().StringVar(&opts.TemplateBaseURL, "template-base-url", "", "reference templates published under `URL` (sourceType PublicURL) instead of embedding them")
		cmd.Flags().StringVar(&opts.DefinitionScope, "definition-scope", "", "resource `ID` the definitions are created under, for the initiative's references (default "+export.DefaultDefinitionScope+")")
	}
	return cmd
}
