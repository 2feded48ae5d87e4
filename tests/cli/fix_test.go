package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const fixDeployment = `# storefront
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: contoso.azurecr.io/web:1.2.3   # release 1.2
          securityContext:
            privileged: true
`

func TestFixShowsADiffAndWritesOnRequest(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "web.yaml")
	require.NoError(t, os.WriteFile(file, []byte(fixDeployment), 0o600))

	r := shipshape(t, dir, "", "fix", "--config", os.DevNull, "--profile", "pss-restricted", "web.yaml")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "--- a/web.yaml\n+++ b/web.yaml\n")
	assert.Contains(t, r.stdout, "-            privileged: true\n+            privileged: false\n")
	assert.Contains(t, r.stdout, "+            allowPrivilegeEscalation: false\n")
	assert.Contains(t, r.stderr, "change(s) to make in 1 file(s)")
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.Equal(t, fixDeployment, string(data), "without --write nothing is written")

	r = shipshape(t, dir, "", "fix", "--config", os.DevNull, "--profile", "pss-restricted", "--control", "SS-PSS-003", "--write", "web.yaml")
	require.Equal(t, 0, r.code, r.stderr)
	data, err = os.ReadFile(file)
	require.NoError(t, err)
	assert.Equal(t, strings.Replace(fixDeployment, "privileged: true", "privileged: false", 1), string(data), "--control limits the fix")
	info, err := os.Stat(file)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "the file keeps its mode")

	r = shipshape(t, dir, "", "fix", "--config", os.DevNull, "--profile", "pss-restricted", "--write", "web.yaml")
	require.Equal(t, 0, r.code, r.stderr)
	r = shipshape(t, dir, "", "scan", "--config", os.DevNull, "--profile", "pss-restricted", "web.yaml")
	assert.Equal(t, 0, r.code, "after fix --write the profile passes:\n%s", r.stdout)
	data, err = os.ReadFile(file)
	require.NoError(t, err)
	assert.Contains(t, string(data), "image: contoso.azurecr.io/web:1.2.3   # release 1.2\n", "comments stay")

	r = shipshape(t, dir, "", "fix", "--control", "SS-POD-006", "web.yaml")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "SS-POD-006: no fix declared")
}

func TestFixProposesPatchesForRenderedCharts(t *testing.T) {
	dir := t.TempDir()
	chart := filepath.Join(dir, "chart")
	files := map[string]string{
		"Chart.yaml":  "apiVersion: v2\nname: api\nversion: 0.1.0\n",
		"values.yaml": "image: contoso.azurecr.io/api:2.0.0\n",
		"templates/deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-api
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: {{ .Values.image }}
`,
	}
	for name, text := range files {
		p := filepath.Join(chart, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	}
	r := shipshape(t, dir, "", "fix", "--config", os.DevNull, "--profile", "pss-restricted", "--write", "chart")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "is rendered: shipshape does not edit it")
	assert.Contains(t, r.stdout, "kind: Deployment\nmetadata:\n  name: release-api\n")
	assert.Contains(t, r.stdout, "      containers:\n        - name: api\n          securityContext:\n")
	assert.Contains(t, r.stdout, "allowPrivilegeEscalation: false")
	data, err := os.ReadFile(filepath.Join(chart, "templates", "deployment.yaml"))
	require.NoError(t, err)
	assert.Equal(t, files["templates/deployment.yaml"], string(data), "a template is never edited, even with --write")
}
