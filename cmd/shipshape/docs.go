package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/spf13/cobra"

	"github.com/shipshape-dev/shipshape/engine/docs"
	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/engine/requirements"
)

func newDocsCommand(e *env) *cobra.Command {
	var (
		lib    libraryFlags
		dir    string
		readme string
	)
	cmd := &cobra.Command{
		Use:   "docs",
		Short: "Generate the control reference, the traceability matrix and the editor schemas",
		Long: `Docs writes controls.md (every control with its severity, requirements,
frameworks, kinds, parameters and fix), traceability.md (requirement →
controls → test cases) and schema/*.schema.json (the JSON Schemas of
.shipshape.yaml, profiles, cases.yaml and the exceptions file, for editors)
into a directory. The project's own docs/ copies are generated this way by
"make generate".`,
		Example: "  shipshape docs --dir docs\n  shipshape docs --library ./policies --dir policy-docs",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			library, err := lib.load(cmd.Context())
			if err != nil {
				return err
			}
			catalogue, err := requirements.Default()
			if err != nil {
				return err
			}
			profiles, err := profileControls(library)
			if err != nil {
				return err
			}
			files, err := docs.Generate(library, catalogue, profiles)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			if readme != "" {
				if err := updateCounts(library, readme); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "updated the counts in %s\n", readme)
			}
			names := make([]string, 0, len(files))
			for n := range files {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				p := filepath.Join(dir, filepath.FromSlash(n))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					return err
				}
				if err := os.WriteFile(p, files[n], 0o644); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "wrote %s\n", p)
			}
			return nil
		},
	}
	lib.register(cmd)
	cmd.Flags().StringVarP(&dir, "dir", "d", "docs", "write the documents into `DIR`")
	cmd.Flags().StringVar(&readme, "readme", "", "also rewrite the count marks (<!-- count:controls -->N<!-- /count -->) of `FILE`")
	return cmd
}

// profileControls resolves every built-in profile to its control IDs.
func profileControls(library *policy.Library) ([]docs.Profile, error) {
	schemas, profiles, err := loadProfiles()
	if err != nil {
		return nil, err
	}
	out := make([]docs.Profile, 0, len(profiles))
	for _, p := range profiles {
		sel, err := schemas.Select(library, p, nil)
		if err != nil {
			return nil, err
		}
		ids := make([]string, 0, len(sel.Bindings))
		for _, b := range sel.Bindings {
			ids = append(ids, b.Control.ID)
		}
		out = append(out, docs.Profile{Name: p.Name, Title: p.Title, Controls: ids})
	}
	return out, nil
}

// updateCounts rewrites the count marks of a file in place.
func updateCounts(library *policy.Library, file string) error {
	counts, err := docs.Counts(library)
	if err != nil {
		return err
	}
	text, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	out, err := docs.UpdateCounts(text, counts)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	return os.WriteFile(file, out, 0o644)
}
