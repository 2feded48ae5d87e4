package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/shipshape-dev/shipshape/engine/exceptions"
	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/engine/profile"
	"github.com/shipshape-dev/shipshape/engine/render"
	"github.com/shipshape-dev/shipshape/engine/report"
	"github.com/shipshape-dev/shipshape/engine/requirements"
	"github.com/shipshape-dev/shipshape/engine/scan"
)

func newScanCommand(e *env) *cobra.Command {
	var (
		lib        libraryFlags
		prof       profileFlags
		output     string
		outputFile string
		also       []string
		failOn     string
		verbose    bool
		noColor    bool
		workers    int
		limits     limitFlags
		cluster    string
		evidence   []string
		exceptFile string
		baseline   string
		allowEmpty bool
		changed    bool
		context    []string
		scope      string
		helm       render.HelmOptions
		renderOut  string
		tfVarFiles []string
		kube       string
	)
	cmd := &cobra.Command{
		Use:   "scan PATH...",
		Short: "Judge Kubernetes manifests against the library",
		Long: `Scan reads Kubernetes manifests from files, directories (recursively: .yaml,
.yml and .json, and Dockerfiles) and standard input ("-"), decodes them as kubectl does
(YAML 1.1 booleans, anchors and merge keys, List objects expanded), judges
every object with the controls of the chosen profile, and reports each
violation with the line of the offending field.

Documents that hold no Kubernetes object are listed as skipped. Every
namespace is judged, kube-system included: settings.systemNamespaces are
excluded from what is exported for admission (as Gatekeeper's
excludedNamespaces), and from scans only with settings.scanSystemNamespaces
false, when the report lists the objects excluded.

Cross-resource controls (default-deny NetworkPolicies, PodDisruptionBudgets,
ServiceAccounts, production namespaces) see every scanned object, as
Gatekeeper's synced data.inventory. Cluster-level controls (a runtime
detection agent, alert rules, backups, GitOps) judge the scanned objects as
a whole when they describe a cluster; their results have no file.

Directories with a Chart.yaml and packaged charts (.tgz) are rendered as
helm template renders them, with Helm's packages (--values, --set,
--namespace, --kube-version, --api-versions; vendored subcharts with their
conditions, tags and aliases), and directories with a kustomization.yaml are
built with kustomize's API, offline; findings name the template or source
file. ARM templates, az CLI JSON and Terraform plans (AKS clusters, registries,
diagnostic settings) and Dockerfiles are recognised by content and name and
judged too (docs/inputs.md). --evidence adds image scan reports, SBOMs and
signature verifications for the image controls.`,
		Example: `  shipshape scan deploy/
  shipshape scan --profile pss-baseline -o json k8s/ > report.json
  kubectl kustomize overlays/prod | shipshape scan -o github -
  shipshape scan --config ci/shipshape.yaml --fail-on critical .`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("fail-on") {
				if _, err := parseFailOn(failOn); err != nil {
					return fmt.Errorf("--fail-on: %w", err)
				}
			}
			if cmd.Flags().Changed("kube-version") {
				if !kubeVersionPattern.MatchString(kube) {
					return fmt.Errorf("--kube-version: %q is not a Kubernetes release (want 1.MINOR or 1.MINOR.PATCH, e.g. 1.31)", kube)
				}
				prof.settings = map[string]any{"kubernetesVersion": kube}
			}
			mode, err := clusterMode(cmd, scope, cluster)
			if err != nil {
				return err
			}
			if !isFormat(output) {
				return fmt.Errorf("--output: unknown format %q (want %s)", output, strings.Join(report.Formats(), ", "))
			}
			extra, err := parseExtraReports(also)
			if err != nil {
				return err
			}
			paths := args
			if changed {
				if paths = changedOwners(args); len(paths) == 0 {
					fmt.Fprintln(e.stderr, "shipshape: --changed: none of the changed files exists any more; nothing to judge")
					return nil
				}
			}
			scanOpts := scan.Options{
				Helm:              helm,
				RenderOut:         renderOut,
				TerraformVarFiles: tfVarFiles,
				Progress:          progressBar(e.stderr),
				Paths:             paths,
				Stdin:             e.stdin,
				Workers:           workers,
				ClusterChecks:     mode,
				Evidence:          evidence,
				AllowEmpty:        allowEmpty || changed,
				Context:           context,
			}
			limits.apply(&scanOpts)
			r, sel, err := runScan(cmd.Context(), lib, prof, exceptFile, scanOpts)
			if err != nil {
				return err
			}
			defer r.Close()
			if !cmd.Flags().Changed("fail-on") {
				failOn = sel.FailOn // the config's, else the profile's
			}
			threshold, err := parseFailOn(failOn)
			if err != nil {
				return fmt.Errorf("fail threshold: %w", err)
			}
			if baseline != "" {
				known, err := report.ReadFingerprints(baseline)
				if err != nil {
					return fmt.Errorf("--baseline: %w", err)
				}
				if err := r.ApplyBaseline(known); err != nil {
					return err
				}
			}
			var w io.Writer = e.stdout
			if outputFile != "" {
				f, err := os.Create(outputFile)
				if err != nil {
					return err
				}
				defer f.Close()
				w = f
			}
			opts := report.Options{Color: !noColor && outputFile == "" && colorEnabled(e.stdout), Verbose: verbose, Version: versionString(), Errors: e.stderr}
			if err := report.Write(w, r, output, opts); err != nil {
				return err
			}
			for _, x := range extra {
				if err := writeReportFile(x.file, r, x.format, report.Options{Verbose: verbose, Version: versionString(), Errors: e.stderr}); err != nil {
					return err
				}
			}
			if code := r.ExitCode(threshold); code != 0 {
				return exitError{code: code}
			}
			return nil
		},
	}
	lib.register(cmd)
	lib.registerEvaluator(cmd)
	prof.register(cmd)
	limits.register(cmd)
	f := cmd.Flags()
	f.StringVarP(&output, "output", "o", "text", "report `FORMAT`: "+strings.Join(report.Formats(), ", "))
	f.StringVar(&outputFile, "output-file", "", "write the report to `FILE` instead of standard output")
	f.StringArrayVar(&also, "report", nil, "also write a `FORMAT=FILE` report from the same scan (e.g. sarif=shipshape.sarif with -o github); repeatable")
	f.StringVar(&failOn, "fail-on", profile.DefaultFailOn, "exit 1 on a violation at or above `SEVERITY` (critical, high, medium, low, or none); default: the config's failOn, else the profile's (low for the pss-* profiles), else high")
	f.BoolVar(&changed, "changed", false, "the PATHS are changed files (pre-commit, git diff --name-only): judge each within the chart or kustomization that renders it, from the current directory down, and accept files that hold no manifest (--allow-empty)")
	f.StringArrayVar(&context, "context", nil, "read the objects under `PATH` into the inventory that cross-resource controls see (NetworkPolicies, PodDisruptionBudgets, ServiceAccounts), without judging them: the rest of the repository when --changed judges a few files; repeatable")
	f.BoolVar(&allowEmpty, "allow-empty", false, "accept input that holds no object to judge (by default an empty file, empty standard input or a directory of non-manifests is an input error, exit 2)")
	f.BoolVarP(&verbose, "verbose", "v", false, "list skipped documents, objects no control judged, paths not read and objects excluded by namespace")
	f.BoolVar(&noColor, "no-color", false, "never colour the text report (NO_COLOR is honoured too)")
	f.IntVar(&workers, "workers", 0, "parallel workers (default: one per CPU)")
	f.StringArrayVarP(&helm.ValuesFiles, "values", "f", nil, "Helm charts among the paths: merge the values in `FILE`; repeatable")
	f.StringArrayVar(&helm.Set, "set", nil, "Helm charts among the paths: set `KEY=VALUE` as helm --set does; repeatable")
	f.StringVar(&helm.Release, "release", "release", "Helm charts among the paths: the release `NAME`")
	f.StringVarP(&helm.Namespace, "namespace", "n", "default", "Helm charts among the paths: the release `NAMESPACE` (.Release.Namespace)")
	f.StringVar(&kube, "kube-version", "", "the Kubernetes release the input targets (`VERSION`, e.g. 1.31): Helm's .Capabilities.KubeVersion, the check of a chart's kubeVersion, and the removed-API control's target; default: the config's kubernetesVersion setting, else the newest release shipshape supports")
	f.StringSliceVarP(&helm.APIVersions, "api-versions", "a", nil, "Helm charts among the paths: add `GROUP/VERSION[/KIND]` to .Capabilities.APIVersions, as helm template --api-versions does; repeatable or comma-separated")
	f.StringArrayVar(&tfVarFiles, "tf-var-file", nil, "Terraform modules among the paths: read the variables in `FILE` after the module's terraform.tfvars and *.auto.tfvars, as terraform -var-file does; repeatable")
	f.StringVar(&renderOut, "render-out", "", "write the manifests rendered from charts and kustomizations under `DIR`, at their source files' paths, to read what was judged (a finding's rendered line counts in these files)")
	f.StringVar(&baseline, "baseline", "",
		"fail only on findings that the JSON report in `FILE` (from an earlier scan -o json) does not have; matched by fingerprint, not line")
	f.StringVar(&exceptFile, "exceptions", "",
		"accept the findings the exceptions in `FILE` cover (default: "+exceptions.DefaultFile+" when present); they are listed as exempted")
	f.StringArrayVar(&evidence, "evidence", nil,
		"add image evidence from `PATH` (file or directory): Trivy JSON reports, CycloneDX or SPDX JSON SBOMs, cosign verify JSON, notation verify output; repeatable")
	registerScope(cmd, &scope, &cluster)
	return cmd
}

// registerScope adds --scope and the deprecated --cluster-checks.
func registerScope(cmd *cobra.Command, scope, cluster *string) {
	f := cmd.Flags()
	f.StringVar(scope, "scope", scan.ScopeManifests,
		"what the input stands for: `manifests` (default; every object is judged) or cluster (a whole cluster: an export or a GitOps repository root, so the cluster-level controls — runtime agent, alert rules, backups, GitOps — judge the scanned objects as a whole); default: the config's scope")
	f.StringVar(cluster, "cluster-checks", "", "deprecated: use --scope (always is --scope cluster, never is --scope manifests; auto runs them when the scan holds a cluster-scoped object)")
}

// clusterMode resolves when cluster-level controls run from --cluster-checks
// (deprecated) or --scope; "" when neither is given, so the config's scope
// decides (runScan).
func clusterMode(cmd *cobra.Command, scope, cluster string) (scan.ClusterMode, error) {
	if cmd.Flags().Changed("cluster-checks") {
		// On stderr, so a report on stdout stays parseable.
		fmt.Fprintln(cmd.ErrOrStderr(), "shipshape: --cluster-checks is deprecated; use --scope cluster (always) or --scope manifests (never)")
		mode := scan.ClusterMode(cluster)
		if mode != scan.ClusterAuto && mode != scan.ClusterAlways && mode != scan.ClusterNever {
			return "", fmt.Errorf("--cluster-checks: want auto, always or never, not %q", cluster)
		}
		return mode, nil
	}
	if !cmd.Flags().Changed("scope") {
		return "", nil
	}
	mode, err := scan.ModeOfScope(scope)
	if err != nil {
		return "", fmt.Errorf("--scope: %w", err)
	}
	return mode, nil
}

// runScan loads the library, the selection and the exceptions, and scans
// with opts (its Profile and Exceptions filled in).
func runScan(ctx context.Context, lib libraryFlags, prof profileFlags, exceptFile string, opts scan.Options) (*report.Report, *profile.Selection, error) {
	chosen, err := prof.resolve()
	if err != nil {
		return nil, nil, err
	}
	// Only the profile's built-in controls are loaded: the rest would never
	// run. With the embedded plan the library is not compiled at all.
	prog, facts, err := lib.program()
	if err != nil {
		return nil, nil, err
	}
	library, err := lib.loadKeeping(ctx, chosen.keeps, facts)
	if err != nil {
		return nil, nil, err
	}
	opts.Program = prog
	sel, err := chosen.selection(library)
	if err != nil {
		return nil, nil, err
	}
	if opts.Exceptions, err = loadExceptions(exceptFile, library, sel); err != nil {
		return nil, nil, err
	}
	opts.Profile = sel.Profile.Name
	opts.Helm.KubeVersion = sel.KubernetesVersion()
	if opts.ClusterChecks == "" {
		if opts.ClusterChecks, err = scan.ModeOfScope(sel.Scope); err != nil {
			return nil, nil, fmt.Errorf("config: %w", err)
		}
	}
	r, err := scan.Run(ctx, library, sel.ScanBindings(), opts)
	return r, sel, err
}

// kubeVersionPattern matches what --kube-version takes (the
// kubernetesVersion setting's pattern).
var kubeVersionPattern = regexp.MustCompile(`^v?1\.[0-9]+(\.[0-9]+)?$`)

// parseFailOn reads a fail threshold: a severity, or none ("" severity:
// never fail).
func parseFailOn(s string) (policy.Severity, error) {
	if strings.EqualFold(s, "none") {
		return "", nil
	}
	sev, err := policy.ParseSeverity(s)
	if err != nil {
		return "", fmt.Errorf("%w (or none)", err)
	}
	return sev, nil
}

// progressBar returns a progress reporter for long scans when stderr is a
// terminal and the scan does not run in CI; nil otherwise.
func progressBar(w io.Writer) func(done, total int) {
	if os.Getenv("CI") != "" || !isTerminal(w) {
		return nil
	}
	var mu sync.Mutex
	start := time.Now()
	return func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		if total < 50 || time.Since(start) < 500*time.Millisecond && done < total {
			return
		}
		const width = 30
		filled := width * done / total
		fmt.Fprintf(w, "\r[%s%s] %d/%d files", strings.Repeat("#", filled), strings.Repeat(".", width-filled), done, total)
		if done == total {
			fmt.Fprint(w, "\r\033[K")
		}
	}
}

// loadExceptions reads the exceptions file (the default one when present)
// and applies the allowInlineExceptions setting.
func loadExceptions(file string, lib *policy.Library, sel *profile.Selection) (*exceptions.Set, error) {
	set := exceptions.Empty()
	if file == "" {
		if _, err := os.Stat(exceptions.DefaultFile); err == nil {
			file = exceptions.DefaultFile
		}
	}
	if file != "" {
		catalogue, err := requirements.Default()
		if err != nil {
			return nil, err
		}
		known := func(id string) bool { _, ok := catalogue.Get(id); return ok }
		if set, err = exceptions.Load(file, lib, known); err != nil {
			return nil, err
		}
	}
	allow, _ := sel.Settings["allowInlineExceptions"].(bool)
	return set.WithInline(allow), nil
}

// changedOwners maps changed files to what renders them (render.Owner),
// each once, in order; files that no longer exist are dropped.
func changedOwners(files []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range files {
		if _, err := os.Stat(f); err != nil {
			continue
		}
		owner := render.Owner(f, ".")
		if !seen[owner] {
			seen[owner] = true
			out = append(out, owner)
		}
	}
	return out
}

// extraReport is a --report FORMAT=FILE.
type extraReport struct{ format, file string }

func parseExtraReports(specs []string) ([]extraReport, error) {
	var out []extraReport
	for _, s := range specs {
		format, file, ok := strings.Cut(s, "=")
		if !ok || file == "" || !isFormat(format) {
			return nil, fmt.Errorf("--report %q: want FORMAT=FILE with FORMAT one of %s", s, strings.Join(report.Formats(), ", "))
		}
		out = append(out, extraReport{format, file})
	}
	return out, nil
}

// writeReportFile writes one more report of the scan to file.
func writeReportFile(file string, r *report.Report, format string, opts report.Options) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return fmt.Errorf("--report: %w", err)
	}
	f, err := os.Create(file)
	if err != nil {
		return fmt.Errorf("--report: %w", err)
	}
	if err := report.Write(f, r, format, opts); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func isFormat(f string) bool {
	for _, known := range report.Formats() {
		if f == known {
			return true
		}
	}
	return false
}
