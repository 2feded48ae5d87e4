package export

import (
	_ "embed"
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/types"

	"github.com/shipshape-dev/shipshape/engine/eval"
	"github.com/shipshape-dev/shipshape/engine/policy"
)

//go:embed external_data.rego
var externalDataRego string

const externalDataFile = "engine/export/external_data.rego"

// externalDataBuiltin declares Gatekeeper's external_data for compiling.
var externalDataBuiltin = &ast.Builtin{
	Name: "external_data",
	Decl: types.NewFunction(types.Args(types.A), types.A),
}

// ExternalDataKind is the constraint kind of a control's external data
// counterpart.
func ExternalDataKind(c *policy.Control) string { return ConstraintKind(c) + "ExternalData" }

// ExternalDataTemplate renders the Gatekeeper template that enforces a
// control at admission through an external data provider: the offline
// engine judges it from --evidence, Gatekeeper asks the provider.
func ExternalDataTemplate(lib *policy.Library, c *policy.Control, opts Options) ([]byte, error) {
	mod, err := ast.ParseModuleWithOpts(externalDataFile, externalDataRego, ast.ParserOptions{RegoVersion: ast.RegoV1})
	if err != nil {
		return nil, err
	}
	modules := map[string]*ast.Module{externalDataFile: mod}
	for name, m := range lib.Modules() {
		modules[name] = m
	}
	compiler := ast.NewCompiler().WithBuiltins(map[string]*ast.Builtin{externalDataBuiltin.Name: externalDataBuiltin})
	compiler.Compile(modules)
	if compiler.Failed() {
		return nil, fmt.Errorf("compiling the external data template: %w", compiler.Errors)
	}
	src, err := moduleSources(lib, externalDataFile, externalDataRego, compiler.Modules[externalDataFile], opts.LegacyRego)
	if err != nil {
		return nil, err
	}
	kind := ExternalDataKind(c)
	t := newTemplate(kind, c, src, opts)
	t.Metadata.Annotations["metadata.gatekeeper.sh/title"] = c.Title + " (external data)"
	t.Metadata.Annotations["description"] = fmt.Sprintf("Admission counterpart of %s: asks the external data provider named by the provider parameter about every image.", c.ID)
	t.Spec.CRD.Spec.Validation = &struct {
		OpenAPIV3Schema map[string]any `yaml:"openAPIV3Schema"`
	}{map[string]any{
		"type": "object",
		"properties": map[string]any{
			"provider": map[string]any{"type": "string", "description": "Name of the Gatekeeper Provider resource to ask."},
			"check":    map[string]any{"type": "string", "description": "What the provider checks, for messages."},
		},
	}}
	return marshalYAML(t)
}

// ExternalDataConstraint renders the constraint for a control's external
// data template, asking provider.
func ExternalDataConstraint(b eval.Binding, provider, enforcementAction string, excluded []string) ([]byte, error) {
	c := b.Control
	k := constraint{APIVersion: ConstraintAPIVersion, Kind: ExternalDataKind(c)}
	k.Metadata = objectMeta{
		Name:        ExternalDataConstraintName(c),
		Labels:      map[string]string{ControlLabel: c.ID},
		Annotations: map[string]string{"description": c.Title + " (external data)"},
	}
	k.Spec = constraintSpec{
		EnforcementAction: enforcementAction,
		Match:             match{Kinds: KindSelectors(c), ExcludedNamespaces: excluded},
		Parameters:        map[string]any{"provider": provider, "check": c.ExternalDataCheck},
	}
	return marshalYAML(k)
}

// ExternalDataConstraintName is the name of that constraint.
func ExternalDataConstraintName(c *policy.Control) string {
	return ConstraintName(c) + "-external-data"
}
