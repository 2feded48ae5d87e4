// Package azure checks the generated Azure Policy for Kubernetes export in
// bundles/generated/: every definition and initiative against the JSON
// schemas in engine/export, every embedded template against the Gatekeeper
// export, and each profile's initiative values against the constraints its
// Gatekeeper kustomization builds, so both exports enforce the same thing.
package azure

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	"github.com/shipshape-dev/shipshape/engine/export"
)

var profiles = []string{"pss-baseline", "pss-restricted", "all"}

// generated is where `make generate` writes a target's export of every
// profile.
func generated(target string) string {
	return filepath.Join("..", "..", "bundles", "generated", target)
}

// initiative is the path of a profile's initiative.
func initiative(profile string) string {
	return filepath.Join(generated("azure-policy"), "initiatives", "shipshape-"+profile+".json")
}

// constraints returns the Constraints kustomize builds from a profile's
// Gatekeeper kustomization, by name.
func constraints(t *testing.T, profile string) map[string]map[string]any {
	t.Helper()
	dir := filepath.Join(generated("gatekeeper"), "profiles", profile)
	resources, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), dir)
	require.NoError(t, err, "kustomize build %s", dir)
	out := map[string]map[string]any{}
	for _, r := range resources.Resources() {
		if r.GetApiVersion() != export.ConstraintAPIVersion {
			continue
		}
		data, err := r.AsYAML()
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, yaml.Unmarshal(data, &m)) // numbers as the JSON files read them
		out[r.GetName()] = m
	}
	return out
}

func compile(t *testing.T, name string, data []byte) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft7
	require.NoError(t, c.AddResource(name, bytes.NewReader(data)))
	s, err := c.Compile(name)
	require.NoError(t, err)
	return s
}

func readJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var v map[string]any
	require.NoError(t, json.Unmarshal(data, &v), path)
	return v
}

func readYAML(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var v map[string]any
	require.NoError(t, yaml.Unmarshal(data, &v), path)
	return v
}

func dig(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

func TestDefinitionsAndInitiativesMatchTheirSchemas(t *testing.T) {
	definition := compile(t, "definition.json", export.DefinitionSchema())
	initiativeSchema := compile(t, "initiative.json", export.InitiativeSchema())
	defs, err := filepath.Glob(filepath.Join(generated("azure-policy"), "definitions", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, defs, "run make generate")
	for _, f := range defs {
		assert.NoError(t, definition.Validate(readJSON(t, f)), f)
	}
	inits, err := filepath.Glob(filepath.Join(generated("azure-policy"), "initiatives", "*.json"))
	require.NoError(t, err)
	require.Len(t, inits, len(profiles), "one initiative per profile")
	for _, p := range profiles {
		assert.NoError(t, initiativeSchema.Validate(readJSON(t, initiative(p))), p)
	}
}

func TestSchemasRejectWhatAzureWouldReject(t *testing.T) {
	definition := compile(t, "definition.json", export.DefinitionSchema())
	good := readJSON(t, filepath.Join(generated("azure-policy"), "definitions", "shipshape-ss-pss-003.json"))
	require.NoError(t, definition.Validate(good))
	mutations := map[string]func(d map[string]any){
		"wrong mode": func(d map[string]any) { dig(d, "properties").(map[string]any)["mode"] = "Indexed" },
		"effect not audit": func(d map[string]any) {
			dig(d, "properties", "parameters", "effect").(map[string]any)["defaultValue"] = "deny"
		},
		"no templateInfo": func(d map[string]any) {
			delete(dig(d, "properties", "policyRule", "then", "details").(map[string]any), "templateInfo")
		},
		"content not base64": func(d map[string]any) {
			dig(d, "properties", "policyRule", "then", "details", "templateInfo").(map[string]any)["content"] = "not base64!"
		},
		"unknown detail": func(d map[string]any) {
			dig(d, "properties", "policyRule", "then", "details").(map[string]any)["constraint"] = "x"
		},
	}
	for name, mutate := range mutations {
		t.Run(name, func(t *testing.T) {
			var d map[string]any
			b, _ := json.Marshal(good)
			require.NoError(t, json.Unmarshal(b, &d))
			mutate(d)
			assert.Error(t, definition.Validate(d))
		})
	}
}

func TestEmbeddedTemplatesAreTheGatekeeperExport(t *testing.T) {
	defs, err := filepath.Glob(filepath.Join(generated("azure-policy"), "definitions", "*.json"))
	require.NoError(t, err)
	// External data templates have no definition: the add-on cannot call
	// Gatekeeper providers.
	templates, err := filepath.Glob(filepath.Join(generated("gatekeeper"), "controls", "*", "template.yaml"))
	require.NoError(t, err)
	assert.Len(t, defs, len(templates), "one definition per admission template")
	byName := map[string]string{}
	for _, tp := range templates {
		data, err := os.ReadFile(tp)
		require.NoError(t, err)
		name, _ := dig(readYAML(t, tp), "metadata", "name").(string)
		byName[name] = string(data)
	}
	for _, f := range defs {
		d := readJSON(t, f)
		content, _ := dig(d, "properties", "policyRule", "then", "details", "templateInfo", "content").(string)
		decoded, err := base64.StdEncoding.DecodeString(content)
		require.NoError(t, err, f)
		var tmpl map[string]any
		require.NoError(t, yaml.Unmarshal(decoded, &tmpl))
		name, _ := dig(tmpl, "metadata", "name").(string)
		want, ok := byName[name]
		require.True(t, ok, "%s embeds template %s, which the Gatekeeper export lacks", f, name)
		assert.Equal(t, want, string(decoded), "%s: embedded template differs from the Gatekeeper export", f)
	}
}

// TestInitiativeEnforcesWhatTheConstraintsDo compares the two exports of a
// profile: each definition's kinds and each initiative value with the
// Gatekeeper constraint of the same control.
func TestInitiativeEnforcesWhatTheConstraintsDo(t *testing.T) {
	for _, p := range profiles {
		in := readJSON(t, initiative(p))
		built := constraints(t, p)
		excludedDefault := dig(in, "properties", "parameters", "excludedNamespaces", "defaultValue")
		refs, _ := dig(in, "properties", "policyDefinitions").([]any)
		require.NotEmpty(t, refs)
		for _, r := range refs {
			ref := r.(map[string]any)
			id := ref["policyDefinitionReferenceId"].(string)
			cons, ok := built[strings.ToLower(id)]
			require.True(t, ok, "%s: profile %s has no constraint %s", initiative(p), p, id)
			def := readJSON(t, filepath.Join(generated("azure-policy"), "definitions", "shipshape-"+strings.ToLower(id)+".json"))

			params, _ := dig(cons, "spec", "parameters").(map[string]any)
			refParams := ref["parameters"].(map[string]any)
			for name, want := range params {
				assert.Equal(t, want, dig(refParams, name, "value"), "%s %s: parameter %s", p, id, name)
				assert.Equal(t, "[parameters('"+name+"')]", dig(def, "properties", "policyRule", "then", "details", "values", name), "%s %s: value %s", p, id, name)
			}
			excluded := dig(cons, "spec", "match", "excludedNamespaces")
			if excluded == nil {
				assert.Equal(t, []any{}, dig(refParams, "excludedNamespaces", "value"), "%s %s judges system namespaces itself", p, id)
			} else {
				assert.Equal(t, excluded, excludedDefault, "%s %s: excluded namespaces", p, id)
				assert.Equal(t, "[parameters('excludedNamespaces')]", dig(refParams, "excludedNamespaces", "value"))
			}

			var groups, kinds []any
			for _, k := range dig(cons, "spec", "match", "kinds").([]any) {
				for _, g := range dig(k, "apiGroups").([]any) {
					if !contains(groups, g) {
						groups = append(groups, g)
					}
				}
				for _, kind := range dig(k, "kinds").([]any) {
					if !contains(kinds, kind) {
						kinds = append(kinds, kind)
					}
				}
			}
			assert.Equal(t, groups, dig(def, "properties", "policyRule", "then", "details", "apiGroups"), "%s %s: apiGroups", p, id)
			assert.Equal(t, kinds, dig(def, "properties", "policyRule", "then", "details", "kinds"), "%s %s: kinds", p, id)
		}
	}
}

func contains(list []any, v any) bool {
	for _, e := range list {
		if e == v {
			return true
		}
	}
	return false
}
