package policy

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/shipshape-dev/shipshape/engine/schema"
)

// Severity ranks how bad a violation is.
type Severity string

// Severities, from worst to least.
const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
)

// Severities returns every severity from worst to least.
func Severities() []Severity { return []Severity{Critical, High, Medium, Low} }

// Rank orders severities: critical is 4, low is 1, unknown is 0.
func (s Severity) Rank() int {
	switch s {
	case Critical:
		return 4
	case High:
		return 3
	case Medium:
		return 2
	case Low:
		return 1
	}
	return 0
}

// ParseSeverity accepts a severity name in any case.
func ParseSeverity(s string) (Severity, error) {
	sev := Severity(strings.ToLower(strings.TrimSpace(s)))
	if sev.Rank() == 0 {
		return "", fmt.Errorf("unknown severity %q (want critical, high, medium or low)", s)
	}
	return sev, nil
}

// WorkloadKindsAlias in a control's `kinds` stands for every pod-bearing kind.
const WorkloadKindsAlias = "workloads"

// WorkloadKinds returns the kinds that carry a pod spec, the same set
// lib.pods.template_paths knows.
func WorkloadKinds() []Kind {
	return []Kind{
		{"", "Pod"}, {"", "PodTemplate"}, {"", "ReplicationController"},
		{"apps", "Deployment"}, {"apps", "StatefulSet"}, {"apps", "DaemonSet"}, {"apps", "ReplicaSet"},
		{"batch", "Job"}, {"batch", "CronJob"},
	}
}

// Kind is an API group and kind a control judges ("" group is core).
type Kind struct {
	Group string
	Kind  string
}

// ParseKind reads "group/Kind" or "Kind" (core group).
func ParseKind(s string) (Kind, error) {
	group, kind, found := strings.Cut(s, "/")
	if !found {
		group, kind = "", s
	}
	if kind == "" || strings.Contains(kind, "/") {
		return Kind{}, fmt.Errorf("kind %q is not of the form Kind or group/Kind", s)
	}
	return Kind{Group: group, Kind: kind}, nil
}

func (k Kind) String() string {
	if k.Group == "" {
		return k.Kind
	}
	return k.Group + "/" + k.Kind
}

// MarshalJSON writes the kind as "group/Kind".
func (k Kind) MarshalJSON() ([]byte, error) { return json.Marshal(k.String()) }

// GroupVersionKind names a resource type a referential control reads from
// the inventory, as Gatekeeper's sync configuration names it.
type GroupVersionKind struct {
	Group   string
	Version string
	Kind    string
}

// ParseGroupVersionKind reads "group/version/Kind" or "version/Kind" (core
// group).
func ParseGroupVersionKind(s string) (GroupVersionKind, error) {
	parts := strings.Split(s, "/")
	for _, p := range parts {
		if p == "" || strings.TrimSpace(p) != p {
			parts = nil
			break
		}
	}
	switch len(parts) {
	case 2:
		return GroupVersionKind{Version: parts[0], Kind: parts[1]}, nil
	case 3:
		return GroupVersionKind{Group: parts[0], Version: parts[1], Kind: parts[2]}, nil
	}
	return GroupVersionKind{}, fmt.Errorf("%q is not of the form group/version/Kind or version/Kind", s)
}

func (g GroupVersionKind) String() string {
	if g.Group == "" {
		return g.Version + "/" + g.Kind
	}
	return g.Group + "/" + g.Version + "/" + g.Kind
}

// MarshalJSON writes the type as "group/version/Kind".
func (g GroupVersionKind) MarshalJSON() ([]byte, error) { return json.Marshal(g.String()) }

// Control is one policy of the library: a Rego package with a `violation`
// rule and METADATA describing it.
type Control struct {
	ID           string         `json:"id"`
	Title        string         `json:"title"`
	Description  string         `json:"description,omitempty"`
	Severity     Severity       `json:"severity"`
	Requirements []string       `json:"requirements"`
	Frameworks   map[string]any `json:"frameworks"`
	Kinds        []Kind         `json:"kinds"`
	// Parameters is the JSON schema of the control's parameters.
	Parameters  map[string]any `json:"parameters,omitempty"`
	Remediation string         `json:"remediation,omitempty"`
	// Admission is true when the control judges one Kubernetes object the
	// way an admission controller does (and so is exported to Gatekeeper).
	Admission bool `json:"admission"`
	// UpdateOnly is true when the control judges a change to an object
	// (custom.operations: [UPDATE]): it reads the admission request's
	// oldObject, so only admission (Gatekeeper, the OPA admission
	// entrypoint) can evaluate it, and offline scans list it as not
	// evaluated.
	UpdateOnly bool `json:"updateOnly,omitempty"`
	// Referential is true when the control reads data.inventory.
	Referential bool `json:"referential"`
	// Sync lists the resource types a referential control reads from the
	// inventory: what Gatekeeper must replicate for it, and all the offline
	// engine keeps in memory for it.
	Sync []GroupVersionKind `json:"sync,omitempty"`
	// Applicability is true when the control defines an `applies` rule:
	// an object of a matching kind counts as judged only when it holds
	// (a kube-apiserver control judges Pods, but only the apiserver's).
	Applicability bool `json:"applicability,omitempty"`
	// ExternalDataProvider names the setting that holds the Gatekeeper
	// external data provider enforcing this control at admission (the
	// offline engine judges it from --evidence instead).
	ExternalDataProvider string `json:"externalDataProvider,omitempty"`
	// ExternalDataCheck says what the provider checks, for messages.
	ExternalDataCheck string `json:"externalDataCheck,omitempty"`
	// Package is the Rego package path without "data.", e.g.
	// "shipshape.pss.privileged".
	Package string `json:"package"`
	// File is the policy file's display path.
	File string `json:"file"`
	// Builtin is true for controls shipped inside shipshape.
	Builtin bool `json:"builtin"`

	dir    string // directory of policy.rego within fsys
	fsys   fs.FS
	schema *schema.Schema
}

// Dir returns the control's directory within FS.
func (c *Control) Dir() string { return c.dir }

// FS returns the file system that holds the control's folder.
func (c *Control) FS() fs.FS { return c.fsys }

// ViolationRef is the Rego reference to the control's violation set.
func (c *Control) ViolationRef() ast.Ref {
	return ast.MustParseRef("data." + c.Package + ".violation")
}

// Matches reports whether the control judges objects of this group and kind.
func (c *Control) Matches(group, kind string) bool {
	for _, k := range c.Kinds {
		if (k.Kind == kind || k.Kind == "*") && (k.Group == group || k.Group == "*") {
			return true
		}
	}
	return false
}

// Defaults returns the parameter defaults declared in the schema's
// top-level properties.
func (c *Control) Defaults() map[string]any { return schema.Defaults(c.Parameters) }

// ParameterNames lists the control's top-level parameter names, sorted.
func (c *Control) ParameterNames() []string {
	props, _ := c.Parameters["properties"].(map[string]any)
	return slices.Sorted(maps.Keys(props))
}

// UnknownParameters lists, sorted, the keys of params that are not
// parameters of the control: a schema that admits other keys
// (additionalProperties true or a schema) knows every key.
func (c *Control) UnknownParameters(params map[string]any) []string {
	if extra, ok := c.Parameters["additionalProperties"]; ok && extra != false {
		return nil
	}
	known := c.ParameterNames()
	var out []string
	for key := range params {
		if !slices.Contains(known, key) {
			out = append(out, key)
		}
	}
	slices.Sort(out)
	return out
}

// UnknownParameterError says that key is not a parameter of the control,
// with the closest known name and the list of them.
func (c *Control) UnknownParameterError(key string) error {
	known := c.ParameterNames()
	if len(known) == 0 {
		return fmt.Errorf("unknown parameter %q: %s takes no parameters", key, c.ID)
	}
	return fmt.Errorf("unknown parameter %q of %s%s; its parameters are %s",
		key, c.ID, DidYouMean(key, known), strings.Join(known, ", "))
}

// ValidateParameters checks params against the control's schema.
func (c *Control) ValidateParameters(params map[string]any) error {
	if c.schema == nil {
		if len(params) > 0 {
			return fmt.Errorf("control %s takes no parameters, got %s", c.ID, strings.Join(slices.Sorted(maps.Keys(params)), ", "))
		}
		return nil
	}
	if err := c.schema.Validate(params); err != nil {
		return fmt.Errorf("parameters of %s: %w", c.ID, err)
	}
	return nil
}
