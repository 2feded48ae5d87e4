package render

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func byFile(docs []Document) map[string]string {
	out := map[string]string{}
	for _, d := range docs {
		out[filepath.ToSlash(d.File)] = string(d.Data)
	}
	return out
}

func TestHelmRendersTemplatesWithValuesAndSubcharts(t *testing.T) {
	require.True(t, IsChart("testdata/chart"))
	docs, err := Helm("testdata/chart", HelmOptions{})
	require.NoError(t, err)
	files := byFile(docs)
	require.Len(t, files, 2, "NOTES.txt and _helpers.tpl produce no manifest")
	dep := files["testdata/chart/templates/deployment.yaml"]
	assert.Contains(t, dep, "name: release-web", "helpers and release name")
	assert.Contains(t, dep, "namespace: default")
	assert.Contains(t, dep, "privileged: false")
	assert.Contains(t, files["testdata/chart/charts/cache/templates/pod.yaml"], "hostNetwork: false", "the vendored subchart is rendered")

	values := filepath.Join(t.TempDir(), "prod.yaml")
	require.NoError(t, os.WriteFile(values, []byte("privileged: true\ncache:\n  hostNetwork: true\n"), 0o644))
	docs, err = Helm("testdata/chart", HelmOptions{ValuesFiles: []string{values}, Set: []string{"replicas=5"}, Release: "shop", Namespace: "prod"})
	require.NoError(t, err)
	files = byFile(docs)
	dep = files["testdata/chart/templates/deployment.yaml"]
	assert.Contains(t, dep, "privileged: true", "values files override")
	assert.Contains(t, dep, "replicas: 5", "--set overrides")
	assert.Contains(t, dep, "name: shop-web")
	assert.Contains(t, dep, "namespace: prod")
	assert.Contains(t, files["testdata/chart/charts/cache/templates/pod.yaml"], "hostNetwork: true", "subchart values")
}

func TestHelmRefusesMissingDependencies(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Chart.yaml"), []byte("apiVersion: v2\nname: x\nversion: 1.0.0\ndependencies:\n  - {name: redis, version: 1.0.0, repository: https://charts.bitnami.com/bitnami}\n"), 0o644))
	_, err := Helm(dir, HelmOptions{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "dependency redis")
	assert.Contains(t, err.Error(), "not vendored")
}

func TestKustomizeBuildsOverlaysWithOrigins(t *testing.T) {
	require.True(t, IsKustomization("testdata/kustomize/overlays/prod"))
	docs, err := Kustomize("testdata/kustomize/overlays/prod")
	require.NoError(t, err)
	files := byFile(docs)
	dep, ok := files["testdata/kustomize/base/deployment.yaml"]
	require.True(t, ok, "the Deployment is attributed to its base file: %v", files)
	assert.Contains(t, dep, "hostPID: true", "the overlay's patch applies")
	assert.Contains(t, dep, "namespace: shop-prod")
	assert.NotContains(t, dep, "config.kubernetes.io/origin", "the origin annotation is consumed")
	assert.Contains(t, files["testdata/kustomize/overlays/prod/service.yaml"], "type: NodePort")

	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "kustomization.yaml"), []byte("resources:\n  - https://github.com/contoso/platform//base?ref=v1\n"), 0o644))
	_, err = Kustomize(dir)
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "is remote"), err.Error())
}
