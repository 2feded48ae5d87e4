package realworld

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"

	"github.com/shipshape-dev/shipshape/tests/internal/testbin"
)

const gateway = testdata + "gateway"

// TestChartAsTheClusterSeesIt: the gateway chart (written here, modelled on
// public ingress charts) renders with the newest Kubernetes release, its
// kube-system RBAC is judged, the Secret names its webhook job passes are
// not credentials, and the certificate it generates is not "committed".
func TestChartAsTheClusterSeesIt(t *testing.T) {
	r, code := scanJSON(t, "--namespace", "edge", gateway)
	assert.Equal(t, 1, code)
	assert.Equal(t, 6, r.Summary.Objects, "Deployment, PodDisruptionBudget, Job, Secret, Role, RoleBinding; no ServiceMonitor without its API")
	rbac := gateway + "/templates/operator-rbac.yaml"
	assert.Equal(t, []finding{
		{"SS-IAM-001", rbac, 9, "rules[0].apiGroups"},
		{"SS-IAM-001", rbac, 10, "rules[0].resources"},
		{"SS-IAM-001", rbac, 11, "rules[0].verbs"},
		{"SS-IAM-002", rbac, 22, "subjects[0]"},
	}, findings(r, "SS-IAM-001", "SS-IAM-002"), "escalation into kube-system is judged by default")
	assert.Contains(t, findingMessage(r, "SS-IAM-002", 22), `binds ClusterRole "cluster-admin" to ServiceAccount "edge/release-gateway"`, "--namespace is the release namespace")
	assert.Empty(t, findings(r, "SS-SEC-002"), "--secret-name, --ca-secret-name, --tls-secret=ns/name name Secrets")
	assert.Empty(t, findings(r, "SS-IMG-003"), "digest-pinned images may use IfNotPresent")
	assert.Empty(t, findings(r, "SS-POD-007"), "app.kubernetes.io/name from the library chart's helper is the app label")
	secret := findingMessage(r, "SS-SEC-003", 10)
	assert.Contains(t, secret, "gets data (ca.crt, tls.crt, tls.key) when the chart is rendered")
	assert.NotContains(t, secret, "commits")
	for _, res := range r.Results {
		if res.Control == "SS-SEC-003" {
			assert.Equal(t, "medium", res.Severity)
		}
	}
	assert.Equal(t, []finding{
		{"SS-PSS-008", gateway + "/templates/deployment.yaml", 38, "spec.template.spec.containers[0].securityContext.appArmorProfile.type"},
	}, findings(r, "SS-PSS-008"), "a field gated on Kubernetes >= 1.30 is rendered and judged, on its block's template line")

	old, code := scanJSON(t, "--kube-version", "1.29", "-a", "monitoring.coreos.com/v1", gateway)
	assert.Equal(t, 1, code)
	assert.Empty(t, findings(old, "SS-PSS-008"), "1.29 has no appArmorProfile field, so the chart leaves it out")
	assert.Equal(t, 7, old.Summary.Objects, "the ServiceMonitor renders once its API is declared")

	_, stderr, code := run(t, "", "scan", "--kube-version", "1.24", gateway)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "chart requires kubeVersion: >=1.25.0-0 which is incompatible with Kubernetes v1.24.0")
	_, stderr, code = run(t, "", "scan", "--kube-version", "latest", gateway)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, `--kube-version: "latest" is not a Kubernetes release`)
}

// TestSystemNamespacesOnlyWhenConfigured: skipping kube-system is a choice
// a config makes, and what it skips is listed.
func TestSystemNamespacesOnlyWhenConfigured(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "shipshape.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte("settings:\n  scanSystemNamespaces: false\n"), 0o644))
	out, _, code := run(t, "", "scan", "-o", "json", "--config", cfg, gateway)
	assert.Equal(t, 1, code)
	var r struct {
		Results  []struct{ Namespace string }
		Excluded []struct {
			Kind, Namespace, Name string
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	for _, res := range r.Results {
		assert.NotEqual(t, "kube-system", res.Namespace)
	}
	var excluded []string
	for _, e := range r.Excluded {
		excluded = append(excluded, e.Kind+" "+e.Namespace+"/"+e.Name)
	}
	assert.Equal(t, []string{"Role kube-system/release-gateway-operator", "RoleBinding kube-system/release-gateway-operator-admin"}, excluded)
	text, _, _ := run(t, "", "scan", "-v", "--config", cfg, gateway)
	assert.Contains(t, text, "RoleBinding kube-system/release-gateway-operator-admin")
}

// TestPackagedAndLibraryCharts: a .tgz is read as Helm reads it, found in
// directories too; a library chart says what it is.
func TestPackagedAndLibraryCharts(t *testing.T) {
	ch, err := loader.Load(filepath.Join(testbin.RepoRoot(), gateway))
	require.NoError(t, err)
	dir := t.TempDir()
	archive, err := chartutil.Save(ch, dir)
	require.NoError(t, err)
	r, code := scanJSON(t, "--namespace", "edge", archive)
	assert.Equal(t, 1, code)
	assert.Equal(t, 6, r.Summary.Objects)
	rbac := findings(r, "SS-IAM-002")
	require.Len(t, rbac, 1)
	assert.Equal(t, finding{"SS-IAM-002", filepath.Join(archive, "templates", "operator-rbac.yaml"), 22, "subjects[0]"}, rbac[0], "the template's line, read from the archive")
	r, code = scanJSON(t, dir)
	assert.Equal(t, 1, code)
	assert.Equal(t, 6, r.Summary.Objects, "a directory holding a packaged chart")

	_, stderr, code := run(t, "", "scan", gateway+"/charts/toolkit")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "toolkit is a library chart: it renders no objects by itself")
	lib, code := scanJSON(t, "--allow-empty", gateway+"/charts/toolkit")
	assert.Equal(t, 0, code)
	require.Len(t, lib.Ignored, 1)
}

// TestRenderOut writes what was judged, so rendered lines can be read.
func TestRenderOut(t *testing.T) {
	out := t.TempDir()
	r, _ := scanJSON(t, "--render-out", out, gateway)
	var written []string
	require.NoError(t, filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(out, p)
			written = append(written, filepath.ToSlash(rel))
		}
		return err
	}))
	slices.Sort(written)
	assert.Equal(t, []string{
		gateway + "/templates/deployment.yaml",
		gateway + "/templates/operator-rbac.yaml",
		gateway + "/templates/pdb.yaml",
		gateway + "/templates/webhook-certgen.yaml",
		gateway + "/templates/webhook-secret.yaml",
	}, written)
	for _, res := range r.Results {
		if res.RenderedLine {
			data, err := os.ReadFile(filepath.Join(out, res.File))
			require.NoError(t, err)
			assert.Greater(t, len(strings.Split(string(data), "\n")), res.Line, "a rendered line counts in the written file")
		}
	}
	data, err := os.ReadFile(filepath.Join(out, gateway, "templates", "pdb.yaml"))
	require.NoError(t, err)
	assert.Contains(t, string(data), "apiVersion: policy/v1\n")
}

// TestSARIFLocatesClusterResults: GitHub rejects a result without a
// location; cluster-level results are located at the chart.
func TestSARIFLocatesClusterResults(t *testing.T) {
	out, _, code := run(t, "", "scan", "--scope", "cluster", "-o", "sarif", gateway)
	assert.Equal(t, 1, code)
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation *struct {
						ArtifactLocation struct{ URI string } `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &log))
	cluster := 0
	for _, res := range log.Runs[0].Results {
		require.NotEmpty(t, res.Locations, res.RuleID)
		require.NotNil(t, res.Locations[0].PhysicalLocation, res.RuleID)
		if strings.HasPrefix(res.RuleID, "SS-OPS-") {
			cluster++
			assert.Equal(t, gateway+"/Chart.yaml", res.Locations[0].PhysicalLocation.ArtifactLocation.URI)
		}
	}
	assert.Positive(t, cluster, "cluster-level controls ran")
}
