package export

import (
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/shipshape-dev/shipshape/engine/eval"
	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/engine/profile"
	"github.com/shipshape-dev/shipshape/engine/schema"
)

// Azure Policy for Kubernetes identifiers.
const (
	AzureMode = "Microsoft.Kubernetes.Data"
	// DefaultDefinitionScope stands for the subscription or management
	// group the definitions are created in; replace it, or pass a scope.
	DefaultDefinitionScope = "/subscriptions/{subscriptionId}"
)

// AzureClusterTypes are the resource types the definitions apply to: AKS
// and Arc-connected clusters.
var azureClusterTypes = []string{"Microsoft.ContainerService/managedClusters", "Microsoft.Kubernetes/connectedClusters"}

// AzureDefaultExcludedNamespaces is the add-on's customary exclusion list.
var azureDefaultExcludedNamespaces = []string{"kube-system", "gatekeeper-system", "azure-arc", "azure-extensions-usage-system"}

//go:embed azure-definition.schema.json
var definitionSchemaJSON []byte

//go:embed azure-initiative.schema.json
var initiativeSchemaJSON []byte

// DefinitionSchema and InitiativeSchema return the JSON schemas every
// exported definition and initiative is validated against.
func DefinitionSchema() []byte { return definitionSchemaJSON }

// InitiativeSchema returns the JSON schema of an exported initiative.
func InitiativeSchema() []byte { return initiativeSchemaJSON }

// Azure Policy shapes, limited to what the export writes.
type (
	azureResource struct {
		Name       string `json:"name"`
		Properties any    `json:"properties"`
	}
	azureDefinition struct {
		DisplayName string                    `json:"displayName"`
		PolicyType  string                    `json:"policyType"`
		Mode        string                    `json:"mode"`
		Description string                    `json:"description"`
		Metadata    map[string]any            `json:"metadata"`
		Parameters  map[string]azureParameter `json:"parameters"`
		PolicyRule  azureRule                 `json:"policyRule"`
	}
	azureParameter struct {
		Type          string         `json:"type"`
		Metadata      azureParamMeta `json:"metadata"`
		AllowedValues []any          `json:"allowedValues,omitempty"`
		DefaultValue  any            `json:"defaultValue,omitempty"`
		Schema        map[string]any `json:"schema,omitempty"`
	}
	azureParamMeta struct {
		DisplayName string `json:"displayName"`
		Description string `json:"description"`
	}
	azureRule struct {
		If   map[string]any `json:"if"`
		Then struct {
			Effect  string       `json:"effect"`
			Details azureDetails `json:"details"`
		} `json:"then"`
	}
	azureDetails struct {
		TemplateInfo       map[string]string `json:"templateInfo"`
		APIGroups          []string          `json:"apiGroups"`
		Kinds              []string          `json:"kinds"`
		Namespaces         string            `json:"namespaces"`
		ExcludedNamespaces string            `json:"excludedNamespaces"`
		LabelSelector      string            `json:"labelSelector"`
		Values             map[string]string `json:"values,omitempty"`
	}
	azureInitiative struct {
		DisplayName       string                    `json:"displayName"`
		PolicyType        string                    `json:"policyType"`
		Description       string                    `json:"description"`
		Metadata          map[string]any            `json:"metadata"`
		Parameters        map[string]azureParameter `json:"parameters"`
		PolicyDefinitions []azureReference          `json:"policyDefinitions"`
	}
	azureReference struct {
		ReferenceID string                    `json:"policyDefinitionReferenceId"`
		ID          string                    `json:"policyDefinitionId"`
		Parameters  map[string]map[string]any `json:"parameters"`
	}
)

// Parameters every definition has besides the control's own.
const (
	paramEffect             = "effect"
	paramNamespaces         = "namespaces"
	paramExcludedNamespaces = "excludedNamespaces"
	paramLabelSelector      = "labelSelector"
)

// DefinitionName is the Azure resource name of a control's definition.
func DefinitionName(c *policy.Control) string { return "shipshape-" + ConstraintName(c) }

// Definition renders a control's Azure Policy definition. template is the
// Gatekeeper template it installs, embedded unless opts.TemplateBaseURL is
// set.
func Definition(c *policy.Control, template []byte, opts Options) ([]byte, error) {
	d := azureDefinition{
		DisplayName: fmt.Sprintf("[shipshape] %s: %s", c.ID, c.Title),
		PolicyType:  "Custom",
		Mode:        AzureMode,
		Description: c.Description,
		Metadata: map[string]any{
			"category":     "Kubernetes",
			"version":      opts.Version,
			"control":      c.ID,
			"severity":     string(c.Severity),
			"requirements": c.Requirements,
		},
		Parameters: commonParameters(profile.ActionDeny, nil),
	}
	d.Parameters[paramEffect] = effectParameter("audit")
	values := map[string]string{}
	defaults := c.Defaults()
	for _, name := range c.ParameterNames() {
		if _, taken := d.Parameters[name]; taken {
			return nil, fmt.Errorf("%s: parameter %q clashes with the definition's own %q parameter; rename it", c.ID, name, name)
		}
		p, err := controlParameter(c, name, defaults[name])
		if err != nil {
			return nil, err
		}
		d.Parameters[name] = p
		values[name] = fmt.Sprintf("[parameters('%s')]", name)
	}
	if TakesExemptImages(c) {
		// The template's own parameter (gatekeeper-library's name), passed
		// through: image-scoped exceptions set it in the initiative.
		d.Parameters[ExemptImagesParameter] = azureParameter{Type: "Array", DefaultValue: []any{}, Metadata: azureParamMeta{
			DisplayName: ExemptImagesParameter, Description: exemptImagesSchema()["description"].(string)}}
		values[ExemptImagesParameter] = fmt.Sprintf("[parameters('%s')]", ExemptImagesParameter)
	}
	d.PolicyRule.If = map[string]any{"field": "type", "in": azureClusterTypes}
	d.PolicyRule.Then.Effect = "[parameters('effect')]"
	details := azureDetails{
		Namespaces:         "[parameters('namespaces')]",
		ExcludedNamespaces: "[parameters('excludedNamespaces')]",
		LabelSelector:      "[parameters('labelSelector')]",
	}
	if opts.TemplateBaseURL != "" {
		details.TemplateInfo = map[string]string{"sourceType": "PublicURL", "url": strings.TrimSuffix(opts.TemplateBaseURL, "/") + "/" + TemplateName(c) + ".yaml"}
	} else {
		details.TemplateInfo = map[string]string{"sourceType": "Base64Encoded", "content": base64.StdEncoding.EncodeToString(template)}
	}
	for _, sel := range KindSelectors(c) {
		for _, g := range sel.APIGroups {
			details.APIGroups = appendUnique(details.APIGroups, g)
		}
		for _, k := range sel.Kinds {
			details.Kinds = appendUnique(details.Kinds, k)
		}
	}
	if len(values) > 0 {
		details.Values = values
	}
	d.PolicyRule.Then.Details = details
	return marshalAzure(azureResource{Name: DefinitionName(c), Properties: d}, definitionSchemaJSON)
}

// Initiative renders the policy set that assigns a profile: every
// definition, with the profile's parameters as values and its enforcement
// action and system namespaces as the initiative's defaults.
func Initiative(sel *profile.Selection, bindings []eval.Binding, opts Options) ([]byte, error) {
	p := sel.Profile
	scope := opts.DefinitionScope
	if scope == "" {
		scope = DefaultDefinitionScope
	}
	effect := "deny"
	if p.EnforcementAction == profile.ActionDryRun || p.EnforcementAction == profile.ActionWarn {
		effect = "audit" // Azure has no warn; audit reports without blocking
	}
	title := p.Title
	if title == "" {
		title = p.Name
	}
	in := azureInitiative{
		DisplayName: "[shipshape] " + title,
		PolicyType:  "Custom",
		Description: strings.TrimSpace(p.Description),
		Metadata:    map[string]any{"category": "Kubernetes", "version": opts.Version, "profile": p.Name},
		Parameters:  commonParameters(effect, sel.SystemNamespaces()),
	}
	for _, b := range bindings {
		c := b.Control
		ref := azureReference{
			ReferenceID: c.ID,
			ID:          strings.TrimSuffix(scope, "/") + "/providers/Microsoft.Authorization/policyDefinitions/" + DefinitionName(c),
			Parameters: map[string]map[string]any{
				paramEffect:        {"value": "[parameters('effect')]"},
				paramNamespaces:    {"value": "[parameters('namespaces')]"},
				paramLabelSelector: {"value": "[parameters('labelSelector')]"},
			},
		}
		switch {
		case slices.Equal(b.ExcludedNamespaces, sel.SystemNamespaces()) && len(b.ExcludedNamespaces) > 0:
			ref.Parameters[paramExcludedNamespaces] = map[string]any{"value": "[parameters('excludedNamespaces')]"}
		case len(b.ExcludedNamespaces) > 0:
			// Exceptions added namespaces for this control alone.
			ref.Parameters[paramExcludedNamespaces] = map[string]any{"value": b.ExcludedNamespaces}
		default:
			// The control judges system namespaces itself (it takes
			// systemNamespaces as a parameter).
			ref.Parameters[paramExcludedNamespaces] = map[string]any{"value": []string{}}
		}
		for _, name := range c.ParameterNames() {
			ref.Parameters[name] = map[string]any{"value": b.Parameters[name]}
		}
		if images, ok := b.Parameters[ExemptImagesParameter]; ok && TakesExemptImages(c) {
			ref.Parameters[ExemptImagesParameter] = map[string]any{"value": images}
		}
		in.PolicyDefinitions = append(in.PolicyDefinitions, ref)
	}
	return marshalAzure(azureResource{Name: "shipshape-" + p.Name, Properties: in}, initiativeSchemaJSON)
}

// AzurePolicy builds the Azure Policy export of a selection: a definition
// per admission control and the profile's initiative; with a template base
// URL, the templates to publish there too.
func AzurePolicy(lib *policy.Library, sel *profile.Selection, opts Options) ([]File, error) {
	var (
		files    []File
		bindings []eval.Binding
	)
	selected, exceptionFiles := withExceptions(sel.Bindings, opts, "Azure Policy")
	files = append(files, exceptionFiles...)
	for _, b := range selected {
		if !b.Control.Admission {
			continue
		}
		tmpl, err := Template(lib, b.Control, opts)
		if err != nil {
			return nil, fmt.Errorf("template for %s: %w", b.Control.ID, err)
		}
		def, err := Definition(b.Control, tmpl, opts)
		if err != nil {
			return nil, fmt.Errorf("definition for %s: %w", b.Control.ID, err)
		}
		files = append(files, File{"definitions/" + DefinitionName(b.Control) + ".json", def})
		if opts.TemplateBaseURL != "" {
			files = append(files, File{TemplatePath(b.Control), tmpl})
		}
		bindings = append(bindings, b)
	}
	if len(bindings) == 0 {
		return nil, fmt.Errorf("profile %s selects no admission control", sel.Profile.Name)
	}
	ini, err := Initiative(sel, bindings, opts)
	if err != nil {
		return nil, err
	}
	return append(files, File{"initiatives/shipshape-" + sel.Profile.Name + ".json", ini}), nil
}

func commonParameters(effect string, excluded []string) map[string]azureParameter {
	if excluded == nil {
		excluded = azureDefaultExcludedNamespaces
	}
	return map[string]azureParameter{
		paramEffect: effectParameter(effect),
		paramNamespaces: {Type: "Array", DefaultValue: []string{}, Metadata: azureParamMeta{
			DisplayName: "Namespace inclusions",
			Description: "Only objects in these namespaces are judged; empty judges every namespace.",
		}},
		paramExcludedNamespaces: {Type: "Array", DefaultValue: excluded, Metadata: azureParamMeta{
			DisplayName: "Namespace exclusions",
			Description: "Objects in these namespaces are not judged. Gatekeeper patterns apply: kube-* (prefix), *-system (suffix).",
		}},
		paramLabelSelector: {Type: "Object", DefaultValue: map[string]any{}, Schema: labelSelectorSchema, Metadata: azureParamMeta{
			DisplayName: "Kubernetes label selector",
			Description: "Only objects whose labels match this selector (matchLabels, matchExpressions) are judged; empty judges all.",
		}},
	}
}

func effectParameter(def string) azureParameter {
	return azureParameter{
		Type: "String", DefaultValue: def, AllowedValues: []any{"audit", "deny", "disabled"},
		Metadata: azureParamMeta{
			DisplayName: "Effect",
			Description: "audit reports violations in Azure Policy compliance, deny also blocks them at admission, disabled turns the policy off.",
		},
	}
}

var labelSelectorSchema = map[string]any{
	"type":                 "object",
	"additionalProperties": false,
	"properties": map[string]any{
		"matchLabels": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}},
		"matchExpressions": map[string]any{"type": "array", "items": map[string]any{
			"type":                 "object",
			"additionalProperties": false,
			"required":             []string{"key", "operator"},
			"properties": map[string]any{
				"key":      map[string]any{"type": "string"},
				"operator": map[string]any{"type": "string", "enum": []string{"In", "NotIn", "Exists", "DoesNotExist"}},
				"values":   map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
			},
		}},
	},
}

// controlParameter maps one of a control's parameters to an Azure Policy
// parameter. A union of types becomes a String (Kubernetes quantities are
// strings, and the control accepts them).
func controlParameter(c *policy.Control, name string, def any) (azureParameter, error) {
	props, _ := c.Parameters["properties"].(map[string]any)
	s, _ := props[name].(map[string]any)
	p := azureParameter{DefaultValue: def, Metadata: azureParamMeta{DisplayName: name, Description: fmt.Sprintf("Parameter %s of control %s.", name, c.ID)}}
	if d, ok := s["description"].(string); ok && d != "" {
		p.Metadata.Description = d
	}
	typ, err := schemaType(s["type"], "/properties/"+name)
	if err != nil {
		return p, fmt.Errorf("%s: %w", c.ID, err)
	}
	switch typ {
	case "string", "int-or-string", "any":
		p.Type = "String"
		if typ != "string" {
			if def != nil {
				p.DefaultValue = fmt.Sprint(def)
			}
		}
	case "integer":
		p.Type = "Integer"
	case "number":
		p.Type = "Float"
	case "boolean":
		p.Type = "Boolean"
	case "array":
		p.Type = "Array"
	case "object":
		p.Type, p.Schema = "Object", s
	default:
		return p, fmt.Errorf("%s: parameter %s has type %q, which Azure Policy cannot express", c.ID, name, typ)
	}
	if enum, ok := s["enum"].([]any); ok {
		p.AllowedValues = enum
	}
	return p, nil
}

// marshalAzure renders a resource as indented JSON and validates it
// against the export's schema for its shape.
func marshalAzure(v any, schemaJSON []byte) ([]byte, error) {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	s, err := schema.CompileJSON("azure.schema.json", schemaJSON)
	if err != nil {
		return nil, err
	}
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if err := s.Validate(doc); err != nil {
		return nil, fmt.Errorf("exported Azure Policy resource does not match its schema: %w", err)
	}
	return append(data, '\n'), nil
}

func appendUnique(list []string, s string) []string {
	for _, e := range list {
		if e == s {
			return list
		}
	}
	return append(list, s)
}
