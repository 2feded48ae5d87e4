// Package realworld scans fixtures shaped like what real repositories hold
// (manifests from before Kubernetes 1.16, a kustomize base with an overlay
// and an unreferenced component, a Helm chart with a subchart, CRDs and
// cluster roles, NetworkPolicies, unrendered templates) through the real
// binary, and asserts the exact findings, lines, field paths and exit codes
// a user sees. Each test names the silent pass, the noise or the wrong line
// it rules out.
package realworld

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/tests/internal/testbin"
)

var binary string

func TestMain(m *testing.M) { testbin.Main(m, &binary) }

// finding is what a test asserts of a result.
type finding struct {
	Control, File string
	Line          int
	Field         string
}

type report struct {
	Results []struct {
		Control      string `json:"control"`
		Severity     string `json:"severity"`
		File         string `json:"file"`
		Line         int    `json:"line"`
		Field        string `json:"field"`
		Kind         string `json:"kind"`
		Name         string `json:"name"`
		Message      string `json:"message"`
		RenderedLine bool   `json:"rendered_line"`
		Affected     []struct {
			Name string `json:"name"`
		} `json:"affected"`
	} `json:"results"`
	Summary struct {
		Objects     int  `json:"objects"`
		Files       int  `json:"files"`
		SourceFiles int  `json:"source_files"`
		Violations  int  `json:"violations"`
		NotJudged   int  `json:"not_judged"`
		Ignored     int  `json:"ignored"`
		New         *int `json:"new"`
	} `json:"summary"`
	NotJudged []struct {
		Kind   string `json:"kind"`
		Reason string `json:"reason"`
	} `json:"not_judged"`
	NotEvaluated []struct {
		Control string `json:"control"`
		Reason  string `json:"reason"`
	} `json:"not_evaluated"`
	Ignored []struct {
		Path string `json:"path"`
	} `json:"ignored"`
	Errors []struct {
		Message string `json:"message"`
		Line    int    `json:"line"`
	} `json:"errors"`
}

// run runs shipshape in the repository root and returns stdout, stderr and
// the exit code.
func run(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = testbin.RepoRoot()
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	code := 0
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return stdout.String(), stderr.String(), code
}

// scanJSON scans with -o json and decodes the report.
func scanJSON(t *testing.T, args ...string) (report, int) {
	t.Helper()
	out, stderr, code := run(t, "", append([]string{"scan", "-o", "json"}, args...)...)
	var r report
	require.NoError(t, json.Unmarshal([]byte(out), &r), "stdout: %s\nstderr: %s", out, stderr)
	return r, code
}

func findings(r report, controls ...string) []finding {
	var out []finding
	for _, res := range r.Results {
		for _, c := range controls {
			if res.Control == c {
				out = append(out, finding{res.Control, res.File, res.Line, res.Field})
			}
		}
	}
	return out
}

const testdata = "tests/realworld/testdata/"

// TestOldAPIVersionsAreJudged: an extensions/v1beta1 DaemonSet, an
// apps/v1beta1 Deployment and a batch/v1beta1 CronJob were passed as
// "No violations" by a Pod Security gate; they are judged by their shape,
// and the removed versions are named with their release.
func TestOldAPIVersionsAreJudged(t *testing.T) {
	file := testdata + "old-apis.yaml"
	r, code := scanJSON(t, "--profile", "pss-baseline", file)
	assert.Equal(t, 1, code)
	assert.Equal(t, []finding{
		{"SS-PSS-003", file, 16, "spec.template.spec.containers[0].securityContext.privileged"},
		{"SS-PSS-002", file, 26, "spec.template.spec.hostPID"},
		{"SS-PSS-004", file, 48, "spec.jobTemplate.spec.template.spec.containers[0].securityContext.capabilities.add[0]"},
	}, findings(r, "SS-PSS-002", "SS-PSS-003", "SS-PSS-004"))
	assert.Zero(t, r.Summary.NotJudged)

	r, _ = scanJSON(t, file)
	assert.Equal(t, []finding{
		{"SS-K8S-002", file, 2, "apiVersion"},
		{"SS-K8S-002", file, 18, "apiVersion"},
		{"SS-K8S-002", file, 31, "apiVersion"},
	}, findings(r, "SS-K8S-002"))
	assert.Contains(t, findingMessage(r, "SS-K8S-002", 2), "DaemonSet \"log-agent\" uses extensions/v1beta1, which Kubernetes 1.16 removed")
}

func findingMessage(r report, control string, line int) string {
	for _, res := range r.Results {
		if res.Control == control && res.Line == line {
			return res.Message
		}
	}
	return ""
}

// TestPodSecurityProfilesFailOnAnyViolation: a restricted-level gate exited
// 0 on medium findings because --fail-on defaulted to high.
func TestPodSecurityProfilesFailOnAnyViolation(t *testing.T) {
	file := testdata + "netpol.yaml"
	_, _, code := run(t, "", "scan", "--profile", "pss-restricted", file)
	assert.Equal(t, 1, code, "pss-restricted fails on any violation of the level")
	_, _, code = run(t, "", "scan", "--profile", "pss-restricted", "--fail-on", "critical", file)
	assert.Equal(t, 0, code, "--fail-on overrides the profile's threshold")
}

// TestEmptyInputFails: an empty pipe from a failed kustomize passed CI.
func TestEmptyInputFails(t *testing.T) {
	out, stderr, code := run(t, "", "scan", "-")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "<stdin>: no Kubernetes object")
	assert.NotContains(t, out, "No violations", "the summary must not contradict the error")
	assert.Contains(t, out, "Incomplete: 1 error(s)")
	_, _, code = run(t, "", "scan", "--allow-empty", "-")
	assert.Equal(t, 0, code)
	_, _, code = run(t, "# nothing but a comment\n---\n", "scan", "-")
	assert.Equal(t, 2, code, "documents without objects are empty input too")
}

// TestKustomizeLinesAreSourceLines: findings named the base file but
// carried the line of the rendered output.
func TestKustomizeLinesAreSourceLines(t *testing.T) {
	dir := testdata + "shop"
	r, code := scanJSON(t, "--config", "examples/shipshape.yaml", "--scope", "manifests", dir)
	assert.Equal(t, 1, code)
	ad := dir + "/base/adservice.yaml"
	assert.Contains(t, findings(r, "SS-IMG-004"), finding{"SS-IMG-004", ad, 33, "spec.template.spec.containers[0].image"},
		"the image line of the base file, though the overlay renamed and re-namespaced the Deployment")
	assert.Equal(t, []finding{{"SS-PSS-003", dir + "/overlays/prod/cart-privileged.yaml", 11, "spec.template.spec.containers[0].securityContext.privileged"}},
		findings(r, "SS-PSS-003"), "the overlay's patch set privileged: the finding names the patch and its line")
	var rendered int
	for _, res := range r.Results {
		if res.RenderedLine {
			rendered++
			assert.Contains(t, []string{"SS-NET-001", "SS-HA-005"}, res.Control, "only facts about the namespace, set by the overlay's namespace: field, have no source line")
			assert.Equal(t, "", res.Field, "a namespace fact")
		}
	}
	assert.Equal(t, 4, rendered, "no default-deny policy for ingress and egress, no quota and no limits")
	assert.Equal(t, 1, r.Summary.Files, "one kustomization")
	assert.Equal(t, 2, r.Summary.SourceFiles, "two base files hold its objects")
	require.Len(t, r.Ignored, 1, "the unreferenced component is listed, not silently skipped")
	assert.Equal(t, dir+"/components/", r.Ignored[0].Path)
}

// TestHelmTemplateLines: a subchart's template fields are located on the
// template line that holds them, and values flow to the subchart.
func TestHelmTemplateLines(t *testing.T) {
	dir := testdata + "monitoring"
	r, code := scanJSON(t, "--profile", "pss-baseline", dir)
	assert.Equal(t, 1, code)
	ds := dir + "/charts/exporter/templates/daemonset.yaml"
	assert.Equal(t, []finding{
		{"SS-PSS-002", ds, 14, "spec.template.spec.hostNetwork"},
		{"SS-PSS-002", ds, 15, "spec.template.spec.hostPID"},
	}, findings(r, "SS-PSS-002"))
	assert.Equal(t, 1, r.Summary.Files)
	assert.Equal(t, 3, r.Summary.SourceFiles)
	assert.Equal(t, []finding{{"SS-PSS-003", dir + "/values.yaml", 6, "spec.template.spec.containers[0].securityContext.privileged"}},
		findings(r, "SS-PSS-003"), "a field the template copies from the values with toYaml is found in values.yaml")

	override := filepath.Join(t.TempDir(), "values-prod.yaml")
	require.NoError(t, os.WriteFile(override, []byte("# production\nserver:\n  securityContext:\n    privileged: true\n"), 0o644))
	r, _ = scanJSON(t, "--profile", "pss-baseline", "-f", override, dir)
	assert.Equal(t, []finding{{"SS-PSS-003", override, 4, "spec.template.spec.containers[0].securityContext.privileged"}},
		findings(r, "SS-PSS-003"), "the user's values file comes before the chart's")
}

// TestCRDsAndClusterRolesAreNotClusterScans: one CRD file drew seven
// cluster-wide findings (no runtime agent, no alert rules...).
func TestCRDsAndClusterRolesAreNotClusterScans(t *testing.T) {
	r, code := scanJSON(t, testdata+"crds.yaml")
	assert.Equal(t, 0, code)
	assert.Empty(t, r.Results)
	assert.ElementsMatch(t, []string{"SS-OPS-001", "SS-OPS-002", "SS-OPS-003", "SS-OPS-004", "SS-IAM-022"}, notEvaluated(r),
		"the report says the cluster-level controls, and the control that judges updates, did not run")

	r, _ = scanJSON(t, "--scope", "cluster", testdata+"crds.yaml")
	assert.NotEmpty(t, findings(r, "SS-OPS-001"), "the user says the input is a whole cluster")
	assert.Equal(t, []string{"SS-IAM-022"}, notEvaluated(r), "a scan never sees an update")
	assert.Contains(t, r.NotEvaluated[0].Reason, "only admission sees")
}

func notEvaluated(r report) []string {
	var ids []string
	for _, n := range r.NotEvaluated {
		ids = append(ids, n.Control)
	}
	return ids
}

// TestUnknownKindsAreListedAsNotJudged: an object no control of the profile
// judges is counted and listed, never silently passed.
func TestUnknownKindsAreListedAsNotJudged(t *testing.T) {
	r, _ := scanJSON(t, "--profile", "pss-baseline", testdata+"crds.yaml")
	assert.Equal(t, 2, r.Summary.NotJudged)
	require.Len(t, r.NotJudged, 2)
	assert.Equal(t, "no control of the profile judges apiextensions.k8s.io/CustomResourceDefinition", r.NotJudged[0].Reason)
	out, _, _ := run(t, "", "scan", "-v", "--profile", "pss-baseline", testdata+"crds.yaml")
	assert.Contains(t, out, "ClusterRole backup-operator: no control of the profile judges rbac.authorization.k8s.io/ClusterRole")
}

// TestNamespaceFactsOnceAndNetworkPolicyLines: one namespace without a
// default-deny policy gave two findings per workload, and NetworkPolicy
// findings pointed at apiVersion with a field path missing spec.
func TestNamespaceFactsOnceAndNetworkPolicyLines(t *testing.T) {
	file := testdata + "netpol.yaml"
	r, _ := scanJSON(t, file)
	var facts int
	for _, res := range r.Results {
		if res.Control == "SS-NET-001" {
			facts++
			assert.Equal(t, "Namespace", res.Kind)
			assert.Equal(t, "web", res.Name)
			assert.Len(t, res.Affected, 3, "the finding names the three workloads it affects")
			assert.Contains(t, res.Message, `it affects 3 object(s): Deployment "frontend", Deployment "checkout", Deployment "search"`)
		}
	}
	assert.Equal(t, 2, facts, "once per direction, not twice per workload")
	assert.Equal(t, []finding{
		{"SS-NET-002", file, 50, "spec.ingress[0]"},
		{"SS-NET-002", file, 53, "spec.egress[0]"},
	}, findings(r, "SS-NET-002"))
	assert.Contains(t, findingMessage(r, "SS-NET-002", 50), "allows every peer on port(s) 9090/TCP")
}

// TestOneProblemOneEntry: one hostPath volume was printed three times.
func TestOneProblemOneEntry(t *testing.T) {
	pod := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: x, volumeMounts: [{name: v, mountPath: /x}]}]\n  volumes:\n    - name: v\n      hostPath: {path: /var/run}\n"
	out, _, _ := run(t, pod, "scan", "-")
	assert.Equal(t, 1, strings.Count(out, "hostPath volume"), out)
	assert.Contains(t, out, "also SS-PSS-005 (high: HostPath volumes are forbidden); SS-PSS-101 (medium: Only restricted volume types are used)")
	r := struct {
		Results []struct{ Control string } `json:"results"`
	}{}
	js, _, _ := run(t, pod, "scan", "-o", "json", "-")
	require.NoError(t, json.Unmarshal([]byte(js), &r))
	var ids []string
	for _, res := range r.Results {
		if strings.HasPrefix(res.Control, "SS-PSS-10") || res.Control == "SS-POD-003" || res.Control == "SS-PSS-005" {
			ids = append(ids, res.Control)
		}
	}
	assert.Subset(t, ids, []string{"SS-POD-003", "SS-PSS-005", "SS-PSS-101"}, "JSON keeps every control's verdict")
}

// TestBaselineSeesNewFindingsOnOneField: exec and attach grants added to a
// Role already in the baseline were called old.
func TestBaselineSeesNewFindingsOnOneField(t *testing.T) {
	dir := t.TempDir()
	role := func(resources string) string {
		return "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: ops, namespace: shop}\nrules:\n  - apiGroups: [\"\"]\n    resources: [" + resources + "]\n    verbs: [get, create]\n"
	}
	before, after := filepath.Join(dir, "before.yaml"), filepath.Join(dir, "after.yaml")
	require.NoError(t, os.WriteFile(before, []byte(role("pods/exec")), 0o644))
	require.NoError(t, os.WriteFile(after, []byte(role("pods/exec, pods/attach")), 0o644))
	baseline, _, _ := run(t, "", "scan", "-o", "json", "--profile", "all", before)
	base := filepath.Join(dir, "base.json")
	require.NoError(t, os.WriteFile(base, []byte(baseline), 0o644))

	r, code := scanJSON(t, "--baseline", base, after)
	require.NotNil(t, r.Summary.New)
	assert.Positive(t, *r.Summary.New, "the attach grants are new")
	assert.Equal(t, 1, code)
	current := filepath.Join(dir, "current.json")
	out, _, _ := run(t, "", "scan", "-o", "json", after)
	require.NoError(t, os.WriteFile(current, []byte(out), 0o644))
	diff, _, code := run(t, "", "diff", base, current)
	assert.Equal(t, 1, code)
	assert.NotContains(t, diff, "0 new", diff)

	_, _, code = run(t, "", "scan", "--baseline", base, before)
	assert.Equal(t, 0, code, "the same findings again are not new")
}

// TestUnrenderedTemplateIsNamed: a file with {{placeholders}} failed with a
// Go-internal message on line 1.
func TestUnrenderedTemplateIsNamed(t *testing.T) {
	out, stderr, code := run(t, "", "scan", testdata+"placeholder.yaml")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, testdata+`placeholder.yaml:8: document 0: the file looks like an unrendered template: "{{region}}" is a template placeholder`)
	assert.NotContains(t, stderr, "map[interface")
	assert.NotContains(t, out, "error(s):", "errors go to stderr in text output")
}

// TestEvidenceOfImageTarballs: Trivy reports and SBOMs of tarballs named a
// file as the artifact, so an image with a CRITICAL vulnerability was told
// it had no report; evidence not named .json was skipped without a word,
// and evidence about no scanned image went unnoticed.
func TestEvidenceOfImageTarballs(t *testing.T) {
	app := testdata + "evidence-app"
	r, code := scanJSON(t, "--evidence", testdata+"evidence", app)
	assert.Equal(t, 1, code)
	var vuln, noReport, noSBOM []string
	for _, res := range r.Results {
		switch {
		case res.Control == "SS-IMG-005" && strings.Contains(res.Message, "CVE-2026-10001"):
			vuln = append(vuln, res.Message)
		case res.Control == "SS-IMG-005":
			noReport = append(noReport, res.Message)
		case res.Control == "SS-IMG-006":
			noSBOM = append(noSBOM, res.Message)
		}
	}
	require.Len(t, vuln, 1, "the tarball's report (.json.golden, RepoTags only) is matched")
	assert.Contains(t, vuln[0], "has 1 vulnerability at CRITICAL or HIGH")
	assert.Len(t, noReport, 1, "the search image has an SBOM but no report")
	assert.Empty(t, noSBOM, "both SBOMs are matched: Trivy's CycloneDX properties and SPDX attribution texts")
	require.Len(t, r.Ignored, 1)
	assert.Equal(t, testdata+"evidence/README.md", r.Ignored[0].Path)

	out, _, _ := run(t, "", "scan", "-v", "--evidence", testdata+"evidence", app)
	assert.Contains(t, out, "1 evidence file(s) are about no scanned image:")
	assert.Contains(t, out, "evidence/old-release.trivy.json: evidence about contoso.azurecr.io/shop/cache:7.0 matches no image of the scanned workloads")
}

// TestInfrastructureSourcesAreNamed: main.tf and *.bicep failed with "YAML
// syntax error", and a folder of .tf files with "no .yaml files found". A
// .tf file named on its own names its module's folder, which is read as a
// Terraform module; a .bicep file is read from source, and one that does
// not parse is an input error at its line.
func TestInfrastructureSourcesAreNamed(t *testing.T) {
	_, stderr, code := run(t, "", "scan", testdata+"terraform/main.tf")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "a Terraform file: scan its module's folder (shipshape scan "+testdata+"terraform)")
	assert.NotContains(t, stderr, "YAML syntax error")
	out, stderr, code := run(t, "", "scan", "-o", "json", testdata+"terraform")
	assert.NotEqual(t, 2, code, "the module is read: %s", stderr)
	assert.NotContains(t, out, "YAML syntax error")

	out, stderr, code = run(t, "", "scan", testdata+"bicep/main.bicep")
	assert.Equal(t, 1, code, "the registry is judged: %s", stderr)
	assert.Contains(t, out, `ContainerRegistry "contosoacr" (bicep)`)
	broken := filepath.Join(t.TempDir(), "main.bicep")
	require.NoError(t, os.WriteFile(broken, []byte("param name string\nresource acr 'Microsoft.ContainerRegistry/registries@2023-07-01' = {\n  name: name\n  sku: { name: 'Premium' \n}\n"), 0o644))
	_, stderr, code = run(t, "", "scan", broken)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, broken+":")
	assert.NotContains(t, stderr, "YAML syntax error")
}

// TestARMParametersFileBesideTheTemplate: the quickstart's diagnostic
// setting is deployed only when enableDiagnostics is true (default false);
// a parameters file beside the template turns it on and names the registry.
func TestARMParametersFileBesideTheTemplate(t *testing.T) {
	r, _ := scanJSON(t, testdata+"azure-params/azuredeploy.json")
	var names []string
	for _, res := range r.Results {
		names = append(names, res.Name)
		assert.NotEqual(t, "SS-ACR-005", res.Control, "the parameters file deploys the diagnostic setting: %s", res.Message)
	}
	assert.Contains(t, names, "contosoprod", "the name comes from the parameters file")

	r, _ = scanJSON(t, "library/testdata/azure/acr-quickstart.arm.json")
	assert.Len(t, findings(r, "SS-ACR-005"), 2, "without it, the default false condition leaves the registry without logs")

	// acrSku defaults to Premium but allows Basic and Standard: each
	// allowed value that would fail is a low-severity note.
	var notes []string
	for _, res := range r.Results {
		if res.Control == "SS-ACR-004" {
			assert.Equal(t, "low", res.Severity)
			notes = append(notes, res.Message)
		}
	}
	assert.Len(t, notes, 2)
}

// TestSingleLinePlanNamesTheResource: `terraform show -json` writes one
// line, so every finding was at line 1 with nothing else to tell resources
// apart; each finding names the resource address, and SARIF's logical
// location carries it.
func TestSingleLinePlanNamesTheResource(t *testing.T) {
	plan := testdata + "terraform-plan/plan.json"
	r, code := scanJSON(t, plan)
	assert.Equal(t, 1, code)
	require.NotEmpty(t, r.Results)
	for _, res := range r.Results {
		if res.Kind == "ManagedCluster" {
			assert.Contains(t, res.Message, "(terraform module.aks.azurerm_kubernetes_cluster.this)", res.Control)
		}
	}
	out, _, _ := run(t, "", "scan", "-o", "sarif", plan)
	assert.Contains(t, out, `"fullyQualifiedName": "module.aks.azurerm_kubernetes_cluster.this"`)
}

// TestHelmDependenciesAsHelmProcessesThem: an aliased subchart rendered
// with the original chart's defaults, so its hostNetwork was never judged,
// and disabled subcharts (condition, tags) were rendered anyway.
func TestHelmDependenciesAsHelmProcessesThem(t *testing.T) {
	dir := testdata + "platform"
	r, code := scanJSON(t, "--profile", "pss-baseline", dir)
	assert.Equal(t, 1, code)
	ds := dir + "/charts/exporter/templates/daemonset.yaml"
	assert.Equal(t, []finding{
		{"SS-PSS-002", ds, 14, "spec.template.spec.hostNetwork"},
		{"SS-PSS-002", ds, 15, "spec.template.spec.hostPID"},
		{"SS-PSS-002", ds, 15, "spec.template.spec.hostPID"},
	}, findings(r, "SS-PSS-002", "SS-PSS-003"), "metrics-a takes its own hostNetwork: true, metrics-b keeps the default; the disabled redis (condition) and debugger (tag) render nothing")
	assert.Equal(t, 3, r.Summary.Objects, "the ConfigMap and the two aliased DaemonSets")
}

// TestHelmOptionsWithoutAChart: -f and --set given with no chart among the
// paths were silently ignored.
func TestHelmOptionsWithoutAChart(t *testing.T) {
	_, stderr, code := run(t, "", "scan", "--set", "image.tag=1.2", testdata+"netpol.yaml")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "--values, --set and --api-versions apply to Helm charts, and no path is a chart")
	_, stderr, code = run(t, "", "scan", "-f", "missing-values.yaml", testdata+"monitoring")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "values file missing-values.yaml")
}

// TestEvaluatorsAgree scans every real-world fixture and the examples with
// the library's embedded plan and with OPA's evaluator: the reports must be
// identical, byte for byte.
func TestEvaluatorsAgree(t *testing.T) {
	out, _, code := run(t, "", "version", "-o", "json")
	require.Zero(t, code)
	var v struct{ Evaluator string }
	require.NoError(t, json.Unmarshal([]byte(out), &v))
	require.Equal(t, "planned", v.Evaluator, "the test binary embeds the library's plan")

	entries, err := os.ReadDir(filepath.Join(testbin.RepoRoot(), testdata))
	require.NoError(t, err)
	scans := [][]string{{"--config", "examples/shipshape.yaml", "--evidence", "examples/evidence", "examples/good", "examples/bad"}}
	for _, e := range entries {
		scans = append(scans, []string{"--profile", "all", testdata + e.Name()})
	}
	for _, args := range scans {
		planned, _, plannedCode := run(t, "", append([]string{"scan", "-o", "json", "--evaluator", "planned"}, args...)...)
		topdown, _, topdownCode := run(t, "", append([]string{"scan", "-o", "json", "--evaluator", "topdown"}, args...)...)
		assert.Equal(t, topdownCode, plannedCode, "%v", args)
		assert.Equal(t, topdown, planned, "%v", args)
		assert.NotEmpty(t, planned, "%v", args)
	}
}
