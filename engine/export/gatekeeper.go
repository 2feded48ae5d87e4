package export

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/shipshape-dev/shipshape/engine/eval"
	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/engine/profile"
)

// Gatekeeper API identifiers.
const (
	TemplateAPIVersion   = "templates.gatekeeper.sh/v1"
	ConstraintAPIVersion = "constraints.gatekeeper.sh/v1beta1"
	SyncSetAPIVersion    = "syncset.gatekeeper.sh/v1alpha1"
	ConfigAPIVersion     = "config.gatekeeper.sh/v1alpha1"
	SuiteAPIVersion      = "test.gatekeeper.sh/v1alpha1"
	// AdmissionTarget is Gatekeeper's Kubernetes admission target.
	AdmissionTarget = "admission.k8s.gatekeeper.sh"
	// SyncAnnotation lists the types a referential template needs synced.
	SyncAnnotation = "metadata.gatekeeper.sh/requires-sync-data"
	// ControlLabel names the control a Constraint enforces.
	ControlLabel = "shipshape.dev/control"
)

// Exported Gatekeeper resources, field for field as Gatekeeper reads them;
// yaml tags fix the order people read them in.
type (
	objectMeta struct {
		Name        string            `yaml:"name"`
		Namespace   string            `yaml:"namespace,omitempty"`
		Labels      map[string]string `yaml:"labels,omitempty"`
		Annotations map[string]string `yaml:"annotations,omitempty"`
	}
	constraintTemplate struct {
		APIVersion string       `yaml:"apiVersion"`
		Kind       string       `yaml:"kind"`
		Metadata   objectMeta   `yaml:"metadata"`
		Spec       templateSpec `yaml:"spec"`
	}
	templateSpec struct {
		CRD     templateCRD      `yaml:"crd"`
		Targets []templateTarget `yaml:"targets"`
	}
	templateCRD struct {
		Spec struct {
			Names struct {
				Kind string `yaml:"kind"`
			} `yaml:"names"`
			Validation *struct {
				OpenAPIV3Schema map[string]any `yaml:"openAPIV3Schema"`
			} `yaml:"validation,omitempty"`
		} `yaml:"spec"`
	}
	templateTarget struct {
		Target string         `yaml:"target"`
		Rego   string         `yaml:"rego,omitempty"`
		Libs   []string       `yaml:"libs,omitempty"`
		Code   []templateCode `yaml:"code,omitempty"`
	}
	templateCode struct {
		Engine string     `yaml:"engine"`
		Source codeSource `yaml:"source"`
	}
	codeSource struct {
		Version string   `yaml:"version"`
		Rego    string   `yaml:"rego"`
		Libs    []string `yaml:"libs,omitempty"`
	}
	constraint struct {
		APIVersion string         `yaml:"apiVersion"`
		Kind       string         `yaml:"kind"`
		Metadata   objectMeta     `yaml:"metadata"`
		Spec       constraintSpec `yaml:"spec"`
	}
	constraintSpec struct {
		EnforcementAction string         `yaml:"enforcementAction"`
		Match             match          `yaml:"match"`
		Parameters        map[string]any `yaml:"parameters,omitempty"`
	}
	match struct {
		Kinds              []KindSelector `yaml:"kinds"`
		ExcludedNamespaces []string       `yaml:"excludedNamespaces,omitempty"`
	}
	// KindSelector is one entry of a constraint's match.kinds.
	KindSelector struct {
		APIGroups []string `yaml:"apiGroups"`
		Kinds     []string `yaml:"kinds"`
	}
	gvk struct {
		Group   string `yaml:"group" json:"group"`
		Version string `yaml:"version" json:"version"`
		Kind    string `yaml:"kind" json:"kind"`
	}
	syncSet struct {
		APIVersion string     `yaml:"apiVersion"`
		Kind       string     `yaml:"kind"`
		Metadata   objectMeta `yaml:"metadata"`
		Spec       struct {
			GVKs []gvk `yaml:"gvks"`
		} `yaml:"spec"`
	}
	gatekeeperConfig struct {
		APIVersion string     `yaml:"apiVersion"`
		Kind       string     `yaml:"kind"`
		Metadata   objectMeta `yaml:"metadata"`
		Spec       struct {
			Sync struct {
				SyncOnly []gvk `yaml:"syncOnly"`
			} `yaml:"sync"`
		} `yaml:"spec"`
	}
	kustomization struct {
		APIVersion string   `yaml:"apiVersion"`
		Kind       string   `yaml:"kind"`
		Resources  []string `yaml:"resources"`
	}
)

// TemplateName is the ConstraintTemplate name of a control (the lower-cased
// constraint kind, as Gatekeeper requires).
func TemplateName(c *policy.Control) string { return strings.ToLower(ConstraintKind(c)) }

// ConstraintKind is the kind of a control's Constraints.
func ConstraintKind(c *policy.Control) string { return kindName(c.Package) }

// ConstraintName is the name of a control's Constraint.
func ConstraintName(c *policy.Control) string { return resourceName(c.ID) }

// TemplatePath is where a control's template sits in a Gatekeeper export.
func TemplatePath(c *policy.Control) string { return "templates/" + TemplateName(c) + ".yaml" }

// Template renders a control's ConstraintTemplate.
func Template(lib *policy.Library, c *policy.Control, opts Options) ([]byte, error) {
	src, err := controlSources(lib, c, opts.LegacyRego)
	if err != nil {
		return nil, err
	}
	if name := TemplateName(c); len(name) > 63 {
		// The constraint CRD's plural is this name, and must be a DNS label.
		return nil, fmt.Errorf("%s: template name %s (from package %s) is longer than 63 characters; use a shorter package path", c.ID, name, c.Package)
	}
	t := newTemplate(ConstraintKind(c), c, src, opts)
	if len(c.Sync) > 0 {
		t.Metadata.Annotations[SyncAnnotation] = syncRequirements(c.Sync)
	}
	if len(c.Parameters) > 0 {
		s, err := structuralSchema(c.Parameters)
		if err != nil {
			return nil, fmt.Errorf("%s: parameters: %w", c.ID, err)
		}
		t.Spec.CRD.Spec.Validation = &struct {
			OpenAPIV3Schema map[string]any `yaml:"openAPIV3Schema"`
		}{s}
	}
	return marshalYAML(t)
}

// newTemplate builds a ConstraintTemplate of the given kind for a
// control's Rego.
func newTemplate(kind string, c *policy.Control, src regoSources, opts Options) constraintTemplate {
	t := constraintTemplate{APIVersion: TemplateAPIVersion, Kind: "ConstraintTemplate"}
	t.Metadata = objectMeta{
		Name:   strings.ToLower(kind),
		Labels: map[string]string{ControlLabel: c.ID},
		Annotations: map[string]string{
			"metadata.gatekeeper.sh/title":   c.Title,
			"metadata.gatekeeper.sh/version": opts.Version,
			"description":                    c.Description,
			ControlLabel:                     c.ID,
			"shipshape.dev/severity":         string(c.Severity),
		},
	}
	t.Spec.CRD.Spec.Names.Kind = kind
	target := templateTarget{Target: AdmissionTarget}
	if opts.LegacyRego {
		target.Rego, target.Libs = src.Rego, src.Libs
	} else {
		target.Code = []templateCode{{Engine: "Rego", Source: codeSource{Version: "v1", Rego: src.Rego, Libs: src.Libs}}}
	}
	t.Spec.Targets = []templateTarget{target}
	return t
}

// syncRequirements renders the requires-sync-data annotation: every type is
// required (the outer list is ANDed), each with no alternative.
func syncRequirements(types []policy.GroupVersionKind) string {
	type clause struct {
		Groups   []string `json:"groups"`
		Versions []string `json:"versions"`
		Kinds    []string `json:"kinds"`
	}
	reqs := make([][]clause, 0, len(types))
	for _, t := range types {
		reqs = append(reqs, []clause{{Groups: []string{t.Group}, Versions: []string{t.Version}, Kinds: []string{t.Kind}}})
	}
	b, _ := json.Marshal(reqs) // plain strings cannot fail to marshal
	return `"` + string(b) + `"`
}

// Constraint renders the Constraint that enforces a binding.
func Constraint(b eval.Binding, enforcementAction string) ([]byte, error) {
	c := b.Control
	k := constraint{APIVersion: ConstraintAPIVersion, Kind: ConstraintKind(c)}
	k.Metadata = objectMeta{
		Name:        ConstraintName(c),
		Labels:      map[string]string{ControlLabel: c.ID},
		Annotations: map[string]string{"description": c.Title},
	}
	k.Spec = constraintSpec{
		EnforcementAction: enforcementAction,
		Match:             match{Kinds: KindSelectors(c), ExcludedNamespaces: b.ExcludedNamespaces},
		Parameters:        b.Parameters,
	}
	if len(k.Spec.Parameters) == 0 {
		k.Spec.Parameters = nil
	}
	return marshalYAML(k)
}

// KindSelectors groups a control's kinds by API group, in declaration
// order: Gatekeeper's match.kinds. The Rego reads pod templates inside
// workloads itself, so workloads are matched directly and need no
// ExpansionTemplate.
func KindSelectors(c *policy.Control) []KindSelector {
	var out []KindSelector
	index := map[string]int{}
	for _, k := range c.Kinds {
		i, ok := index[k.Group]
		if !ok {
			i = len(out)
			index[k.Group] = i
			out = append(out, KindSelector{APIGroups: []string{k.Group}})
		}
		if !slices.Contains(out[i].Kinds, k.Kind) {
			out[i].Kinds = append(out[i].Kinds, k.Kind)
		}
	}
	return out
}

// Gatekeeper builds the Gatekeeper export of a selection: its admission
// controls' templates and constraints, the sync configuration referential
// controls need, kustomizations and a gator suite of every control's cases.
func Gatekeeper(ctx context.Context, lib *policy.Library, sel *profile.Selection, opts Options) ([]File, error) {
	action := sel.Profile.EnforcementAction
	if action == "" {
		action = profile.ActionDeny
	}
	var (
		files             []File
		templates, all    []string
		synced            = map[policy.GroupVersionKind]bool{}
		kinds             = map[string]string{}
		admissionControls []*policy.Control
	)
	bindings, exceptionFiles := withExceptions(sel.Bindings, opts, "Gatekeeper")
	files = append(files, exceptionFiles...)
	for _, b := range bindings {
		c := b.Control
		if c.ExternalDataProvider != "" {
			provider, _ := sel.Settings[c.ExternalDataProvider].(string)
			if provider == "" {
				return nil, fmt.Errorf("%s: settings.%s names no external data provider", c.ID, c.ExternalDataProvider)
			}
			tmpl, err := ExternalDataTemplate(lib, c, opts)
			if err != nil {
				return nil, fmt.Errorf("external data template for %s: %w", c.ID, err)
			}
			cons, err := ExternalDataConstraint(b, provider, action, sel.SystemNamespaces())
			if err != nil {
				return nil, err
			}
			tp := "templates/" + strings.ToLower(ExternalDataKind(c)) + ".yaml"
			cp := "constraints/" + ExternalDataConstraintName(c) + ".yaml"
			files = append(files, File{tp, tmpl}, File{cp, cons})
			templates = append(templates, path.Base(tp))
			all = append(all, tp, cp)
		}
		if !c.Admission {
			continue
		}
		if other, dup := kinds[TemplateName(c)]; dup {
			return nil, fmt.Errorf("controls %s and %s both map to template %s; rename one package", other, c.ID, TemplateName(c))
		}
		kinds[TemplateName(c)] = c.ID
		tmpl, err := Template(lib, c, opts)
		if err != nil {
			return nil, fmt.Errorf("template for %s: %w", c.ID, err)
		}
		cons, err := Constraint(b, action)
		if err != nil {
			return nil, fmt.Errorf("constraint for %s: %w", c.ID, err)
		}
		tp, cp := TemplatePath(c), "constraints/"+ConstraintName(c)+".yaml"
		files = append(files, File{tp, tmpl}, File{cp, cons})
		templates = append(templates, path.Base(tp))
		all = append(all, tp, cp)
		for _, t := range c.Sync {
			synced[t] = true
		}
		admissionControls = append(admissionControls, c)
	}
	if len(admissionControls) == 0 {
		return nil, fmt.Errorf("profile %s selects no admission control", sel.Profile.Name)
	}
	if len(synced) > 0 {
		types := slices.SortedFunc(maps.Keys(synced), func(a, b policy.GroupVersionKind) int {
			return strings.Compare(a.String(), b.String())
		})
		var list []gvk
		for _, t := range types {
			list = append(list, gvk{t.Group, t.Version, t.Kind})
		}
		ss := syncSet{APIVersion: SyncSetAPIVersion, Kind: "SyncSet", Metadata: objectMeta{Name: "shipshape-" + sel.Profile.Name}}
		ss.Spec.GVKs = list
		cfg := gatekeeperConfig{APIVersion: ConfigAPIVersion, Kind: "Config", Metadata: objectMeta{Name: "config", Namespace: "gatekeeper-system"}}
		cfg.Spec.Sync.SyncOnly = list
		ssData, err := marshalYAML(ss)
		if err != nil {
			return nil, err
		}
		cfgData, err := marshalYAML(cfg)
		if err != nil {
			return nil, err
		}
		cfgHeader := "# For Gatekeeper before 3.15 (no SyncSet): merge these syncOnly entries into\n" +
			"# your Config (there is one per cluster, gatekeeper-system/config). Not part of\n" +
			"# the kustomization, so applying it never replaces an existing Config.\n"
		files = append(files, File{"sync/syncset.yaml", ssData}, File{"sync/config.yaml", append([]byte(cfgHeader), cfgData...)})
		all = append(all, "sync/syncset.yaml")
	}
	tk, err := marshalYAML(kustomization{APIVersion: "kustomize.config.k8s.io/v1beta1", Kind: "Kustomization", Resources: templates})
	if err != nil {
		return nil, err
	}
	k, err := marshalYAML(kustomization{APIVersion: "kustomize.config.k8s.io/v1beta1", Kind: "Kustomization", Resources: all})
	if err != nil {
		return nil, err
	}
	files = append(files, File{"templates/kustomization.yaml", tk}, File{"kustomization.yaml", k})

	suite, err := Suite(ctx, lib, admissionControls)
	if err != nil {
		return nil, err
	}
	files = append(files, suite...)
	return files, nil
}
