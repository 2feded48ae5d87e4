package render

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOwnerIsWhatRendersTheFile(t *testing.T) {
	root := t.TempDir()
	write := func(p string) {
		t.Helper()
		full := filepath.Join(root, p)
		require.NoError(t, os.MkdirAll(filepath.Dir(full), 0o755))
		require.NoError(t, os.WriteFile(full, []byte("x: 1\n"), 0o644))
	}
	for _, p := range []string{
		"charts/web/Chart.yaml", "charts/web/values.yaml", "charts/web/templates/deploy.yaml",
		"charts/web/charts/db/Chart.yaml", "charts/web/charts/db/templates/sts.yaml",
		"deploy/base/kustomization.yaml", "deploy/base/deploy.yaml",
		"deploy/overlays/prod/kustomization.yaml", "deploy/overlays/prod/patches/replicas.yaml",
		"plain/pod.yaml", "Dockerfile",
	} {
		write(p)
	}
	tests := map[string]string{
		"charts/web/templates/deploy.yaml":           "charts/web",
		"charts/web/values.yaml":                     "charts/web",
		"charts/web/charts/db/templates/sts.yaml":    "charts/web",
		"deploy/base/deploy.yaml":                    "deploy/base",
		"deploy/overlays/prod/patches/replicas.yaml": "deploy/overlays/prod",
		"plain/pod.yaml":                             "plain/pod.yaml",
		"Dockerfile":                                 "Dockerfile",
	}
	for file, want := range tests {
		got := Owner(filepath.Join(root, file), root)
		if want == file {
			assert.Equal(t, filepath.Join(root, file), got, file)
			continue
		}
		assert.Equal(t, filepath.FromSlash(want), got, file)
	}
	// Nothing above stop is considered.
	assert.Equal(t, filepath.Join(root, "charts/web/templates/deploy.yaml"),
		Owner(filepath.Join(root, "charts/web/templates/deploy.yaml"), filepath.Join(root, "charts/web/templates")))
}
