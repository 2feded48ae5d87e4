package integrations

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/shipshape-dev/shipshape/tests/internal/testbin"
)

// hook is an entry of .pre-commit-hooks.yaml, with the keys pre-commit
// reads (a misspelt key is an error here, as pre-commit warns of it).
type hook struct {
	ID                      string   `json:"id"`
	Name                    string   `json:"name"`
	Description             string   `json:"description"`
	MinimumPreCommitVersion string   `json:"minimum_pre_commit_version"`
	Entry                   string   `json:"entry"`
	Language                string   `json:"language"`
	Files                   string   `json:"files"`
	Args                    []string `json:"args"`
	RequireSerial           bool     `json:"require_serial"`
}

func hooks(t *testing.T) map[string]hook {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testbin.RepoRoot(), ".pre-commit-hooks.yaml"))
	require.NoError(t, err)
	var list []hook
	require.NoError(t, yaml.UnmarshalStrict(data, &list, yaml.DisallowUnknownFields), "keys pre-commit does not know")
	out := map[string]hook{}
	for _, h := range list {
		out[h.ID] = h
	}
	return out
}

// runHook runs a hook as pre-commit does: its entry split on spaces, its
// args, then the staged files its `files` pattern selects, in the
// repository's root.
func runHook(t *testing.T, h hook, repo string, staged []string, extraArgs ...string) (result, []string) {
	t.Helper()
	pattern := regexp.MustCompile(h.Files)
	var passed []string
	for _, f := range staged {
		if pattern.MatchString(f) {
			passed = append(passed, f)
		}
	}
	if len(passed) == 0 {
		return result{}, nil // pre-commit skips a hook with no files
	}
	argv := append(strings.Fields(h.Entry), h.Args...)
	argv = append(argv, extraArgs...)
	argv = append(argv, passed...)
	// pre-commit finds the entry's program on PATH: the built binary first.
	program := argv[0]
	if p := filepath.Join(filepath.Dir(binary), program); fileExists(p) {
		program = p
	}
	return runIn(t, repo, []string{pathWith(t)}, program, argv[1:]...), passed
}

const (
	hookDeployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: contoso.azurecr.io/web:1.2.3
          securityContext:
            privileged: true
`
	hookChart = `apiVersion: v2
name: api
version: 0.1.0
`
	hookTemplate = `apiVersion: v1
kind: Pod
metadata:
  name: {{ .Release.Name }}-api
spec:
  hostNetwork: {{ .Values.hostNetwork }}
  containers:
    - name: api
      image: contoso.azurecr.io/api:2.0.0
`
	hookPolicy = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
`
)

func TestPreCommitHooks(t *testing.T) {
	all := hooks(t)
	require.Contains(t, all, "shipshape")
	require.Contains(t, all, "shipshape-system")
	assert.Equal(t, "golang", all["shipshape"].Language, "builds from the hook repository with Go")
	for _, h := range all {
		assert.True(t, h.RequireSerial, "%s: one process sees every staged file, so cross-resource controls see them together", h.ID)
		assert.Equal(t, all["shipshape"].Entry, h.Entry)
	}
	h := all["shipshape-system"]

	repo := t.TempDir()
	writeFiles(t, repo, map[string]string{
		".shipshape.yaml":               "profile: pss-baseline\n",
		"deploy/web.yaml":               hookDeployment,
		"deploy/network.yaml":           hookPolicy,
		"charts/api/Chart.yaml":         hookChart,
		"charts/api/values.yaml":        "hostNetwork: true\n",
		"charts/api/templates/pod.yaml": hookTemplate,
		".github/workflows/ci.yml":      "on: push\njobs: {}\n",
		"README.md":                     "# app\n",
		"package.json":                  `{"name": "app"}`,
		"images/api/Dockerfile":         "FROM contoso.azurecr.io/base:1\nUSER 0\n",
		"images/api/Dockerfile.dev":     "FROM contoso.azurecr.io/base:1\n",
	})

	t.Run("a staged manifest is judged with the repository's config", func(t *testing.T) {
		r, passed := runHook(t, h, repo, []string{"deploy/web.yaml", "README.md"})
		assert.Equal(t, []string{"deploy/web.yaml"}, passed)
		assert.Equal(t, 1, r.code, r.stdout+r.stderr)
		assert.Contains(t, r.stdout, "SS-PSS-003")
		assert.Regexp(t, `deploy/web.yaml\n\s+13\s+CRITICAL\s+SS-PSS-003`, r.stdout)
		assert.Contains(t, r.stdout, "profile pss-baseline")
	})
	t.Run("a chart's template is judged within its chart", func(t *testing.T) {
		r, passed := runHook(t, h, repo, []string{"charts/api/templates/pod.yaml", "charts/api/values.yaml"})
		assert.Len(t, passed, 2)
		assert.Equal(t, 1, r.code, r.stdout+r.stderr)
		assert.Contains(t, r.stdout, "SS-PSS-002")
		assert.Regexp(t, `charts/api/templates/pod.yaml\n\s+6\s+HIGH\s+SS-PSS-002`, r.stdout)
		assert.Equal(t, 1, strings.Count(r.stdout, "SS-PSS-002"), "the chart is rendered once for both files")
	})
	t.Run("files that hold no manifest pass and are named", func(t *testing.T) {
		r, passed := runHook(t, h, repo, []string{".github/workflows/ci.yml", "package.json", "README.md"})
		assert.Equal(t, []string{".github/workflows/ci.yml", "package.json"}, passed)
		assert.Equal(t, 0, r.code, r.stdout+r.stderr)
		assert.Contains(t, r.stdout, "Skipped 2 document(s)")
	})
	t.Run("Dockerfiles are judged", func(t *testing.T) {
		r, passed := runHook(t, h, repo, []string{"images/api/Dockerfile", "images/api/Dockerfile.dev"}, "--profile", "all", "--fail-on", "low")
		assert.Len(t, passed, 2)
		assert.Equal(t, 1, r.code, r.stdout+r.stderr)
		assert.Regexp(t, `\s+2\s+HIGH\s+SS-DF-002\s+Dockerfile images/api/Dockerfile\n`, r.stdout)
	})
	t.Run("context: cross-resource controls see what was not staged", func(t *testing.T) {
		r, _ := runHook(t, h, repo, []string{"deploy/web.yaml"}, "--profile", "all")
		assert.Contains(t, r.stdout, "SS-NET-001", "the staged Deployment alone has no default-deny policy")
		r, _ = runHook(t, h, repo, []string{"deploy/web.yaml"}, "--profile", "all", "--context", "deploy")
		assert.NotContains(t, r.stdout, "SS-NET-001", "deploy/network.yaml is in the inventory")
		assert.Contains(t, r.stdout, "1 object(s)", "context is not judged")
	})
	t.Run("a deleted file is not an error", func(t *testing.T) {
		r, _ := runHook(t, h, repo, []string{"deploy/gone.yaml"})
		assert.Equal(t, 0, r.code, r.stdout+r.stderr)
	})
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
