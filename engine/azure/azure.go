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
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/shipshape-dev/shipshape/engine/azure/armexpr"
)

// Identity of normalised objects.
const (
	Group                 = "azure.shipshape.dev"
	APIVersion            = Group + "/v1"
	KindManagedCluster    = "ManagedCluster"
	KindContainerRegistry = "ContainerRegistry"
	KindPrivateEndpoint   = "PrivateEndpoint"
	KindDiagnosticSetting = "DiagnosticSetting"
	KindSecurityPricing   = "SecurityPricing"
	KindClusterExtension  = "ClusterExtension"
	KindRoleAssignment    = "RoleAssignment"
	// KindReplication is a registry's geo-replication written apart from
	// the registry (a template that does not hold it, az acr replication
	// list); SS-ACR-004 counts it for the registry it names.
	KindReplication = "Replication"
	// KindAgentPool is an agent pool written apart from its cluster (a
	// template that does not hold it, az aks nodepool list); it is listed
	// as not judged, since its settings are judged with its cluster.
	KindAgentPool = "AgentPool"
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
func Normalize(doc any) []Resource { return NormalizeWith(doc, nil) }

// NormalizeWith is Normalize with the values of an ARM template's
// parameters (a parameters file's "parameters" object: name → {value}),
// which win over the template's defaults.
func NormalizeWith(doc any, parameters map[string]any) []Resource {
	switch v := doc.(type) {
	case map[string]any:
		switch {
		case isTerraformPlan(v):
			return terraformPlan(v)
		case isARMTemplate(v):
			var out []Resource
			armResources(v["resources"], []any{"resources"}, templateContext(v, parameters), &out)
			return attachPieces(out)
		default:
			if r, ok := exported(v, nil); ok {
				return attachPieces([]Resource{r})
			}
		}
	case []any:
		// az ... list prints an array of resources, and so does
		// PowerShell's Get-AzResource | ConvertTo-Json.
		var out []Resource
		for i, item := range v {
			if m, ok := item.(map[string]any); ok {
				if r, ok := exported(m, []any{i}); ok {
					out = append(out, r)
				}
			}
		}
		return attachPieces(out)
	}
	return nil
}

// exported normalises one resource as az or PowerShell prints it, when it
// is of a kind shipshape judges. PowerShell names the envelope in
// PascalCase (Name, Type or ResourceType, Properties, Sku, Identity):
// read like ARM's, with findings still on the keys as written.
func exported(m map[string]any, at []any) (Resource, bool) {
	m, written := canonicalEnvelope(m)
	printed := m
	if len(written) > 0 {
		m = powerShellValues(m, "").(map[string]any)
	}
	var (
		r  Resource
		ok = true
	)
	switch typ := str(m["type"]); {
	case isAgentPool(typ):
		r = agentPoolResource(m, at)
	case isReplication(typ):
		r = replicationResource(m, at)
	case armKind(typ) == "":
		return Resource{}, false
	default:
		r, ok = resourceJSON(m, at)
	}
	if !ok || len(written) == 0 {
		return r, ok
	}
	locate := r.Locate
	r.Locate = func(path []any) []any {
		out := locate(path)
		if len(out) > len(at) {
			out = append(out[:len(at):len(at)], asPrinted(printed, out[len(at):])...)
		}
		if len(out) > len(at) {
			if key, ok := out[len(at)].(string); ok && written[key] != "" {
				out = append(append(append([]any{}, out[:len(at)]...), written[key]), out[len(at)+1:]...)
			}
		}
		return out
	}
	return r, true
}

// asPrinted drops from a path into a resource the list indexes where
// PowerShell printed a list of one as its element, so that the path finds
// the element's lines.
func asPrinted(v any, path []any) []any {
	out := make([]any, 0, len(path))
	for n, seg := range path {
		if i, isIndex := index(seg); isIndex {
			list, isList := v.([]any)
			if !isList {
				continue
			}
			out = append(out, seg)
			if i < 0 || i >= len(list) {
				return append(out, path[n+1:]...)
			}
			v = list[i]
			continue
		}
		key, _ := seg.(string)
		out = append(out, seg)
		m, _ := v.(map[string]any)
		v = nil
		for k, e := range m {
			if strings.EqualFold(k, key) {
				v = e
				break
			}
		}
	}
	return out
}

// listKeys are the settings Azure gives as lists, which PowerShell's
// ConvertTo-Json prints as their one element when they hold one (no
// -AsArray): an object for agentPoolProfiles, a string for nodeTaints.
var listKeys = map[string]bool{
	"agentpoolprofiles": true, "nodetaints": true, "authorizedipranges": true, "availabilityzones": true,
	"zones": true, "iprules": true, "virtualnetworkrules": true, "publickeys": true, "logs": true,
	"metrics": true, "privateendpointconnections": true,
}

// powerShellValues reads a value as PowerShell printed it: a list of one
// printed as its element becomes a list again, and .NET's "True" and
// "False" become booleans (but in an add-on's config, whose values Azure
// keeps as strings). The source is not changed: findings are located in
// it as written.
func powerShellValues(v any, key string) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			if strings.EqualFold(key, "config") {
				out[k] = e
				continue
			}
			e = powerShellValues(e, k)
			if listKeys[strings.ToLower(k)] {
				switch e.(type) {
				case []any, nil:
				default:
					e = []any{e}
				}
			}
			out[k] = e
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = powerShellValues(e, key)
		}
		return out
	case string:
		switch t {
		case "True":
			return true
		case "False":
			return false
		}
	}
	return v
}

// envelopeKeys are the names of a resource's envelope, as ARM writes them,
// by their lower-cased spelling; PowerShell's ResourceType, ResourceName
// and ResourceId stand for type, name and id, and for an extension
// resource (a diagnostic setting) ExtensionResourceType and
// ExtensionResourceName do, its ResourceType being its parent's.
var envelopeKeys = map[string]string{
	"extensionresourcetype": "type", "extensionresourcename": "name",
	"type": "type", "resourcetype": "type", "name": "name", "resourcename": "name", "id": "id", "resourceid": "id",
	"properties": "properties", "scope": "scope", "location": "location", "sku": "sku", "identity": "identity",
	"kind": "kind", "zones": "zones", "tags": "tags",
}

// canonicalEnvelope returns m with its envelope keys spelled as ARM spells
// them, and the written key of each it renamed; m itself when it already
// has a "type".
func canonicalEnvelope(m map[string]any) (map[string]any, map[string]string) {
	if _, ok := m["type"]; ok {
		return m, nil
	}
	out := make(map[string]any, len(m))
	written := map[string]string{}
	// Extension* first, then sorted, so that of Type and ResourceType the
	// same one wins every time.
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		ei, ej := strings.HasPrefix(strings.ToLower(keys[i]), "extension"), strings.HasPrefix(strings.ToLower(keys[j]), "extension")
		if ei != ej {
			return ei
		}
		return keys[i] < keys[j]
	})
	for _, k := range keys {
		canonical, ok := envelopeKeys[strings.ToLower(k)]
		if !ok || k == canonical {
			out[k] = m[k]
			continue
		}
		if m[k] == nil && (canonical == "type" || canonical == "name") {
			continue // ExtensionResourceType: null on a resource that is none
		}
		if _, taken := out[canonical]; taken {
			continue
		}
		out[canonical] = m[k]
		written[canonical] = k
	}
	return out, written
}

func isARMTemplate(m map[string]any) bool {
	_, hasResources := m["resources"]
	schema := strings.ToLower(str(m["$schema"]))
	return hasResources && (strings.Contains(schema, "deploymenttemplate") || m["contentVersion"] != nil)
}

// templateContext is what a template's expressions read: its parameters
// (the given values, else the defaults, themselves evaluated) and its
// variables.
func templateContext(tmpl map[string]any, given map[string]any) *armexpr.Context {
	ctx := &armexpr.Context{Parameters: map[string]any{}, AllowedValues: map[string][]any{}}
	ctx.Variables, _ = tmpl["variables"].(map[string]any)
	declared, _ := tmpl["parameters"].(map[string]any)
	for name, decl := range declared {
		d, _ := decl.(map[string]any)
		if g, ok := lookupFold(given, name); ok {
			if gm, ok := g.(map[string]any); ok {
				if v, ok := gm["value"]; ok {
					ctx.Parameters[name] = v // a value given: the choice is made
					continue
				}
			}
		}
		if allowed, ok := d["allowedValues"].([]any); ok {
			ctx.AllowedValues[name] = allowed
		}
		if def, ok := d["defaultValue"]; ok {
			ctx.Parameters[name] = ctx.Eval(def)
			continue
		}
		if d["nullable"] == true {
			ctx.Parameters[name] = nil // Bicep's string?: null unless given
			continue
		}
		ctx.Parameters[name] = armexpr.Unresolved{Expr: "[parameters('" + name + "')]"}
	}
	return ctx
}

func lookupFold(m map[string]any, key string) (any, bool) {
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// armResources walks a template's resources, their child resources and
// nested deployments (Microsoft.Resources/deployments with an inline
// template), evaluating their expressions. A resource whose condition is
// false is not deployed, so it is left out with its children; one whose
// condition cannot be decided is kept, and says so (spec.unresolved).
func armResources(list any, at []any, ctx *armexpr.Context, out *[]Resource) {
	items, keys := resourceList(list)
	for i, item := range items {
		raw, ok := item.(map[string]any)
		if !ok {
			continue
		}
		path := append(append([]any{}, at...), keys[i])
		var unresolved []any
		if cond, has := raw["condition"]; has {
			switch c := ctx.Eval(cond).(type) {
			case bool:
				if !c {
					continue
				}
			case armexpr.Unresolved:
				unresolved = append(unresolved, map[string]any{"path": []any{"condition"}, "expression": c.Expr})
			}
		}
		m := evalResource(raw, ctx)
		choices := parameterChoices(raw, ctx)
		if u, ok := m["properties"].(armexpr.Unresolved); ok {
			// Every property hides behind one expression (union(...) in
			// Bicep output): said, never read as "no properties".
			unresolved = append(unresolved, map[string]any{"path": []any{"spec"}, "expression": u.Expr})
		}
		typ := str(m["type"])
		if kind := armKind(typ); kind != "" {
			r := fromProperties(m, path, kind, FormatARM)
			spec := r.Value["spec"].(map[string]any)
			unresolved = append(unresolved, takeUnresolved(spec, []any{"spec"})...)
			if len(unresolved) > 0 {
				spec["unresolved"] = unresolved
			}
			if len(choices) > 0 {
				r.Value[ParameterizedKey] = choices
			}
			*out = append(*out, origin(r, raw, path))
		}
		if isReplication(typ) {
			*out = append(*out, origin(replicationResource(m, path), raw, path))
		}
		if isAgentPool(typ) {
			*out = append(*out, origin(agentPoolResource(m, path), raw, path))
		}
		if strings.EqualFold(typ, "Microsoft.Resources/deployments") {
			props, _ := raw["properties"].(map[string]any)
			if tmpl, ok := props["template"].(map[string]any); ok {
				nested := ctx
				if opts, _ := props["expressionEvaluationOptions"].(map[string]any); strings.EqualFold(str(opts["scope"]), "inner") {
					values, _ := ctx.Eval(props["parameters"]).(map[string]any)
					nested = templateContext(tmpl, values)
				}
				armResources(tmpl["resources"], append(append([]any{}, path...), "properties", "template", "resources"), nested, out)
			}
		}
		if children, ok := raw["resources"]; ok {
			armResources(children, append(append([]any{}, path...), "resources"), ctx, out)
		}
	}
}

// DeploymentKey names the deployment a template's resource belongs to,
// beside spec: the path of its nested deployment in the template ("" at
// the top, so absent); the reader adds the file. A reference that cannot
// be resolved (parameters('aksName') with no value) resolves inside its own
// deployment only.
const DeploymentKey = "deployment"

// NameExpressionKey keeps, beside spec, the expression a resource's name
// was written as ("[parameters('aksName')]"), so a reference elsewhere in
// the deployment that repeats the expression is known to name it.
const NameExpressionKey = "nameexpression"

// origin records where a template's resource comes from: its nested
// deployment and the expression its name was written as.
func origin(r Resource, raw map[string]any, path []any) Resource {
	if d := deploymentOf(path); d != "" {
		r.Value[DeploymentKey] = d
	}
	if name, _ := raw["name"].(string); armexpr.IsExpression(name) {
		r.Value[NameExpressionKey] = name
	}
	return r
}

// deploymentOf renders the path of the nested deployment whose template
// holds the resource at path: up to its last "template" segment.
func deploymentOf(path []any) string {
	end := -1
	for i, seg := range path {
		if seg == "template" {
			end = i
		}
	}
	if end < 0 {
		return ""
	}
	var b strings.Builder
	for _, seg := range path[:end+1] {
		if s, ok := seg.(string); ok {
			b.WriteString("." + s)
		} else {
			fmt.Fprintf(&b, "[%v]", seg)
		}
	}
	return strings.TrimPrefix(b.String(), ".")
}

// ParameterizedKey names the list, beside spec, of the settings that are a
// template parameter with allowedValues: {path, parameter, value, allowed}.
// The scan judges the object once for each allowed value, so a setting
// whose default is compliant but whose other allowed values are not is
// still reported.
const ParameterizedKey = "parameterized"

// directParameter matches a value that is exactly one parameter.
var directParameter = regexp.MustCompile(`^\[\s*parameters\(\s*'([^']+)'\s*\)\s*\]$`)

// parameterChoices finds the resource's settings that are exactly a
// parameter with allowedValues, as normalised paths (lower-cased, under
// spec).
func parameterChoices(raw map[string]any, ctx *armexpr.Context) []any {
	var out []any
	var walk func(v any, path []any)
	walk = func(v any, path []any) {
		switch t := v.(type) {
		case string:
			m := directParameter.FindStringSubmatch(t)
			if m == nil {
				return
			}
			allowed := ctx.Allowed(m[1])
			if len(allowed) < 2 {
				return
			}
			value := ctx.Eval(t)
			if u, ok := value.(armexpr.Unresolved); ok {
				value = u.Expr
			}
			out = append(out, map[string]any{"path": path, "parameter": m[1], "value": value, "allowed": allowed})
		case map[string]any:
			// In key order: the choices, and the notes they add to
			// messages, come out the same every run.
			keys := make([]string, 0, len(t))
			for k := range t {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(t[k], append(append([]any{}, path...), strings.ToLower(k)))
			}
		case []any:
			for i, e := range t {
				walk(e, append(append([]any{}, path...), i))
			}
		}
	}
	props, _ := raw["properties"].(map[string]any)
	walk(props, []any{"spec"})
	for k, v := range raw {
		if isTopLevel(k) {
			walk(v, []any{"spec", strings.ToLower(k)})
		}
	}
	return out
}

// resourceList returns a template's resources and the path key of each:
// the index in an array, or the symbolic name in the object that templates
// with languageVersion 2.0 (Bicep with symbolic names) use, in name order.
func resourceList(list any) ([]any, []any) {
	switch t := list.(type) {
	case []any:
		keys := make([]any, len(t))
		for i := range t {
			keys[i] = i
		}
		return t, keys
	case map[string]any:
		names := make([]string, 0, len(t))
		for name := range t {
			names = append(names, name)
		}
		sort.Strings(names)
		items, keys := make([]any, len(names)), make([]any, len(names))
		for i, name := range names {
			items[i], keys[i] = t[name], name
		}
		return items, keys
	}
	return nil, nil
}

// evalResource evaluates a resource's expressions, except its child
// resources and a nested deployment's template, which are evaluated where
// they are walked (in their own scope).
func evalResource(raw map[string]any, ctx *armexpr.Context) map[string]any {
	shallow := make(map[string]any, len(raw))
	for k, v := range raw {
		if k == "resources" || k == "condition" {
			continue
		}
		if k == "properties" && strings.EqualFold(str(raw["type"]), "Microsoft.Resources/deployments") {
			continue
		}
		shallow[k] = v
	}
	m, _ := ctx.Eval(shallow).(map[string]any)
	return m
}

// takeUnresolved lists the values of a normalised spec that could not be
// evaluated as {path, expression}, for SS-AKS-023 to report each, and puts
// the expression's text in their place: a control that needs a literal
// (adminUserEnabled false) still sees that it has none.
func takeUnresolved(v any, at []any) []any {
	var out []any
	// visit handles one member: an unresolved value is listed and replaced
	// by its text (set), anything else is searched in turn.
	visit := func(key any, e any, set func(string)) {
		p := append(append([]any{}, at...), key)
		if u, ok := e.(armexpr.Unresolved); ok {
			set(u.Expr)
			out = append(out, map[string]any{"path": p, "expression": u.Expr})
			return
		}
		out = append(out, takeUnresolved(e, p)...)
	}
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			visit(k, e, func(s string) { t[k] = s })
		}
	case []any:
		for i, e := range t {
			visit(i, e, func(s string) { t[i] = s })
		}
	}
	return out
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
	if v := str(m["apiVersion"]); v != "" {
		// Some settings' names depend on it (sku.tier Paid became
		// Standard in 2023-02-01).
		spec["apiversion"] = v
	}
	spec["resourcetype"] = strings.ToLower(str(m["type"]))
	value := object(kind, nameOf(m["name"]), format, spec)
	withLocation(value, m)
	return Resource{Value: value, Locate: func(path []any) []any {
		if len(path) == 1 && path[0] == "condition" {
			return append(append([]any{}, at...), "condition")
		}
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
	withLocation(value, m)
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
	if scope := nameOf(m["scope"]); scope != "" {
		// An expression still names what it can: its type and the
		// expression of the name (format('.../registries/{0}',
		// parameters('acrName'))).
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

// nameOf is a resource's name: the evaluated string, or the expression it
// could not be evaluated from.
func nameOf(v any) string {
	if u, ok := v.(armexpr.Unresolved); ok {
		return u.Expr
	}
	return str(v)
}

// withLocation records, beside spec, the region a resource is deployed to
// when it is written as a literal (a registry's own region is not a
// geo-replication).
func withLocation(value, m map[string]any) {
	if loc, ok := m["location"].(string); ok && loc != "" && !armexpr.IsExpression(loc) {
		value["location"] = loc
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
		// In key order, so that of two spellings of one key the same one
		// wins every run.
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if e := t[k]; e != nil {
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

func isAgentPool(typ string) bool {
	t := strings.ToLower(typ)
	return t == "microsoft.containerservice/managedclusters/agentpools" || t == "agentpools"
}

func isReplication(typ string) bool {
	t := strings.ToLower(typ)
	return t == replicationType || t == "replications"
}

// pieceResource reads a resource that belongs to a parent (an agent pool
// of a cluster, a replication of a registry): its parent's name comes from
// "<parent>/<piece>", else from its ID, else it is "" (a child declared
// inside its parent in a template).
func pieceResource(m map[string]any, at []any, kind, idMarker string) (Resource, map[string]any, string) {
	var r Resource
	if _, ok := m["properties"].(map[string]any); ok {
		r = fromProperties(m, at, kind, FormatARM)
	} else {
		r, _ = resourceJSON(m, at) // az prints a pool's properties flattened
		r.Value["kind"] = kind
	}
	spec := r.Value["spec"].(map[string]any)
	delete(spec, "resourcetype")
	name := nameOf(m["name"])
	_, unresolved := m["name"].(armexpr.Unresolved)
	parent, piece, found := strings.Cut(name, "/")
	if unresolved || armexpr.IsExpression(name) {
		// Its parent is named by what only the deployment knows: no
		// resource's name is that expression.
		parent, piece, found = unknownParent+name, name, true
	}
	if !found {
		parent, piece = "", parent
		id := strings.ToLower(str(m["id"]))
		if i := strings.Index(id, idMarker); i >= 0 {
			parent = id[i+len(idMarker):]
			parent, _, _ = strings.Cut(parent, "/")
		}
	}
	return r, spec, parent + "\x00" + piece
}

// agentPoolResource reads a Microsoft.ContainerService/managedClusters/
// agentPools resource ("<cluster>/<pool>", or "<pool>" as a child, or az
// aks nodepool output), to be merged into its cluster's agentPoolProfiles.
func agentPoolResource(m map[string]any, at []any) Resource {
	r, spec, names := pieceResource(m, at, KindAgentPool, "/managedclusters/")
	cluster, pool, _ := strings.Cut(names, "\x00")
	spec[poolUnresolvedKey] = takeUnresolved(spec, nil)
	spec["name"] = pool
	spec[parentKey] = cluster
	return r
}

// replicationResource reads a registry's replication ("<registry>/<location>"
// or "<location>" as a child, or az acr replication output), to be added to
// its registry's replications.
func replicationResource(m map[string]any, at []any) Resource {
	r, spec, names := pieceResource(m, at, KindReplication, "/registries/")
	registry, location, _ := strings.Cut(names, "\x00")
	if loc := str(m["location"]); loc != "" && !armexpr.IsExpression(loc) {
		location = loc
	}
	for k := range spec {
		delete(spec, k)
	}
	spec["location"] = location
	spec[parentKey] = registry
	return r
}

// poolUnresolvedKey holds a separate pool's unevaluated values until the
// pool is merged into its cluster.
const poolUnresolvedKey = "\x00unresolved"

// parentKey holds the name of the cluster or registry a piece belongs to
// until it is attached ("" for a child of the resource before it).
const parentKey = "\x00parent"

// attachPieces merges separate agent pools into the agentPoolProfiles of
// the cluster they name (a child: the cluster declared before it), and
// replications into their registry's replications, so the controls judge
// them with it. A piece whose parent the document does not hold is kept
// on its own: a replication, for SS-ACR-004 to count for its registry
// wherever the scan holds it; a pool, listed as not judged with why.
func attachPieces(out []Resource) []Resource {
	type piece struct {
		r     Resource
		after int // owners kept before it: a child's parent is the last
	}
	var (
		kept   []Resource
		pieces []piece
	)
	for _, r := range out {
		if kind := r.Value["kind"]; kind == KindAgentPool || kind == KindReplication {
			pieces = append(pieces, piece{r, len(kept)})
			continue
		}
		kept = append(kept, r)
	}
	for _, p := range pieces {
		kind := p.r.Value["kind"].(string)
		ownerKind := KindManagedCluster
		if kind == KindReplication {
			ownerKind = KindContainerRegistry
		}
		spec := p.r.Value["spec"].(map[string]any)
		parent := str(spec[parentKey])
		owner := -1
		for i := range kept {
			if kept[i].Value["kind"] != ownerKind {
				continue
			}
			meta, _ := kept[i].Value["metadata"].(map[string]any)
			switch {
			case parent != "" && strings.EqualFold(str(meta["name"]), parent):
				owner = i
			case parent == "" && i < p.after:
				owner = i // the last one declared before it
			}
		}
		if owner < 0 {
			kept = append(kept, standalone(p.r, kind, parent))
			continue
		}
		delete(spec, parentKey)
		if kind == KindReplication {
			ownerSpec := kept[owner].Value["spec"].(map[string]any)
			list, _ := ownerSpec["replications"].([]any)
			ownerSpec["replications"] = append(list, map[string]any{"location": spec["location"]})
			continue
		}
		attachPool(&kept[owner], p.r)
	}
	return kept
}

// standalone is a piece kept on its own: it names the resource it belongs
// to (spec.target, as a resource ID would) and, for a pool, why it is not
// judged.
func standalone(r Resource, kind, parent string) Resource {
	spec := r.Value["spec"].(map[string]any)
	delete(spec, parentKey)
	expr, unknown := strings.CutPrefix(parent, unknownParent)
	if unknown {
		parent = ""
	}
	if kind == KindReplication {
		switch {
		case unknown:
			r.Value[NotJudgedKey] = fmt.Sprintf("a geo-replication of a registry whose name, %s, cannot be evaluated before deployment: SS-ACR-004 counts it for its registry only when the scan can tell which that is", expr)
		case parent != "":
			spec["target"] = "microsoft.containerregistry/registries/" + strings.ToLower(parent)
			r.Value[NotJudgedKey] = fmt.Sprintf("a geo-replication of registry %q: SS-ACR-004 counts it for that registry when the scan holds it (its template or az acr show output)", parent)
		default:
			r.Value[NotJudgedKey] = "a geo-replication of its registry: SS-ACR-004 counts it for that registry when the scan holds it (its template or az acr show output)"
		}
		return r
	}
	pending, _ := spec[poolUnresolvedKey].([]any)
	delete(spec, poolUnresolvedKey)
	for _, e := range pending {
		// Paths from the object, as every other object's are.
		entry := e.(map[string]any)
		rel, _ := entry["path"].([]any)
		entry["path"] = append([]any{"spec"}, rel...)
	}
	if len(pending) > 0 {
		spec["unresolved"] = pending
	}
	const judgedWith = "node pool settings are judged with their cluster, so scan the template, plan or az aks show output that holds it too (az aks show lists every pool)"
	switch {
	case unknown:
		r.Value[NotJudgedKey] = fmt.Sprintf("an agent pool of a cluster whose name, %s, cannot be evaluated before deployment: %s", expr, judgedWith)
	case parent != "":
		spec["target"] = "microsoft.containerservice/managedclusters/" + strings.ToLower(parent)
		r.Value[NotJudgedKey] = fmt.Sprintf("an agent pool of cluster %q, which the scan does not hold: %s", parent, judgedWith)
	default:
		r.Value[NotJudgedKey] = "an agent pool of its cluster, which the scan does not hold: " + judgedWith
	}
	return r
}

// unknownParent marks the parent of a piece whose name is an expression
// only the deployment evaluates.
const unknownParent = "\x01unknown:"

// NotJudgedKey says, beside spec, why no control judges the object.
const NotJudgedKey = "notjudged"

// attachPool appends a separate pool to its cluster's agentPoolProfiles,
// its unevaluated values to the cluster's, and points its fields at the
// pool resource's own lines.
func attachPool(c *Resource, pr Resource) {
	pool := pr.Value["spec"].(map[string]any)
	pending, _ := pool[poolUnresolvedKey].([]any)
	delete(pool, poolUnresolvedKey)
	spec := c.Value["spec"].(map[string]any)
	list, _ := spec["agentpoolprofiles"].([]any)
	at := [3]any{"spec", "agentpoolprofiles", len(list)}
	spec["agentpoolprofiles"] = append(list, pool)
	for _, e := range pending {
		entry := e.(map[string]any)
		rel, _ := entry["path"].([]any)
		entry["path"] = append(append([]any{}, at[:]...), rel...)
		existing, _ := spec["unresolved"].([]any)
		spec["unresolved"] = append(existing, entry)
	}
	c.Locate = poolLocator(c.Locate, at, pr.Locate)
}

// poolLocator points the fields of a pool merged into its cluster at
// (spec.agentpoolprofiles[i]) at the pool resource's own lines.
func poolLocator(cluster func([]any) []any, at [3]any, pool func([]any) []any) func([]any) []any {
	return func(path []any) []any {
		if len(path) >= len(at) && path[0] == at[0] && path[1] == at[1] {
			if i, ok := index(path[2]); ok && i == at[2] {
				return pool(append([]any{"spec"}, path[len(at):]...))
			}
		}
		return cluster(path)
	}
}

// NothingJudged names the resource types of an Azure resource document in
// which Normalize found nothing to judge (an ARM template of a virtual
// network, az output of VMs), up to three, so the reader can say what the
// document was rather than "not a Kubernetes object"; ok is false for
// other documents.
func NothingJudged(doc any) (types []string, ok bool) {
	seen := map[string]bool{}
	add := func(m map[string]any) bool {
		typ := str(m["type"])
		if typ == "" {
			typ = str(m["Type"])
		}
		if !strings.Contains(typ, "/") || !strings.HasPrefix(strings.ToLower(typ), "microsoft.") {
			return false
		}
		if !seen[typ] && len(seen) < 3 {
			seen[typ] = true
			types = append(types, typ)
		}
		return true
	}
	switch v := doc.(type) {
	case map[string]any:
		switch {
		case isTerraformPlan(v):
			ok = true
		case isARMTemplate(v):
			items, _ := resourceList(v["resources"])
			for _, item := range items {
				if m, isMap := item.(map[string]any); isMap {
					add(m)
				}
			}
			ok = true
		default:
			ok = add(v)
		}
	case []any:
		ok = len(v) > 0
		for _, item := range v {
			m, isMap := item.(map[string]any)
			if !isMap || !add(m) {
				return nil, false
			}
		}
	}
	return types, ok
}
