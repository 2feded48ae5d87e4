package azure

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// FuzzNormalize feeds arbitrary JSON to the ARM / az CLI / Terraform plan
// normaliser: it must never panic, every resource must be a JSON object of
// this API version with a string kind, and Locate must answer for every
// field.
func FuzzNormalize(f *testing.F) {
	seeds, _ := filepath.Glob("../../library/testdata/azure/*.json")
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	for _, s := range []string{
		`{"format_version":"1.2","planned_values":{"root_module":{"resources":[{"type":"azurerm_kubernetes_cluster","name":"a","values":{"name":"a","oidc_issuer_enabled":null}}],"child_modules":[{"resources":[]}]}}}`,
		`{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#","resources":[{"type":"Microsoft.ContainerService/managedClusters","name":"[parameters('n')]","properties":{"enableRBAC":true},"resources":[{"type":"x"}]}]}`,
		`[{"type":"Microsoft.ContainerRegistry/registries","name":"r","properties":{"adminUserEnabled":"true"}}]`,
		`{"id":"/subscriptions/x/resourceGroups/y/providers/Microsoft.ContainerService/managedClusters/z","type":"Microsoft.ContainerService/ManagedClusters","properties":null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var doc any
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if dec.Decode(&doc) != nil {
			return
		}
		for _, r := range Normalize(doc) {
			if r.Value["apiVersion"] != APIVersion {
				t.Fatalf("apiVersion = %v", r.Value["apiVersion"])
			}
			if _, ok := r.Value["kind"].(string); !ok {
				t.Fatalf("kind = %#v", r.Value["kind"])
			}
			if _, err := json.Marshal(r.Value); err != nil {
				t.Fatalf("not JSON: %v", err)
			}
			walk(r.Value, nil, func(path []any) {
				if r.Locate != nil {
					_ = r.Locate(path)
				}
			})
		}
	})
}

func walk(v any, path []any, visit func([]any)) {
	visit(path)
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			walk(c, append(append([]any{}, path...), k), visit)
		}
	case []any:
		for i, c := range x {
			walk(c, append(append([]any{}, path...), i), visit)
		}
	}
}
