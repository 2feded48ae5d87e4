package export

import (
	"context"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	"github.com/shipshape-dev/shipshape/engine/profile"
)

// kustomizeBuild returns the objects kustomize builds from dir, as YAML by
// kind and name.
func kustomizeBuild(t *testing.T, dir string) map[string]string {
	t.Helper()
	resources, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), dir)
	require.NoError(t, err, "kustomize build %s", dir)
	docs := map[string]string{}
	for _, r := range resources.Resources() {
		data, err := r.AsYAML()
		require.NoError(t, err)
		var v map[string]any
		require.NoError(t, yaml.Unmarshal(data, &v))
		canonical, err := yaml.Marshal(v)
		require.NoError(t, err)
		docs[r.GetKind()+"/"+r.GetName()] = string(canonical)
	}
	return docs
}

// TestProfilesShareFilesAndBuildAsAlone exports two profiles that set a
// shared control differently and checks that each file is written once and
// that kustomize builds each profile's folder into exactly what the
// profile's own export applies.
func TestProfilesShareFilesAndBuildAsAlone(t *testing.T) {
	ctx := context.Background()
	lib := loadLibrary(t)
	baseline := selection(t, lib, "pss-baseline", "")
	all := selection(t, lib, "all", "settings:\n  systemNamespaces: [kube-system, 'tenant-*']\n  allowedRegistries: [contoso.azurecr.io]\n")
	all.Profile.EnforcementAction = "warn"
	sels := []*profile.Selection{baseline, all}

	files, err := GatekeeperProfiles(ctx, lib, sels, Options{Version: "1"})
	require.NoError(t, err)
	byPath := map[string]string{}
	for _, f := range files {
		require.NotContains(t, byPath, f.Path, "written twice")
		byPath[f.Path] = string(f.Data)
	}
	assert.Contains(t, byPath, "controls/ss-pss-003/template.yaml")
	assert.Contains(t, byPath, "controls/ss-pss-003/tests/suite.yaml")
	assert.Contains(t, byPath["controls/ss-pss-003/tests/suite.yaml"], "template: ../template.yaml")
	assert.Contains(t, byPath["controls/ss-pss-003/constraint.yaml"], "enforcementAction: deny", "the first profile sets the folder's constraint")
	assert.Contains(t, byPath["profiles/all/kustomization.yaml"], "kind: ShipshapePssPrivileged", "the second profile patches it")
	assert.NotContains(t, byPath["profiles/pss-baseline/kustomization.yaml"], "patches")
	assert.Contains(t, byPath[readmeFile], "kubectl apply -k profiles/pss-baseline")
	for p := range byPath {
		assert.False(t, strings.HasPrefix(p, "tests/") || strings.HasPrefix(p, "templates/"), "%s: shared files live in control folders", p)
	}

	shared := filepath.Join(t.TempDir(), "shared")
	require.NoError(t, Write(shared, files))
	for _, sel := range sels {
		alone, err := Gatekeeper(ctx, lib, sel, Options{Version: "1"})
		require.NoError(t, err)
		dir := filepath.Join(t.TempDir(), sel.Profile.Name)
		require.NoError(t, Write(dir, alone))
		want := kustomizeBuild(t, dir)
		got := kustomizeBuild(t, filepath.Join(shared, profilesDir, sel.Profile.Name))
		require.NotEmpty(t, want)
		require.ElementsMatch(t, slices.Collect(maps.Keys(want)), slices.Collect(maps.Keys(got)), "profile %s", sel.Profile.Name)
		for name, doc := range want {
			assert.Equal(t, doc, got[name], "profile %s: %s", sel.Profile.Name, name)
		}
	}
}

func TestAzureProfilesShareDefinitions(t *testing.T) {
	lib := loadLibrary(t)
	sels := []*profile.Selection{selection(t, lib, "pss-baseline", ""), selection(t, lib, "pss-restricted", "")}
	files, err := AzurePolicyProfiles(lib, sels, Options{Version: "1"})
	require.NoError(t, err)
	seen := map[string]bool{}
	for _, f := range files {
		require.False(t, seen[f.Path], "%s written twice", f.Path)
		seen[f.Path] = true
	}
	assert.True(t, seen["initiatives/shipshape-pss-baseline.json"])
	assert.True(t, seen["initiatives/shipshape-pss-restricted.json"])
	assert.True(t, seen["definitions/shipshape-ss-pss-003.json"], "a definition both profiles select")
}
