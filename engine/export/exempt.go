package export

import (
	_ "embed"
	"fmt"
	"regexp"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/shipshape-dev/shipshape/engine/policy"
)

//go:embed exempt_images.rego
var exemptImagesRego string

const exemptImagesFile = "engine/export/exempt_images.rego"

// ExemptImagesParameter is the parameter of every exported container
// control that lists the images whose containers it leaves alone, as
// gatekeeper-library's templates name it.
const ExemptImagesParameter = "exemptImages"

// unfilteredViolation is what a container control's own violation rule is
// called inside its template; the template's violation rule is it without
// the violations about containers of exempt images.
const unfilteredViolation = "unfiltered_violation"

// violationHead matches the head of a violation rule (the library's
// controls write them `violation contains ...` at the start of a line).
var violationHead = regexp.MustCompile(`(?m)^violation(\s+contains\b)`)

// TakesExemptImages reports whether a control's export honours
// exemptImages: it judges pod-bearing kinds, so its findings may be about
// containers.
func TakesExemptImages(c *policy.Control) bool {
	return slices.ContainsFunc(policy.WorkloadKinds(), func(k policy.Kind) bool { return c.Matches(k.Group, k.Kind) }) &&
		!slices.Contains(c.ParameterNames(), ExemptImagesParameter)
}

// withExemptImages makes a container control's template honour
// exemptImages: its violation rules are renamed, the template's violation
// rule keeps those the shared helper does not exempt, and the helper joins
// the libs. Without the parameter every violation is kept, so the template
// decides what the control decides.
func withExemptImages(src regoSources, legacy bool) (regoSources, error) {
	if !violationHead.MatchString(src.Rego) {
		return regoSources{}, fmt.Errorf("no `violation contains` rule at the start of a line to filter by exemptImages")
	}
	rego := violationHead.ReplaceAllString(src.Rego, unfilteredViolation+"$1")
	rego += "\n# Violations about containers whose image the exemptImages parameter lists\n" +
		"# are left out (shipshape export adds this rule; the library's rule is\n" +
		"# " + unfilteredViolation + ").\n" +
		"violation contains v if {\n" +
		"    some v in " + unfilteredViolation + "\n" +
		"    not data.lib.shipshape.exempt_images.exempt(v)\n" +
		"}\n"
	version := ast.RegoV1
	if legacy {
		version = ast.RegoV0
	}
	if _, err := ast.ParseModuleWithOpts("template.rego", rego, ast.ParserOptions{RegoVersion: version}); err != nil {
		return regoSources{}, fmt.Errorf("filtering by exemptImages: %w", err)
	}
	helper, err := templateText(exemptImagesFile, exemptImagesRego, legacy)
	if err != nil {
		return regoSources{}, err
	}
	return regoSources{Rego: rego, Libs: append(slices.Clone(src.Libs), helper)}, nil
}

// exemptImagesSchema is the exemptImages property of a constraint's
// parameters.
func exemptImagesSchema() map[string]any {
	return map[string]any{
		"type":        "array",
		"items":       map[string]any{"type": "string"},
		"description": "Containers whose image is one of these (an exact reference, or a prefix ending in *) are not judged.",
	}
}
