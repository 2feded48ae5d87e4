package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/shipshape-dev/shipshape/bundles"
	"github.com/shipshape-dev/shipshape/bundles/plan"
	"github.com/shipshape-dev/shipshape/engine/ireval"
	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/engine/profile"
	"github.com/shipshape-dev/shipshape/library"
)

// env is what commands share: the process's streams.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// libraryFlags are the flags that choose the Rego library and how it is
// evaluated.
type libraryFlags struct {
	dirs      []string
	evaluator string
}

// Evaluators: the library's embedded plan run by engine/ireval, or OPA's
// topdown evaluator. Verdicts are the same (a differential test holds them
// to it); the plan is faster.
const (
	evaluatorPlanned = "planned"
	evaluatorTopdown = "topdown"
)

// registerEvaluator adds --evaluator, for the commands that judge objects.
func (f *libraryFlags) registerEvaluator(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.evaluator, "evaluator", evaluatorPlanned,
		"evaluate with the built-in library's plan (`planned`, the default when the binary embeds one) or with OPA's evaluator (topdown); verdicts are the same")
}

// program returns the embedded plan of the built-in library and the facts
// it records (so loading the library need not compile it); nil when
// topdown is asked for, user libraries are added (the plan has none of
// their controls), the binary embeds no plan, or the plan was made from
// other sources than the binary's library (a build without `make build`):
// then OPA's evaluator judges, with the same verdicts.
func (f *libraryFlags) program() (*ireval.Program, *policy.Facts, error) {
	switch f.evaluator {
	case evaluatorTopdown:
		return nil, nil, nil
	case evaluatorPlanned, "":
	default:
		return nil, nil, fmt.Errorf("--evaluator: unknown evaluator %q (want %s or %s)", f.evaluator, evaluatorPlanned, evaluatorTopdown)
	}
	data := plan.Library()
	if data == nil || len(f.dirs) > 0 {
		return nil, nil, nil
	}
	digest, err := library.Digest()
	if err != nil {
		return nil, nil, err
	}
	prog, h, err := ireval.Load(data, digest)
	if errors.Is(err, ireval.ErrStale) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	return prog, &h.Facts, nil
}

func (f *libraryFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&f.dirs, "library", nil,
		"add the controls under `DIR` (folders with policy.rego and cases.yaml) to the built-in library; repeatable")
}

// load compiles the built-in library plus the user's directories.
func (f *libraryFlags) load(ctx context.Context, extra ...string) (*policy.Library, error) {
	return f.loadKeeping(ctx, nil, nil, extra...)
}

// loadKeeping is load compiling only the built-in controls keep chooses,
// and with the built-in library's facts (nil: unknown) not compiling it
// unless OPA's evaluator is needed.
func (f *libraryFlags) loadKeeping(ctx context.Context, keep func(id string) bool, facts *policy.Facts, extra ...string) (*policy.Library, error) {
	sources, err := f.userSources(extra...)
	if err != nil {
		return nil, err
	}
	return library.LoadPrepared(ctx, keep, facts, sources...)
}

// userSources are the user's library directories (--library and extra).
func (f *libraryFlags) userSources(extra ...string) ([]policy.Source, error) {
	var sources []policy.Source
	for _, dir := range append(append([]string{}, f.dirs...), extra...) {
		info, err := os.Stat(dir)
		if err != nil {
			return nil, fmt.Errorf("--library %s: %w", dir, err)
		}
		if !info.IsDir() {
			return nil, fmt.Errorf("--library %s: not a directory", dir)
		}
		sources = append(sources, policy.Source{Name: dir, FS: os.DirFS(dir)})
	}
	return sources, nil
}

// profileFlags are the flags that choose what to enforce.
type profileFlags struct {
	profile string
	config  string
	// settings override the config's (flags such as --kube-version).
	settings map[string]any
}

func (f *profileFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.profile, "profile", "",
		"enforce the profile `NAME` from bundles/ (default: the config file's profile, else \"all\")")
	cmd.Flags().StringVar(&f.config, "config", "",
		"read profile and settings from `FILE` (default: "+profile.DefaultConfigFile+" when present)")
}

// deprecatedProfileAlias keeps --bundle, the old spelling of --profile on
// the commands that write OPA bundles and exports, working for a release:
// "bundle" names the OPA bundle (a .tar.gz), "profile" the controls and
// settings it is built from. The notice goes to stderr (cobra's own
// deprecation notice would go to stdout, into a piped bundle or export).
func deprecatedProfileAlias(e *env, cmd *cobra.Command, profile *string) {
	cmd.Flags().StringVar(profile, "bundle", "", "the profile `NAME` (deprecated spelling of --profile)")
	_ = cmd.Flags().MarkHidden("bundle")
	next := cmd.PreRunE
	cmd.PreRunE = func(c *cobra.Command, args []string) error {
		if c.Flags().Changed("bundle") {
			fmt.Fprintln(e.stderr, "shipshape: --bundle is deprecated: use --profile (--bundle will be removed in the next release)")
		}
		if next != nil {
			return next(c, args)
		}
		return nil
	}
}

// loadProfiles compiles the schemas and reads the built-in profiles.
func loadProfiles() (*profile.Schemas, map[string]*profile.Profile, error) {
	schemas, err := profile.NewSchemas()
	if err != nil {
		return nil, nil, err
	}
	profiles, err := schemas.LoadProfiles(bundles.FS, "bundles")
	if err != nil {
		return nil, nil, err
	}
	return schemas, profiles, nil
}

// selection resolves the profile and configuration against the library.
func (f *profileFlags) selection(lib *policy.Library) (*profile.Selection, error) {
	r, err := f.resolve()
	if err != nil {
		return nil, err
	}
	return r.selection(lib)
}

// selections resolves a comma-separated list of profiles (export writes
// several over one set of files); each name once.
func (f *profileFlags) selections(lib *policy.Library) ([]*profile.Selection, error) {
	if !strings.Contains(f.profile, ",") {
		sel, err := f.selection(lib)
		if err != nil {
			return nil, err
		}
		return []*profile.Selection{sel}, nil
	}
	var (
		out  []*profile.Selection
		seen = map[string]bool{}
	)
	for _, name := range strings.Split(f.profile, ",") {
		name = strings.TrimSpace(name)
		if name == "" || seen[name] {
			return nil, fmt.Errorf("--profile %q: name each profile once, separated by commas", f.profile)
		}
		seen[name] = true
		one := *f
		one.profile = name
		sel, err := one.selection(lib)
		if err != nil {
			return nil, err
		}
		out = append(out, sel)
	}
	return out, nil
}

// resolved is the profile and configuration the flags name, before they
// meet a library.
type resolved struct {
	schemas *profile.Schemas
	profile *profile.Profile
	config  *profile.Config
}

// selection resolves them against the library.
func (r *resolved) selection(lib *policy.Library) (*profile.Selection, error) {
	return r.schemas.Select(lib, r.profile, r.config)
}

// keeps reports whether the profile selects the built-in control id: a
// scan compiles only those (user libraries are always whole).
func (r *resolved) keeps(id string) bool { return r.profile.Selects(id) }

// resolve reads the profiles and the configuration and picks the profile.
func (f *profileFlags) resolve() (*resolved, error) {
	schemas, profiles, err := loadProfiles()
	if err != nil {
		return nil, err
	}
	var cfg *profile.Config
	switch {
	case f.config != "":
		if cfg, err = schemas.LoadConfig(f.config); err != nil {
			return nil, err
		}
	default:
		if _, statErr := os.Stat(profile.DefaultConfigFile); statErr == nil {
			if cfg, err = schemas.LoadConfig(profile.DefaultConfigFile); err != nil {
				return nil, err
			}
		}
	}
	name := f.profile
	if name == "" && cfg != nil {
		name = cfg.Profile
	}
	if name == "" {
		name = profile.DefaultName
	}
	p, ok := profiles[name]
	if !ok {
		return nil, fmt.Errorf("unknown profile %q (available: %s)", name, profileNames(profiles))
	}
	if len(f.settings) > 0 {
		merged := profile.Config{Settings: map[string]any{}}
		if cfg != nil {
			merged = *cfg
			merged.Settings = maps.Clone(cfg.Settings)
			if merged.Settings == nil {
				merged.Settings = map[string]any{}
			}
		}
		maps.Copy(merged.Settings, f.settings)
		cfg = &merged
	}
	return &resolved{schemas: schemas, profile: p, config: cfg}, nil
}

func profileNames(profiles map[string]*profile.Profile) string {
	return strings.Join(slices.Sorted(maps.Keys(profiles)), ", ")
}

// writeJSON writes v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// colorEnabled reports whether w is a terminal and NO_COLOR is unset.
func colorEnabled(w io.Writer) bool {
	return os.Getenv("NO_COLOR") == "" && isTerminal(w)
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func newRootCommand(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "shipshape",
		Short: "Policy-as-code for container and Kubernetes security",
		Long: `shipshape judges Kubernetes manifests against a curated Rego library that
encodes container-security requirements (Pod Security Standards, CIS,
MCSB), offline and in CI. The same library is what Gatekeeper, the Azure
Policy add-on and OPA sidecars enforce, so every enforcement point gives the
same verdict.

Exit codes: 0 no violation at or above --fail-on, 1 violations or failed
tests, 2 usage or input errors.`,
		Example: `  # Scan a directory with every control and print a report
  shipshape scan deploy/

  # Gate a pull request on the Restricted Pod Security Standard
  shipshape scan --profile pss-restricted --fail-on high -o sarif k8s/ > shipshape.sarif

  # Run the library's table-driven tests, plus your own controls
  shipshape test --library ./policies`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.CompletionOptions.HiddenDefaultCmd = true
	root.AddCommand(newScanCommand(e), newFixCommand(e), newTestCommand(e), newControlsCommand(e), newExportCommand(e), newBundleCommand(e), newDiffCommand(e), newReportCommand(e), newInitCommand(e), newNewCommand(e), newDocsCommand(e), newVersionCommand(e))
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return fmt.Errorf("%w\nRun '%s --help' for usage", err, cmd.CommandPath())
	})
	return root
}
