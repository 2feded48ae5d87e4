// Package exceptions decides which findings a team has accepted: entries of
// an exceptions file that scope a control (or every control of a
// requirement) to namespaces, kinds and names, and inline annotations on an
// object. Every exception has an owner, a reason and an expiry; an expired
// exception stops applying and is reported, never silently honoured.
package exceptions

import (
	"fmt"
	"os"
	"path"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/engine/schema"
)

// DefaultFile is read when present and no --exceptions is given.
const DefaultFile = ".shipshape-exceptions.yaml"

// Inline exception annotations.
const (
	AnnotationExempt  = "shipshape.dev/exempt"
	AnnotationReason  = "shipshape.dev/exempt-reason"
	AnnotationExpires = "shipshape.dev/exempt-expires"
)

// File is the exceptions file (.shipshape-exceptions.yaml); its schema,
// published as docs/schema/exceptions.schema.json, is reflected from it.
type File struct {
	Exceptions []Exception `json:"exceptions" schema:"required;description=Findings accepted for a while: each entry names a control or a requirement, whom it is owned by, why, and until when."`
}

// Schema is the exceptions file's JSON Schema.
func Schema() (map[string]any, error) {
	return schema.Reflect(reflect.TypeOf(File{}), nil)
}

// Exception is one accepted finding scope.
type Exception struct {
	Control     string   `json:"control,omitempty" schema:"minLength=1;description=The control whose findings are accepted (SS-PSS-003)."`
	Requirement string   `json:"requirement,omitempty" schema:"minLength=1;description=A requirement: the findings of every control that maps to it are accepted (POD-08)."`
	Namespaces  []string `json:"namespaces,omitempty" schema:"items.minLength=1;description=Only in these namespaces (glob patterns: team-*)."`
	Kinds       []string `json:"kinds,omitempty" schema:"items.minLength=1;description=Only for these kinds, as group/Kind (apps/Deployment) or Kind for the core group."`
	Names       []string `json:"names,omitempty" schema:"items.minLength=1;description=Only for objects with these names (glob patterns)."`
	Images      []string `json:"images,omitempty" schema:"items.minLength=1;items.pattern=^[^*]+[*]?$;description=Only for findings about a container whose image is one of these: an exact reference, or a prefix ending in * (contoso.azurecr.io/sidecars/*), as Gatekeeper's exemptImages."`
	Owner       string   `json:"owner,omitempty" schema:"required;minLength=1;description=Who answers for the exception: a team or a person."`
	Reason      string   `json:"reason" schema:"required;minLength=1;description=Why the finding is accepted."`
	Expires     string   `json:"expires" schema:"required;pattern=^[0-9]{4}-[0-9]{2}-[0-9]{2}$;description=The last day the exception holds (YYYY-MM-DD); after it the findings fail again."`
	// Source is "file:line" for file entries, "inline" for annotations.
	Source string `json:"source" schema:"-"`

	expires time.Time
}

// Expired reports whether the exception no longer applies at now: it
// covers its whole expiry day.
func (e Exception) Expired(now time.Time) bool {
	return !now.Before(e.expires.AddDate(0, 0, 1))
}

// Set is the exceptions of a run.
type Set struct {
	entries     []Exception
	allowInline bool
}

// Load reads an exceptions file; an unknown control or requirement is an
// error naming the line.
func Load(file string, lib *policy.Library, known func(requirement string) bool) (*Set, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("exceptions: %w", err)
	}
	doc, err := Schema()
	if err != nil {
		return nil, err
	}
	s, err := schema.Compile("exceptions.json", doc)
	if err != nil {
		return nil, err
	}
	var f File
	d, err := schema.DecodeFile(file, data, s, &f)
	if err != nil {
		return nil, err
	}
	set := &Set{allowInline: true}
	for i, e := range f.Exceptions {
		line := d.Line([]any{"exceptions", i})
		where := fmt.Sprintf("%s:%d", file, line)
		if e.Control != "" {
			if !lib.Knows(e.Control) {
				return nil, fmt.Errorf("%s: exception for unknown control %s", where, e.Control)
			}
		}
		if e.Requirement != "" && !known(e.Requirement) {
			return nil, fmt.Errorf("%s: exception for unknown requirement %s", where, e.Requirement)
		}
		for _, patterns := range [][]string{e.Namespaces, e.Kinds, e.Names} {
			for _, p := range patterns {
				if _, err := path.Match(p, ""); err != nil {
					return nil, fmt.Errorf("%s: bad pattern %q: %w", where, p, err)
				}
			}
		}
		t, err := time.Parse(time.DateOnly, e.Expires)
		if err != nil {
			return nil, fmt.Errorf("%s: expires: %w", where, err)
		}
		e.expires, e.Source = t, where
		set.entries = append(set.entries, e)
	}
	return set, nil
}

// Empty returns a set with no file entries.
func Empty() *Set { return &Set{allowInline: true} }

// WithInline says whether inline annotations may exempt findings.
func (s *Set) WithInline(allow bool) *Set {
	c := *s
	c.allowInline = allow
	return &c
}

// Finding is what a decision needs to know about a finding.
type Finding struct {
	Control      string
	Requirements []string
	Namespace    string
	Kind         string // "group/Kind" or "Kind" for the core group
	Name         string
	// Image is the image of the container the finding is about ("" when
	// it is about no container).
	Image       string
	Annotations map[string]string
}

// Decision is the outcome for one finding.
type Decision struct {
	// Exempt is the exception that applies, if any.
	Exempt *Exception
	// Expired are matching exceptions past their date.
	Expired []Exception
	// Refused is an inline exception that settings forbid.
	Refused *Exception
}

// Decide finds the exceptions that cover a finding at now.
func (s *Set) Decide(f Finding, now time.Time) Decision {
	var d Decision
	for _, e := range s.entries {
		if !e.covers(f) {
			continue
		}
		if e.Expired(now) {
			d.Expired = append(d.Expired, e)
			continue
		}
		if d.Exempt == nil {
			e := e
			d.Exempt = &e
		}
	}
	if inline, ok := inlineException(f); ok {
		switch {
		case !s.allowInline:
			d.Refused = &inline
		case inline.Expired(now):
			d.Expired = append(d.Expired, inline)
		case d.Exempt == nil:
			d.Exempt = &inline
		}
	}
	return d
}

func (e Exception) covers(f Finding) bool {
	if e.Control != "" && e.Control != f.Control {
		return false
	}
	if e.Requirement != "" && !contains(f.Requirements, e.Requirement) {
		return false
	}
	if len(e.Images) > 0 && !slices.ContainsFunc(e.Images, func(p string) bool { return MatchImage(p, f.Image) }) {
		return false
	}
	return matchesAny(e.Namespaces, f.Namespace) && matchesAny(e.Kinds, f.Kind) && matchesAny(e.Names, f.Name)
}

// MatchImage reports whether image matches pattern the way
// gatekeeper-library's exemptImages do: a pattern ending in * is a prefix,
// any other is the exact reference. No image matches nothing.
func MatchImage(pattern, image string) bool {
	if image == "" {
		return false
	}
	if prefix, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(image, prefix)
	}
	return pattern == image
}

// matchesAny is true for no patterns, or when one glob matches.
func matchesAny(patterns []string, value string) bool {
	if len(patterns) == 0 {
		return true
	}
	for _, p := range patterns {
		if ok, _ := path.Match(p, value); ok {
			return true
		}
	}
	return false
}

// inlineException reads the annotations: the listed control IDs, a reason
// and an expiry date, all required.
func inlineException(f Finding) (Exception, bool) {
	ids := f.Annotations[AnnotationExempt]
	if ids == "" {
		return Exception{}, false
	}
	listed := false
	for _, id := range strings.Split(ids, ",") {
		if strings.TrimSpace(id) == f.Control {
			listed = true
		}
	}
	if !listed {
		return Exception{}, false
	}
	e := Exception{Control: f.Control, Reason: f.Annotations[AnnotationReason], Expires: f.Annotations[AnnotationExpires], Source: "inline"}
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(e.Expires))
	if err != nil || strings.TrimSpace(e.Reason) == "" {
		// An inline exception without a reason or a valid expiry cannot
		// be honoured: it is reported as already expired.
		e.expires = time.Time{}
		if e.Expires == "" {
			e.Expires = "(missing)"
		}
		return e, true
	}
	e.expires = t
	return e, true
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// ForControl returns the file entries that cover every finding of a
// control (by ID or by one of its requirements) and still apply at now.
func (s *Set) ForControl(id string, requirements []string, now time.Time) []Exception {
	var out []Exception
	for _, e := range s.entries {
		if e.Expired(now) {
			continue
		}
		if e.Control == id || (e.Requirement != "" && contains(requirements, e.Requirement)) {
			out = append(out, e)
		}
	}
	return out
}

// GatekeeperNamespaces returns the exception's namespaces as Gatekeeper
// excludedNamespaces patterns, when the exception is scoped by namespace
// alone and each glob is an exact name, a prefix* or a *suffix; ok is false
// when Gatekeeper's match cannot express it.
func (e Exception) GatekeeperNamespaces() (patterns []string, ok bool) {
	if len(e.Namespaces) == 0 || len(e.Kinds) > 0 || len(e.Names) > 0 || len(e.Images) > 0 {
		return nil, false
	}
	for _, p := range e.Namespaces {
		inner := strings.TrimSuffix(strings.TrimPrefix(p, "*"), "*")
		// "*" alone would also cover cluster-scoped objects offline,
		// which Gatekeeper's namespace match never excludes.
		if p == "*" || strings.ContainsAny(inner, "*?[\\") {
			return nil, false
		}
	}
	return append([]string{}, e.Namespaces...), true
}

// GatekeeperImages returns the exception's images as a constraint's
// exemptImages, when the exception is scoped by images alone; ok is false
// otherwise (exemptImages holds in every namespace, for every object).
func (e Exception) GatekeeperImages() (images []string, ok bool) {
	if len(e.Images) == 0 || len(e.Namespaces) > 0 || len(e.Kinds) > 0 || len(e.Names) > 0 {
		return nil, false
	}
	return slices.Clone(e.Images), true
}

// SchemaExtras: an exception names a control or a requirement, not both.
func (Exception) SchemaExtras() map[string]any {
	return map[string]any{"oneOf": []any{
		map[string]any{"required": []any{"control"}},
		map[string]any{"required": []any{"requirement"}},
	}}
}
