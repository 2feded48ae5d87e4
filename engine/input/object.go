// Package input loads Kubernetes manifests the way kubectl reads them.
//
// Files, directories and standard input are split into YAML documents on
// `---` lines (as k8s.io/apimachinery's YAMLReader does), each document is
// decoded with sigs.k8s.io/yaml semantics (YAML 1.1 booleans, anchors,
// aliases, merge keys), `*List` objects are expanded into their items, and
// every object remembers its file, document index, List item index and line.
// A lazily built YAML node tree maps a field path inside an object back to
// the line that holds it, so findings point at the offending field.
package input

import (
	"fmt"
	"strconv"
	"strings"
)

// Source says where an object came from.
type Source struct {
	// File is the path as the user named it (or as found under a named
	// directory); "-" is reported as StdinName.
	File string
	// Document is the 0-based index of the document in the file's YAML
	// stream. Sections without content (blank or comment-only) are not
	// counted.
	Document int
	// Item holds the index of the object inside a List document, one entry
	// per level of nesting; nil when the object is the document itself.
	Item []int
	// Line is the 1-based line where the object starts.
	Line int
}

// StdinName is the file name reported for objects read from standard input.
const StdinName = "<stdin>"

// String renders the source as file:line (document N[, item M]).
func (s Source) String() string {
	var b strings.Builder
	b.WriteString(s.File)
	if s.Line > 0 {
		b.WriteString(":")
		b.WriteString(strconv.Itoa(s.Line))
	}
	b.WriteString(" (document ")
	b.WriteString(strconv.Itoa(s.Document))
	for _, i := range s.Item {
		b.WriteString(", item ")
		b.WriteString(strconv.Itoa(i))
	}
	b.WriteString(")")
	return b.String()
}

// Object is one Kubernetes object read from the input.
type Object struct {
	Source
	// Value is the object as kubectl would send it, decoded from JSON with
	// numbers kept as json.Number.
	Value map[string]any

	doc    *document // shared by every object of the same document
	prefix []any     // path from the document root to this object
	// locate maps a field path to a line for objects normalised from
	// another format (a Dockerfile); nil for manifests.
	locate func(path []any) int
	// place maps a field path to its file and line for objects read from
	// several files (a Terraform module); nil for the others.
	place func(path []any) Location
	// origin is the source of an object rendered from a chart or a
	// kustomization; nil for manifests read as they are.
	origin *origin
}

// NewObject wraps a decoded value that has no YAML source (for example an
// object built in a test); Line lookups fall back to src.Line.
func NewObject(src Source, value map[string]any) *Object {
	return &Object{Source: src, Value: value}
}

// WithValue returns a copy of the object with another value: the same
// source, lines and field locations (a variant of the object judged for a
// template parameter's other allowed values).
func (o *Object) WithValue(value map[string]any) *Object {
	c := *o
	c.Value = value
	return &c
}

// Kind returns the object's kind ("" when absent or not a string).
func (o *Object) Kind() string { return stringField(o.Value, "kind") }

// APIVersion returns the object's apiVersion.
func (o *Object) APIVersion() string { return stringField(o.Value, "apiVersion") }

// Group returns the API group of the object's apiVersion ("" for core).
func (o *Object) Group() string {
	g, _ := SplitAPIVersion(o.APIVersion())
	return g
}

// Version returns the version part of the object's apiVersion.
func (o *Object) Version() string {
	_, v := SplitAPIVersion(o.APIVersion())
	return v
}

// Name returns metadata.name.
func (o *Object) Name() string { return stringField(metadata(o.Value), "name") }

// Namespace returns metadata.namespace as written in the manifest.
func (o *Object) Namespace() string { return stringField(metadata(o.Value), "namespace") }

// FieldLine returns the line of the field at path (keys and indexes relative
// to the object). When the field is absent it returns the line of its
// nearest present ancestor, and the object's line when nothing matches.
func (o *Object) FieldLine(path []any) int {
	if o.place != nil {
		return o.place(path).Line
	}
	if o.locate != nil {
		if line := o.locate(path); line > 0 {
			return line
		}
		return o.Line
	}
	if o.doc == nil {
		return o.Line
	}
	full := make([]any, 0, len(o.prefix)+len(path))
	full = append(full, o.prefix...)
	full = append(full, path...)
	if line := o.doc.lineOf(full); line > 0 {
		return line
	}
	return o.Line
}

// SplitAPIVersion splits "group/version" into its parts; "v1" has group "".
func SplitAPIVersion(apiVersion string) (group, version string) {
	if i := strings.LastIndex(apiVersion, "/"); i >= 0 {
		return apiVersion[:i], apiVersion[i+1:]
	}
	return "", apiVersion
}

func metadata(v map[string]any) map[string]any {
	m, _ := v["metadata"].(map[string]any)
	return m
}

func stringField(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

// FieldPath renders a field path the way kubectl explain does:
// spec.containers[0].securityContext.privileged. Keys that contain dots or
// slashes are bracketed: metadata.annotations["a.b/c"].
func FieldPath(path []any) string {
	var b strings.Builder
	for i, seg := range path {
		switch v := seg.(type) {
		case string:
			if strings.ContainsAny(v, "./") {
				fmt.Fprintf(&b, "[%q]", v)
				continue
			}
			if i > 0 {
				b.WriteString(".")
			}
			b.WriteString(v)
		default:
			fmt.Fprintf(&b, "[%v]", v)
		}
	}
	return b.String()
}

// ContainerImage resolves a finding's field path to the container it is
// about and returns that container's image: the path's first
// `<containers|initContainers|ephemeralContainers>[i]` names it, wherever
// the pod spec sits (spec.template.spec.containers[1].securityContext is
// the Deployment's second container). ok is false for a field about no
// container, or a container without a string image.
func ContainerImage(value map[string]any, field []any) (image string, ok bool) {
	var cur any = value
	for i, seg := range field {
		switch v := cur.(type) {
		case map[string]any:
			key, isKey := seg.(string)
			if !isKey {
				return "", false
			}
			cur = v[key]
		case []any:
			n, isIndex := pathIndex(seg)
			if !isIndex || n < 0 || n >= len(v) {
				return "", false
			}
			cur = v[n]
			if i > 0 && isContainerList(field[i-1]) {
				c, _ := cur.(map[string]any)
				image, ok = c["image"].(string)
				return image, ok
			}
		default:
			return "", false
		}
	}
	return "", false
}

// isContainerList reports whether a path segment names a pod spec field
// that holds containers.
func isContainerList(seg any) bool {
	switch seg {
	case "initContainers", "containers", "ephemeralContainers":
		return true
	}
	return false
}
