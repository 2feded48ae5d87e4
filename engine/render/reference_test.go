package render

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/cli/values"
	"helm.sh/helm/v3/pkg/getter"
	"sigs.k8s.io/yaml"
)

// referenceRender renders a chart the way `helm template` does: Helm's
// install action in client-only dry-run mode, hooks included, values merged
// by the CLI's own values options.
func referenceRender(t *testing.T, path string, opts HelmOptions) ([]string, error) {
	t.Helper()
	install := action.NewInstall(&action.Configuration{Log: func(string, ...any) {}})
	install.DryRun, install.DryRunOption, install.ClientOnly, install.Replace = true, "true", true, true
	install.ReleaseName = opts.Release
	install.Namespace = opts.Namespace
	install.APIVersions = chartutil.VersionSet(opts.APIVersions)
	if opts.KubeVersion != "" {
		kv, err := chartutil.ParseKubeVersion(opts.KubeVersion)
		require.NoError(t, err)
		install.KubeVersion = kv
	}
	ch, err := loader.Load(path)
	require.NoError(t, err)
	vals, err := (&values.Options{ValueFiles: opts.ValuesFiles, Values: opts.Set}).MergeValues(getter.Providers{})
	require.NoError(t, err)
	rel, err := install.RunWithContext(context.Background(), ch, vals)
	if err != nil {
		return nil, err
	}
	docs := splitManifest(rel.Manifest)
	for _, h := range rel.Hooks {
		docs = append(docs, splitManifest(h.Manifest)...)
	}
	return normalise(t, docs), nil
}

// ours renders with Helm() and returns its documents the same way.
func ours(t *testing.T, path string, opts HelmOptions) ([]string, error) {
	t.Helper()
	rendered, err := Helm(path, opts)
	if err != nil {
		return nil, err
	}
	var docs []string
	for _, d := range rendered {
		docs = append(docs, splitManifest(string(d.Data))...)
	}
	return normalise(t, docs), nil
}

func splitManifest(m string) []string {
	var out []string
	for doc := range strings.SplitSeq("\n"+m, "\n---") {
		if strings.TrimSpace(doc) != "" {
			out = append(out, doc)
		}
	}
	return out
}

// normalise decodes each document and re-encodes it, with the values of
// Secret data (certificates generated anew on every render) replaced by
// their keys, and sorts them.
func normalise(t *testing.T, docs []string) []string {
	t.Helper()
	var out []string
	for _, d := range docs {
		var obj map[string]any
		require.NoError(t, yaml.Unmarshal([]byte(d), &obj), d)
		if obj == nil {
			continue
		}
		if obj["kind"] == "Secret" {
			for _, field := range []string{"data", "stringData"} {
				if data, ok := obj[field].(map[string]any); ok {
					for k := range data {
						data[k] = "<generated or given>"
					}
				}
			}
		}
		b, err := yaml.Marshal(obj)
		require.NoError(t, err)
		out = append(out, string(b))
	}
	slices.Sort(out)
	return out
}

// TestRenderMatchesHelmTemplate is the differential test: for charts with
// aliases, conditions, tags, import-values, a library subchart, version
// gates, a values schema, generated certificates and a packaged archive,
// with and without --values, --set, --namespace, --kube-version and
// --api-versions, Helm() renders exactly the objects `helm template`
// renders, and fails where it fails.
func TestRenderMatchesHelmTemplate(t *testing.T) {
	realworld := filepath.Join("..", "..", "tests", "realworld", "testdata")
	overrides := filepath.Join(t.TempDir(), "overrides.yaml")
	require.NoError(t, os.WriteFile(overrides, []byte("metrics-b:\n  hostNetwork: true\nredis:\n  enabled: true\ntags:\n  debug: true\n"), 0o644))
	archive := packaged(t, filepath.Join(realworld, "gateway"))

	cases := []struct {
		chart string
		opts  HelmOptions
	}{
		{"testdata/chart", HelmOptions{}},
		{"testdata/chart", HelmOptions{Set: []string{"replicas=5", "cache.hostNetwork=true"}, Namespace: "prod"}},
		{filepath.Join(realworld, "platform"), HelmOptions{}},
		{filepath.Join(realworld, "platform"), HelmOptions{ValuesFiles: []string{overrides}}},
		{filepath.Join(realworld, "platform"), HelmOptions{Set: []string{"metrics-a.enabled=false", "tags.debug=true"}}},
		{filepath.Join(realworld, "monitoring"), HelmOptions{}},
		{filepath.Join(realworld, "gateway"), HelmOptions{}},
		{filepath.Join(realworld, "gateway"), HelmOptions{KubeVersion: "1.29.0", APIVersions: []string{"monitoring.coreos.com/v1"}, Namespace: "edge"}},
		{filepath.Join(realworld, "gateway"), HelmOptions{KubeVersion: "1.24.3"}},
		{filepath.Join(realworld, "gateway"), HelmOptions{Set: []string{"replicaCount=many"}}},
		{archive, HelmOptions{KubeVersion: "1.31.0", Release: "edge"}},
	}
	for _, c := range cases {
		opts := c.opts
		opts.Release = cmp.Or(opts.Release, "release")
		opts.Namespace = cmp.Or(opts.Namespace, "default")
		if opts.KubeVersion == "" {
			opts.KubeVersion = "1.37.0"
		}
		t.Run(fmt.Sprintf("%s %v", filepath.Base(c.chart), c.opts), func(t *testing.T) {
			want, wantErr := referenceRender(t, c.chart, opts)
			got, err := ours(t, c.chart, opts)
			if wantErr != nil {
				require.Error(t, err, "helm template fails: %v", wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, want, got)
			assert.NotEmpty(t, got)
		})
	}
}

// TestVersionGatesAndLibraryCharts: what the differential test cannot
// show by agreement alone.
func TestVersionGatesAndLibraryCharts(t *testing.T) {
	gateway := filepath.Join("..", "..", "tests", "realworld", "testdata", "gateway")
	kinds := func(opts HelmOptions) string {
		docs, err := Helm(gateway, opts)
		require.NoError(t, err)
		var out []string
		for _, d := range docs {
			for _, doc := range splitManifest(string(d.Data)) {
				var obj struct{ APIVersion, Kind string }
				require.NoError(t, yaml.Unmarshal([]byte(doc), &obj))
				out = append(out, obj.APIVersion+" "+obj.Kind)
			}
		}
		slices.Sort(out)
		return strings.Join(out, ", ")
	}
	assert.Contains(t, kinds(HelmOptions{}), "policy/v1 PodDisruptionBudget", "the default is the newest release, not Helm's library default of 1.20")
	assert.NotContains(t, kinds(HelmOptions{}), "ServiceMonitor")
	assert.Contains(t, kinds(HelmOptions{KubeVersion: "1.26", APIVersions: []string{"monitoring.coreos.com/v1"}}), "monitoring.coreos.com/v1 ServiceMonitor")

	_, err := Helm(gateway, HelmOptions{KubeVersion: "1.24"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "chart requires kubeVersion: >=1.25.0-0 which is incompatible with Kubernetes v1.24.0")

	_, err = Helm(filepath.Join(gateway, "charts", "toolkit"), HelmOptions{})
	var library *LibraryChartError
	require.ErrorAs(t, err, &library)
	assert.Contains(t, err.Error(), "toolkit is a library chart")

	archive := packaged(t, gateway)
	assert.True(t, IsChartArchive(archive))
	assert.False(t, IsChartArchive(filepath.Join(gateway, "values.yaml")))
	docs, err := Helm(archive, HelmOptions{})
	require.NoError(t, err)
	for _, d := range docs {
		assert.True(t, strings.HasPrefix(d.File, archive+string(filepath.Separator)), d.File)
		assert.NotEmpty(t, d.Source, "a packaged template's text comes from the archive: %s", d.File)
	}
}

// packaged writes the chart as helm package does and returns the archive.
func packaged(t *testing.T, dir string) string {
	t.Helper()
	ch, err := loader.Load(dir)
	require.NoError(t, err)
	file, err := chartutil.Save(ch, t.TempDir())
	require.NoError(t, err)
	return file
}
