// Package bundle builds shipshape's OPA bundle: the library as the evaluator
// runs it, a profile's parameters and settings as data, and decision
// entrypoints (data.shipshape.violations, data.shipshape.admission) for OPA
// sidecars and webhooks. It signs and verifies bundles with OPA's own bundle
// packages, and serves them the way OPA's bundle plugin downloads them.
package bundle

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	opabundle "github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/format"

	"github.com/shipshape-dev/shipshape/engine/input"
	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/engine/profile"
)

// Data roots the bundle owns. The library's helpers move from lib to
// shipshape_lib so the bundle claims no generic root and coexists with
// other bundles (such as a gatekeeper-library one that owns lib).
const (
	ControlRoot    = policy.ControlRoot
	LibRoot        = "shipshape_lib"
	ParametersRoot = policy.ParametersRoot
	ConfigRoot     = "shipshape_config"
)

// Roots returns the bundle's manifest roots.
func Roots() []string { return []string{ControlRoot, ConfigRoot, LibRoot, ParametersRoot} }

// Entrypoints are the documents OPA serves decisions from.
func Entrypoints() []string { return []string{"shipshape/violations", "shipshape/admission"} }

//go:embed entrypoints.rego
var entrypointsRego string

// EntrypointsFile is the entrypoint module's path in the bundle.
const EntrypointsFile = "shipshape/entrypoints.rego"

// Options tunes a build.
type Options struct {
	// Version is the shipshape version, part of the revision.
	Version string
	// SigningKey, when set, signs the bundle: a PEM private key for RS*,
	// ES* and PS* algorithms, the shared secret for HS*.
	SigningKey string
	// SigningAlg is the JWS algorithm (RS256 when empty).
	SigningAlg string
	// KeyID names the key in the signature, for OPA's keys configuration.
	KeyID string
}

// Build writes the bundle of a selection as a tar.gz. The same library,
// selection and options give the same bytes (an ES* signature aside: ECDSA
// signatures are randomized).
func Build(lib *policy.Library, sel *profile.Selection, opts Options) ([]byte, error) {
	b, err := assemble(lib, sel, opts.Version)
	if err != nil {
		return nil, err
	}
	if opts.SigningKey != "" {
		alg := opts.SigningAlg
		if alg == "" {
			alg = "RS256"
		}
		cfg := opabundle.NewSigningConfig(opts.SigningKey, alg, "")
		if err := b.GenerateSignature(cfg, opts.KeyID, false); err != nil {
			return nil, fmt.Errorf("signing the bundle with %s: %w", alg, err)
		}
	}
	var buf bytes.Buffer
	if err := opabundle.NewWriter(&buf).Write(*b); err != nil {
		return nil, fmt.Errorf("writing the bundle: %w", err)
	}
	return buf.Bytes(), nil
}

func assemble(lib *policy.Library, sel *profile.Selection, version string) (*opabundle.Bundle, error) {
	var (
		modules []opabundle.ModuleFile
		hash    = sha256.New()
	)
	evaluated, err := lib.EvaluatedModules()
	if err != nil {
		return nil, err
	}
	// Controls the profile does not select stay out; every helper goes in.
	unselected := map[string]bool{}
	for _, c := range lib.Controls() {
		unselected[c.File] = true
	}
	for _, b := range sel.Bindings {
		delete(unselected, b.Control.File)
	}
	names := make([]string, 0, len(evaluated))
	for name := range evaluated {
		if !unselected[name] {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		mod, err := relocateHelpers(evaluated[name])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		raw, err := format.AstWithOpts(mod, format.Opts{RegoVersion: ast.RegoV1})
		if err != nil {
			return nil, fmt.Errorf("%s: formatting: %w", name, err)
		}
		modules = append(modules, moduleFile(bundlePath(name), raw))
	}
	entry, err := entrypointModule(sel)
	if err != nil {
		return nil, err
	}
	modules = append(modules, moduleFile(EntrypointsFile, entry))

	data, err := bundleData(sel)
	if err != nil {
		return nil, err
	}
	for _, m := range modules {
		hash.Write([]byte(m.Path))
		hash.Write(m.Raw)
	}
	dataJSON, err := json.Marshal(data)
	if err != nil {
		return nil, err
	}
	hash.Write(dataJSON)

	roots := Roots()
	regoV1 := 1
	b := &opabundle.Bundle{
		Manifest: opabundle.Manifest{
			Revision:    fmt.Sprintf("%s-%s-%s", version, sel.Profile.Name, hex.EncodeToString(hash.Sum(nil))[:16]),
			Roots:       &roots,
			RegoVersion: &regoV1,
			Metadata: map[string]any{
				"shipshape_version": version,
				"profile":           sel.Profile.Name,
				"entrypoints":       Entrypoints(),
			},
		},
		Modules: modules,
		Data:    data,
	}
	return b, nil
}

func moduleFile(p string, raw []byte) opabundle.ModuleFile {
	return opabundle.ModuleFile{URL: "/" + p, Path: "/" + p, RelativePath: p, Raw: raw}
}

// bundlePath turns a library file name into a path inside the bundle: the
// built-in library keeps its layout, a user library's path is made
// relative and free of "..".
func bundlePath(name string) string {
	parts := strings.Split(path.Clean(strings.ReplaceAll(name, "\\", "/")), "/")
	parts = slices.DeleteFunc(parts, func(p string) bool { return p == "" || p == "." })
	for i, p := range parts {
		if p == ".." {
			parts[i] = "_"
		}
	}
	return path.Join(parts...)
}

// relocateHelpers moves every reference to data.lib (and the package
// itself, for helper modules) to data.shipshape_lib.
func relocateHelpers(mod *ast.Module) (*ast.Module, error) {
	from := ast.MustParseRef("data." + policy.HelperRoot)
	to := ast.MustParseRef("data." + LibRoot)
	move := func(ref ast.Ref) ast.Ref {
		if !ref.HasPrefix(from) {
			return ref
		}
		return to.Concat(ref[len(from):])
	}
	mod.Package.Path = move(mod.Package.Path)
	out, err := ast.Transform(refMover{move}, mod)
	if err != nil {
		return nil, err
	}
	moved, ok := out.(*ast.Module)
	if !ok {
		return nil, fmt.Errorf("transform returned %T", out)
	}
	return moved, nil
}

type refMover struct{ move func(ast.Ref) ast.Ref }

func (m refMover) Transform(v any) (any, error) {
	if ref, ok := v.(ast.Ref); ok {
		return m.move(ref), nil
	}
	return v, nil
}

// entrypointModule is the decision module with one findings rule per
// admission control the profile selects.
func entrypointModule(sel *profile.Selection) ([]byte, error) {
	var b strings.Builder
	b.WriteString(entrypointsRego)
	b.WriteString("\n# findings are the violations of every admission control that judges the\n# reviewed object; generated, one rule per control.\n")
	for _, bind := range sel.Bindings {
		c := bind.Control
		if !c.Admission {
			continue
		}
		// Binding the whole violation set first evaluates it once, cached;
		// iterating the rule directly would not cache it.
		fmt.Fprintf(&b, "\nfindings contains finding(%q, v) if {\n\tjudged(%q)\n\tfound := data.%s.violation\n\tsome v in found\n}\n", c.ID, c.ID, c.Package)
	}
	mod, err := ast.ParseModuleWithOpts(EntrypointsFile, b.String(), ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true})
	if err != nil {
		return nil, fmt.Errorf("entrypoints: %w", err)
	}
	return format.AstWithOpts(mod, format.Opts{RegoVersion: ast.RegoV1})
}

// bundleData is the bundle's data: each control's parameters, and what the
// entrypoints need to match kinds, exclude namespaces and act.
func bundleData(sel *profile.Selection) (map[string]any, error) {
	action := sel.Profile.EnforcementAction
	if action == "" {
		action = profile.ActionDeny
	}
	params := map[string]any{}
	controls := map[string]any{}
	byKind := map[string][]string{}
	exclusions := map[string][]string{} // patterns (JSON) → controls
	for _, b := range sel.Bindings {
		c := b.Control
		p := b.Parameters
		if p == nil {
			p = map[string]any{}
		}
		params[c.ID] = p
		if !c.Admission {
			continue
		}
		kinds := make([]any, 0, len(c.Kinds))
		for _, k := range c.Kinds {
			kinds = append(kinds, map[string]any{"group": k.Group, "kind": k.Kind})
			key := k.Group + "/" + k.Kind
			if !slices.Contains(byKind[key], c.ID) {
				byKind[key] = append(byKind[key], c.ID)
			}
		}
		excluded := make([]any, 0, len(b.ExcludedNamespaces))
		for _, ns := range b.ExcludedNamespaces {
			excluded = append(excluded, ns)
		}
		if len(b.ExcludedNamespaces) > 0 {
			key, err := json.Marshal(b.ExcludedNamespaces)
			if err != nil {
				return nil, err
			}
			exclusions[string(key)] = append(exclusions[string(key)], c.ID)
		}
		reqs := make([]any, 0, len(c.Requirements))
		for _, r := range c.Requirements {
			reqs = append(reqs, r)
		}
		controls[c.ID] = map[string]any{
			"title":              c.Title,
			"severity":           string(c.Severity),
			"requirements":       reqs,
			"kinds":              kinds,
			"excludedNamespaces": excluded,
			"enforcementAction":  action,
		}
	}
	groups := make([]any, 0, len(exclusions))
	for _, key := range slices.Sorted(maps.Keys(exclusions)) {
		var patterns []string
		if err := json.Unmarshal([]byte(key), &patterns); err != nil {
			return nil, err
		}
		groups = append(groups, map[string]any{"patterns": patterns, "controls": exclusions[key]})
	}
	scoped := make([]any, 0)
	for _, k := range input.ClusterScopedKinds() {
		scoped = append(scoped, k)
	}
	// Round-trip through JSON so the data holds only JSON types.
	raw, err := json.Marshal(map[string]any{
		ParametersRoot: params,
		ConfigRoot: map[string]any{
			"profile":            sel.Profile.Name,
			"settings":           sel.Settings,
			"controls":           controls,
			"byKind":             byKind,
			"exclusions":         groups,
			"clusterScopedKinds": scoped,
			"clusterScopedGroup": input.ClusterScopedGroup,
		},
	})
	if err != nil {
		return nil, err
	}
	var data map[string]any
	if err := json.Unmarshal(raw, &data); err != nil {
		return nil, err
	}
	return data, nil
}
