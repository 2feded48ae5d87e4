package input

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBicepFilesAreReadOnceThroughTheirCallers: a module another Bicep
// file calls, and a Bicep file a .bicepparam file uses, are read through
// them; the objects are format bicep, each field on its .bicep line, and
// a file that does not parse is an error at its line.
func TestBicepFilesAreReadOnceThroughTheirCallers(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"main.bicep":            "module acr './modules/acr.bicep' = {\n  name: 'acr'\n  params: { name: 'shop' }\n}\n",
		"modules/acr.bicep":     "param name string\nresource r 'Microsoft.ContainerRegistry/registries@2023-07-01' = {\n  name: name\n  properties: {\n    adminUserEnabled: true\n  }\n}\n",
		"stamp/main.bicep":      "param name string = 'default'\nresource r 'Microsoft.ContainerRegistry/registries@2023-07-01' = {\n  name: name\n}\n",
		"stamp/prod.bicepparam": "using 'main.bicep'\nparam name = 'prod'\n",
		"broken/main.bicep":     "resource r 'Microsoft.ContainerRegistry/registries@2023-07-01' = {\n  name: 'x'\n  sku: {\n",
	} {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644))
	}
	files, errs := Discover(context.Background(), []string{dir})
	require.Empty(t, errs)
	var rel []string
	for _, f := range files {
		r, err := filepath.Rel(dir, f)
		require.NoError(t, err)
		rel = append(rel, filepath.ToSlash(r))
	}
	assert.Equal(t, []string{"broken/main.bicep", "main.bicep", "stamp/prod.bicepparam"}, rel)

	f := ReadFile(context.Background(), filepath.Join(dir, "main.bicep"), Options{})
	require.Empty(t, f.Errors)
	require.Len(t, f.Objects, 1)
	o := f.Objects[0]
	assert.Equal(t, FormatBicep, o.Value["format"])
	assert.Equal(t, filepath.Join(dir, "modules/acr.bicep"), o.File)
	assert.Equal(t, 2, o.Line)
	assert.Equal(t, 5, o.place([]any{"spec", "adminuserenabled"}).Line)

	f = ReadFile(context.Background(), filepath.Join(dir, "stamp/prod.bicepparam"), Options{})
	require.Len(t, f.Objects, 1)
	assert.Equal(t, "prod", f.Objects[0].Value["metadata"].(map[string]any)["name"])

	f = ReadFile(context.Background(), filepath.Join(dir, "broken/main.bicep"), Options{})
	require.Len(t, f.Errors, 1)
	assert.Contains(t, f.Errors[0].Error(), filepath.Join(dir, "broken/main.bicep")+":4:")
}
