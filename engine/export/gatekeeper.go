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
		APIVersion string           `yaml:"apiVersion"`
		Kind       string           `yaml:"kind"`
		Resources  []string         `yaml:"resources"`
		Patches    []kustomizePatch `yaml:"patches,omitempty"`
	}
	// kustomizePatch is an inline JSON 6902 patch of one object.
	kustomizePatch struct {
		Target kustomizeTarget `yaml:"target"`
		Patch  string          `yaml:"patch"`
	}
	kustomizeTarget struct {
		Group string `yaml:"group"`
		Kind  string `yaml:"kind"`
		Name  string `yaml:"name"`
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
	exempting := TakesExemptImages(c)
	if exempting {
		if src, err = withExemptImages(src, opts.LegacyRego); err != nil {
			return nil, fmt.Errorf("%s: %w", c.ID, err)
		}
	}
	if name := TemplateName(c); len(name) > 63 {
		// The constraint CRD's plural is this name, and must be a DNS label.
		return nil, fmt.Errorf("%s: template name %s (from package %s) is longer than 63 characters; use a shorter package path", c.ID, name, c.Package)
	}
	t := newTemplate(ConstraintKind(c), c, src, opts)
	if len(c.Sync) > 0 {
		t.Metadata.Annotations[SyncAnnotation] = syncRequirements(c.Sync)
	}
	if len(c.Parameters) > 0 || exempting {
		s := map[string]any{"type": "object"}
		if len(c.Parameters) > 0 {
			if s, err = structuralSchema(c.Parameters); err != nil {
				return nil, fmt.Errorf("%s: parameters: %w", c.ID, err)
			}
		}
		if exempting {
			props, _ := s["properties"].(map[string]any)
			if props == nil {
				props = map[string]any{}
				s["properties"] = props
			}
			props[ExemptImagesParameter] = exemptImagesSchema()
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
		Parameters:        plainNumbers(b.Parameters).(map[string]any),
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

// exportedObject is one template or constraint of a control's export.
type exportedObject struct {
	// Path is where the single-profile layout writes it; Role names it in
	// a control's folder of the multi-profile layout.
	Path, Role string
	Data       []byte
	// Kind and Name identify a constraint, for the patches of profiles
	// that set it differently (empty for templates).
	Kind, Name string
}

// controlExport is what one control contributes to a Gatekeeper export.
type controlExport struct {
	control *policy.Control
	objects []exportedObject
}

// gatekeeperParts is a selection's Gatekeeper export before it is laid out.
type gatekeeperParts struct {
	profile    string
	controls   []controlExport
	admission  []*policy.Control
	sync       []File // relative to the export (sync/...)
	exceptions []File
}

// gatekeeperPartsOf builds the templates, constraints and sync
// configuration of a selection's admission controls.
func gatekeeperPartsOf(lib *policy.Library, sel *profile.Selection, opts Options) (*gatekeeperParts, error) {
	action := sel.Profile.EnforcementAction
	if action == "" {
		action = profile.ActionDeny
	}
	parts := &gatekeeperParts{profile: sel.Profile.Name}
	synced := map[policy.GroupVersionKind]bool{}
	kinds := map[string]string{}
	bindings, exceptionFiles := withExceptions(sel.Bindings, opts, "Gatekeeper")
	parts.exceptions = exceptionFiles
	for _, b := range bindings {
		c := b.Control
		ce := controlExport{control: c}
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
			ce.objects = append(ce.objects,
				exportedObject{Path: "templates/" + strings.ToLower(ExternalDataKind(c)) + ".yaml", Role: "external-data-template.yaml", Data: tmpl},
				exportedObject{Path: "constraints/" + ExternalDataConstraintName(c) + ".yaml", Role: "external-data-constraint.yaml", Data: cons,
					Kind: ExternalDataKind(c), Name: ExternalDataConstraintName(c)})
		}
		if c.Admission {
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
			ce.objects = append(ce.objects,
				exportedObject{Path: TemplatePath(c), Role: "template.yaml", Data: tmpl},
				exportedObject{Path: "constraints/" + ConstraintName(c) + ".yaml", Role: "constraint.yaml", Data: cons,
					Kind: ConstraintKind(c), Name: ConstraintName(c)})
			for _, t := range c.Sync {
				synced[t] = true
			}
			parts.admission = append(parts.admission, c)
		}
		if len(ce.objects) > 0 {
			parts.controls = append(parts.controls, ce)
		}
	}
	if len(parts.admission) == 0 {
		return nil, fmt.Errorf("profile %s selects no admission control", sel.Profile.Name)
	}
	if len(synced) > 0 {
		var err error
		if parts.sync, err = syncFiles(sel.Profile.Name, synced); err != nil {
			return nil, err
		}
	}
	return parts, nil
}

// syncFiles renders the SyncSet that replicates the given types, and the
// Config entries for Gatekeeper before 3.15.
func syncFiles(profileName string, synced map[policy.GroupVersionKind]bool) ([]File, error) {
	types := slices.SortedFunc(maps.Keys(synced), func(a, b policy.GroupVersionKind) int {
		return strings.Compare(a.String(), b.String())
	})
	var list []gvk
	for _, t := range types {
		list = append(list, gvk{t.Group, t.Version, t.Kind})
	}
	ss := syncSet{APIVersion: SyncSetAPIVersion, Kind: "SyncSet", Metadata: objectMeta{Name: "shipshape-" + profileName}}
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
	return []File{{syncSetPath, ssData}, {"sync/config.yaml", append([]byte(cfgHeader), cfgData...)}}, nil
}

// syncSetPath is the SyncSet a kustomization applies (the Config is not).
const syncSetPath = "sync/syncset.yaml"

// Gatekeeper builds the Gatekeeper export of a selection: its admission
// controls' templates and constraints, the sync configuration referential
// controls need, kustomizations and a gator suite of every control's cases.
func Gatekeeper(ctx context.Context, lib *policy.Library, sel *profile.Selection, opts Options) ([]File, error) {
	parts, err := gatekeeperPartsOf(lib, sel, opts)
	if err != nil {
		return nil, err
	}
	files := append([]File{}, parts.exceptions...)
	var templates, all []string
	for _, ce := range parts.controls {
		for _, o := range ce.objects {
			files = append(files, File{o.Path, o.Data})
			all = append(all, o.Path)
			if o.Kind == "" {
				templates = append(templates, path.Base(o.Path))
			}
		}
	}
	files = append(files, parts.sync...)
	if len(parts.sync) > 0 {
		all = append(all, syncSetPath)
	}
	tk, err := kustomizationYAML(templates, nil)
	if err != nil {
		return nil, err
	}
	k, err := kustomizationYAML(all, nil)
	if err != nil {
		return nil, err
	}
	files = append(files, File{"templates/kustomization.yaml", tk}, File{"kustomization.yaml", k})

	suite, err := Suite(ctx, lib, parts.admission)
	if err != nil {
		return nil, err
	}
	return append(files, suite...), nil
}

// kustomizationYAML renders a kustomization of resources and patches.
func kustomizationYAML(resources []string, patches []kustomizePatch) ([]byte, error) {
	return marshalYAML(kustomization{APIVersion: "kustomize.config.k8s.io/v1beta1", Kind: "Kustomization", Resources: resources, Patches: patches})
}
