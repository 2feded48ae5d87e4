// Package azure recognises Azure resource documents (ARM deployment
// templates with nested deployments, `az ... show` and exported resource
// JSON, and Terraform plan JSON) and normalises the AKS clusters and
// container registries in them into one object shape that controls judge,
// whatever the format (documented in docs/inputs.md).
//
// ARM and the Azure CLI spell properties differently (enableRBAC and
// enableRbac, osSKU and osSku), so every property name is lower-cased.
// Terraform's attributes are translated into the same shape. Each
// normalised field remembers where it came from, so findings point at the
// source line.
package azure

import (
	"strings"
)

// Identity of normalised objects.
const (
	APIVersion            = "azure.shipshape.dev/v1"
	KindManagedCluster    = "ManagedCluster"
	KindContainerRegistry = "ContainerRegistry"
	KindPrivateEndpoint   = "PrivateEndpoint"
	KindDiagnosticSetting = "DiagnosticSetting"
	KindSecurityPricing   = "SecurityPricing"
	KindClusterExtension  = "ClusterExtension"
	KindRoleAssignment    = "RoleAssignment"
)

// Source formats.
const (
	FormatARM       = "arm"
	FormatCLI       = "azcli"
	FormatTerraform = "terraform"
)

// armTypes maps lower-cased ARM resource types to normalised kinds.
func armKind(armType string) string {
	t := strings.ToLower(armType)
	switch t {
	case "microsoft.containerservice/managedclusters":
		return KindManagedCluster
	case "microsoft.containerregistry/registries":
		return KindContainerRegistry
	case "microsoft.network/privateendpoints":
		return KindPrivateEndpoint
	case "microsoft.insights/diagnosticsettings":
		return KindDiagnosticSetting
	case "microsoft.security/pricings":
		return KindSecurityPricing
	case "microsoft.kubernetesconfiguration/extensions", "microsoft.kubernetesconfiguration/fluxconfigurations":
		return KindClusterExtension
	case "microsoft.authorization/roleassignments":
		return KindRoleAssignment
	}
	// The older nested form: <resource type>/providers/diagnosticSettings.
	if strings.HasSuffix(t, "/providers/diagnosticsettings") {
		return KindDiagnosticSetting
	}
	return ""
}

// replicationType is a registry's geo-replication child resource.
const replicationType = "microsoft.containerregistry/registries/replications"

// Resource is one normalised resource.
type Resource struct {
	// Value is the normalised object.
	Value map[string]any
	// Locate maps a path in Value to the path in the source document of
	// the field it came from (as far as it is known).
	Locate func(path []any) []any
}

// Normalize returns the AKS clusters and registries a decoded JSON or YAML
// document holds, or nil when it is not an Azure resource document.
func Normalize(doc any) []Resource {
	switch v := doc.(type) {
	case map[string]any:
		switch {
		case isTerraformPlan(v):
			return terraformPlan(v)
		case isARMTemplate(v):
			var out []Resource
			armResources(v["resources"], []any{"resources"}, &out)
			return out
		case armKind(str(v["type"])) != "":
			if r, ok := resourceJSON(v, nil); ok {
				return []Resource{r}
			}
		}
	case []any:
		// az ... list prints an array of resources.
		var out []Resource
		for i, item := range v {
			if m, ok := item.(map[string]any); ok && armKind(str(m["type"])) != "" {
				if r, ok := resourceJSON(m, []any{i}); ok {
					out = append(out, r)
				}
			}
		}
		return out
	}
	return nil
}

func isARMTemplate(m map[string]any) bool {
	_, hasResources := m["resources"]
	schema := strings.ToLower(str(m["$schema"]))
	return hasResources && (strings.Contains(schema, "deploymenttemplate") || m["contentVersion"] != nil)
}

// armResources walks a template's resources, their child resources and
// nested deployments (Microsoft.Resources/deployments with an inline
// template).
func armResources(list any, at []any, out *[]Resource) {
	items, _ := list.([]any)
	for i, item := range items {
		m, ok := item.(map[string]any)
		if !ok {
			continue
		}
		path := append(append([]any{}, at...), i)
		typ := str(m["type"])
		if kind := armKind(typ); kind != "" {
			*out = append(*out, fromProperties(m, path, kind, FormatARM))
		}
		if strings.EqualFold(typ, replicationType) || strings.EqualFold(typ, "replications") {
			attachReplication(*out, m)
		}
		if strings.EqualFold(typ, "Microsoft.Resources/deployments") {
			if props, ok := m["properties"].(map[string]any); ok {
				if tmpl, ok := props["template"].(map[string]any); ok {
					armResources(tmpl["resources"], append(append([]any{}, path...), "properties", "template", "resources"), out)
				}
			}
		}
		if children, ok := m["resources"]; ok {
			armResources(children, append(append([]any{}, path...), "resources"), out)
		}
	}
}

// topLevel are resource fields that sit beside `properties` in ARM and
// that controls read as part of the spec.
var topLevel = [...]string{"sku", "identity", "zones", "kind"}

func isTopLevel(key string) bool {
	for _, k := range topLevel {
		if strings.EqualFold(k, key) {
			return true
		}
	}
	return false
}

// fromProperties normalises an ARM-shaped resource: spec is its properties
// plus sku, identity, zones and kind, every key lower-cased.
func fromProperties(m map[string]any, at []any, kind, format string) Resource {
	spec := map[string]any{}
	props, _ := m["properties"].(map[string]any)
	for k, v := range props {
		if v != nil {
			spec[strings.ToLower(k)] = lowerKeys(v)
		}
	}
	for k, v := range m {
		if isTopLevel(k) && v != nil {
			spec[strings.ToLower(k)] = lowerKeys(v)
		}
	}
	if target := targetOf(m); target != "" {
		spec["target"] = target
	}
	spec["resourcetype"] = strings.ToLower(str(m["type"]))
	value := object(kind, str(m["name"]), format, spec)
	return Resource{Value: value, Locate: func(path []any) []any {
		if len(path) < 2 || path[0] != "spec" {
			return at
		}
		key, _ := path[1].(string)
		src := append([]any{}, at...)
		var from any = m
		if !isTopLevel(key) {
			src = append(src, "properties")
			from = props
		}
		return append(src, originalPath(from, path[1:])...)
	}}
}

// resourceJSON normalises what `az aks show`, `az acr show` or an export
// prints: ARM-shaped with `properties`, or the CLI's flattened shape.
func resourceJSON(m map[string]any, at []any) (Resource, bool) {
	kind := armKind(str(m["type"]))
	if _, ok := m["properties"].(map[string]any); ok {
		r := fromProperties(m, at, kind, FormatARM)
		return r, true
	}
	if kind == KindRoleAssignment {
		if scope := str(m["scope"]); scope != "" {
			m = withTarget(m, scope)
		}
	}
	spec := map[string]any{}
	for k, v := range m {
		switch strings.ToLower(k) {
		case "id", "name", "type", "location", "tags", "resourcegroup", "systemdata", "etag":
			continue
		}
		if v == nil {
			continue
		}
		spec[strings.ToLower(k)] = lowerKeys(v)
	}
	if target := targetOf(m); target != "" {
		spec["target"] = target
	}
	spec["resourcetype"] = strings.ToLower(str(m["type"]))
	value := object(kind, str(m["name"]), FormatCLI, spec)
	return Resource{Value: value, Locate: func(path []any) []any {
		if len(path) < 2 || path[0] != "spec" {
			return at
		}
		return append(append([]any{}, at...), originalPath(m, path[1:])...)
	}}, true
}

// targetOf is the lower-cased reference to the resource an extension
// resource (a diagnostic setting) applies to: its ARM scope, the resource
// ID it sits under, or the parent named in a nested resource name.
func targetOf(m map[string]any) string {
	if scope := str(m["scope"]); scope != "" {
		return strings.ToLower(scope)
	}
	// An extension resource's ID is the target's ID plus its own.
	id := strings.ToLower(str(m["id"]))
	for _, marker := range []string{"/providers/microsoft.insights/", "/providers/microsoft.kubernetesconfiguration/"} {
		if i := strings.Index(id, marker); i > 0 {
			return id[:i]
		}
	}
	if t := strings.ToLower(str(m["type"])); t == "microsoft.authorization/roleassignments" {
		if props, ok := m["properties"].(map[string]any); ok {
			if scope := str(props["scope"]); scope != "" {
				return strings.ToLower(scope)
			}
		}
	}
	typ := strings.ToLower(str(m["type"]))
	if strings.HasSuffix(typ, "/providers/diagnosticsettings") {
		parent := strings.TrimSuffix(typ, "/providers/diagnosticsettings")
		name := strings.ToLower(str(m["name"]))
		if i := strings.Index(name, "/"); i > 0 {
			return parent + "/" + name[:i]
		}
	}
	return ""
}

// withTarget copies m with a scope for targetOf.
func withTarget(m map[string]any, scope string) map[string]any {
	out := make(map[string]any, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	out["scope"] = scope
	return out
}

// attachReplication adds an ARM replication child to the registry it
// belongs to ("<registry>/<location>"), as spec.replications.
func attachReplication(out []Resource, m map[string]any) {
	name := str(m["name"])
	registry, location, found := strings.Cut(name, "/")
	if !found {
		location = name
		registry = ""
	}
	for i := len(out) - 1; i >= 0; i-- {
		v := out[i].Value
		if v["kind"] != KindContainerRegistry {
			continue
		}
		meta, _ := v["metadata"].(map[string]any)
		if registry != "" && !strings.EqualFold(str(meta["name"]), registry) {
			continue
		}
		spec := v["spec"].(map[string]any)
		list, _ := spec["replications"].([]any)
		loc := str(m["location"])
		if loc == "" {
			loc = location
		}
		spec["replications"] = append(list, map[string]any{"location": loc})
		return
	}
}

func object(kind, name, format string, spec map[string]any) map[string]any {
	return map[string]any{
		"apiVersion": APIVersion,
		"kind":       kind,
		"metadata":   map[string]any{"name": name},
		"format":     format,
		"spec":       spec,
	}
}

// lowerKeys copies a value with every map key lower-cased and every null
// member dropped: `az` prints "availabilityZones": null for a pool without
// zones, which means unset, as a missing key does (a control must not see
// a null it cannot count).
func lowerKeys(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			if e != nil {
				out[strings.ToLower(k)] = lowerKeys(e)
			}
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = lowerKeys(e)
		}
		return out
	}
	return v
}

// originalPath turns a lower-cased path back into the source's spelling by
// matching keys case-insensitively; it stops where the source ends.
func originalPath(v any, path []any) []any {
	var out []any
	for _, seg := range path {
		switch t := v.(type) {
		case map[string]any:
			key, ok := seg.(string)
			if !ok {
				return out
			}
			found := ""
			for k := range t {
				if strings.EqualFold(k, key) {
					found = k
					break
				}
			}
			if found == "" {
				return out
			}
			out = append(out, found)
			v = t[found]
		case []any:
			i, ok := index(seg)
			if !ok {
				return out
			}
			out = append(out, i)
			if i < 0 || i >= len(t) {
				return out
			}
			v = t[i]
		default:
			return out
		}
	}
	return out
}

func index(seg any) (int, bool) {
	switch n := seg.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case float64:
		return int(n), float64(int(n)) == n
	case interface{ Int64() (int64, error) }:
		i, err := n.Int64()
		return int(i), err == nil
	}
	return 0, false
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
