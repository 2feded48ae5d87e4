package input

import (
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/shipshape-dev/shipshape/engine/render"
)

// Location is where a field of an object is reported: a line of the
// object's file, or, when the file (a chart template, a kustomization's
// base) does not hold the field as rendered, a line of the rendered output.
type Location struct {
	// File is the file that holds the field when it is not the object's
	// own (the kustomize patch that set it); "" for the object's file.
	File string
	Line int
	// Rendered is true when Line counts in the rendered document, not in
	// the file the object names: the source holds no line for the field.
	Rendered bool
}

// origin ties an object rendered from a chart or a kustomization to the
// file that made it, so its fields are located in that file.
type origin struct {
	// source is the object of the source file that became this one (a
	// kustomization's resource), nil when none matches.
	source *Object
	// template holds the lines of a chart template, searched for keys.
	template []string
	// patches are the kustomization's patch files, read.
	patches []*File
	// values are the chart's values files (name and lines), most specific
	// first.
	values []valuesFile
}

// valuesFile is a values file's name and lines.
type valuesFile struct {
	name  string
	lines []string
}

// Locate returns where the field at path (nil: the object) is. For plain
// manifests it is FieldLine. For an object rendered from a kustomization
// it is the line in the source file when the field is there with the
// rendered value; for one rendered from a chart template, the template line
// that alone holds the field's key. Anything else is the line of the
// rendered output, and says so.
func (o *Object) Locate(path []any) Location {
	if o.place != nil {
		return o.place(path)
	}
	if o.origin == nil {
		return Location{Line: o.FieldLine(path)}
	}
	if src := o.origin.source; src != nil {
		if len(path) == 0 {
			return Location{Line: src.Line}
		}
		line, exact, same := locateIn(src, o, path)
		switch {
		case exact && same:
			return Location{Line: line}
		case !exact && valueAt(o.Value, path) == nil:
			// Absent as written and as rendered: the nearest field the
			// source has, as for a plain manifest.
			return Location{Line: line}
		}
		// A patch that sets the field with the rendered value.
		for _, p := range o.origin.patches {
			if ps := matchSource(o, p.Objects); ps != nil {
				if line, exact, same := locateIn(ps, o, path); exact && same {
					return Location{File: p.Name, Line: line}
				}
			}
		}
	}
	if o.origin.template != nil {
		if len(path) == 0 {
			if line := templateLine(o.origin.template, "kind:", o.Kind()); line > 0 {
				return Location{Line: line}
			}
		}
		// The field, or its nearest rendered ancestor, by a key that only
		// one line of the template holds.
		first := true
		for end := len(path); end > 0; end-- {
			key, ok := path[end-1].(string)
			if !ok || valueAt(o.Value, path[:end]) == nil {
				continue
			}
			if !first {
				break
			}
			first = false
			if line := templateLine(o.origin.template, key+":", ""); line > 0 {
				return Location{Line: line}
			}
		}
		// A scalar the template copied from the values (toYaml): the one
		// line of the most specific values file that sets the key to it.
		if key, ok := lastString(path); ok {
			if want, scalar := scalarText(valueAt(o.Value, path)); scalar {
				for _, v := range o.origin.values {
					if line := templateLine(v.lines, key+": "+want, ""); line > 0 {
						return Location{File: v.name, Line: line}
					}
				}
			}
		}
		// Else, for a field the object has, the nearest ancestor whose key
		// one template line holds (a common key such as type: under a block
		// the template writes once). An absent field gets no such guess.
		for end := len(path) - 1; end > 0 && valueAt(o.Value, path) != nil; end-- {
			if key, ok := path[end-1].(string); ok {
				if line := templateLine(o.origin.template, key+":", ""); line > 0 {
					return Location{Line: line}
				}
			}
		}
	}
	return Location{Line: o.FieldLine(path), Rendered: true}
}

// lastString is the last segment of path when it is a mapping key.
func lastString(path []any) (string, bool) {
	if len(path) == 0 {
		return "", false
	}
	s, ok := path[len(path)-1].(string)
	return s, ok
}

// scalarText renders a boolean, number or plain string as YAML writes it.
func scalarText(v any) (string, bool) {
	switch t := v.(type) {
	case bool:
		return strconv.FormatBool(t), true
	case json.Number:
		return t.String(), true
	case string:
		if t != "" && !strings.ContainsAny(t, ":#{}[]\"'\n") {
			return t, true
		}
	}
	return "", false
}

// locateIn finds the field at path of the rendered object o in src (a
// source document or a patch): its line, whether the whole path exists
// there, and whether it holds the rendered value. List entries with a name
// (containers, volumes, ports) are matched by name, since kustomize merges
// them by name and may move them.
func locateIn(src, o *Object, path []any) (int, bool, bool) {
	srcPath := translate(src.Value, o.Value, path)
	line, exact := src.resolve(srcPath)
	return line, exact, exact && reflect.DeepEqual(valueAt(src.Value, srcPath), valueAt(o.Value, path))
}

// translate maps a path in the rendered value to the same field in the
// source value, following named list entries by name.
func translate(source, rendered any, path []any) []any {
	out := make([]any, 0, len(path))
	for _, seg := range path {
		srcList, isList := source.([]any)
		renList, _ := rendered.([]any)
		if i, ok := pathIndex(seg); ok && isList && i >= 0 && i < len(renList) {
			if name, named := nameOf(renList[i]); named {
				for j, e := range srcList {
					if n, ok := nameOf(e); ok && n == name {
						seg = j
						break
					}
				}
			}
		}
		out = append(out, seg)
		source, rendered = valueAt(source, []any{seg}), valueAt(rendered, []any{path[len(out)-1]})
	}
	return out
}

func nameOf(v any) (string, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return "", false
	}
	name, ok := m["name"].(string)
	return name, ok
}

// resolve returns the line of the field at path and whether the whole path
// exists (rather than an ancestor).
func (o *Object) resolve(path []any) (int, bool) {
	if o.doc == nil || o.doc.root == nil {
		return 0, false
	}
	full := append(append([]any{}, o.prefix...), path...)
	line, depth := o.doc.lineAndDepth(full)
	return line, depth == len(full)
}

// templateLine returns the only line of a template that holds key (and
// contains also, when given), outside comments; 0 when none or several do.
func templateLine(lines []string, key, also string) int {
	found := 0
	for i, l := range lines {
		t := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "- "))
		if strings.HasPrefix(t, "#") || strings.HasPrefix(t, "{{/*") {
			continue
		}
		if strings.HasPrefix(t, key) && strings.Contains(t, also) {
			if found > 0 {
				return 0
			}
			found = i + 1
		}
	}
	return found
}

// valueAt returns the value at path inside v (nil when absent).
func valueAt(v any, path []any) any {
	for _, seg := range path {
		switch node := v.(type) {
		case map[string]any:
			key, ok := seg.(string)
			if !ok {
				return nil
			}
			v = node[key]
		case []any:
			i, ok := pathIndex(seg)
			if !ok || i < 0 || i >= len(node) {
				return nil
			}
			v = node[i]
		default:
			return nil
		}
	}
	return v
}

// attachOrigins ties rendered objects to their source: for a kustomization,
// the object of the source file with the same kind and name (kustomize may
// add a prefix or suffix to the name); for a chart, the template's lines.
// A chart's other files (chartFiles) are searched, with the template and
// the values, for the data of a rendered Secret.
func attachOrigins(objects []*Object, sourceData []byte, template bool, patches []*File, values, chartFiles []valuesFile, limits Limits) {
	if template {
		lines := strings.Split(string(sourceData), "\n")
		sources := [][]string{lines}
		for _, v := range append(slices.Clone(values), chartFiles...) {
			sources = append(sources, v.lines)
		}
		for _, o := range objects {
			markGeneratedData(o, sources)
			o.origin = &origin{template: lines, values: values}
			if loc := o.Locate(nil); !loc.Rendered {
				o.Line = loc.Line
			}
		}
		return
	}
	src := decodeFile("", sourceData, limits)
	for _, o := range objects {
		if s := matchSource(o, src.Objects); s != nil {
			o.origin = &origin{source: s, patches: patches}
			o.Line = s.Line
			continue
		}
		o.origin = &origin{}
	}
}

// valuesLines splits values files into lines.
func valuesLines(files []render.SourceFile) []valuesFile {
	out := make([]valuesFile, 0, len(files))
	for _, f := range files {
		out = append(out, valuesFile{name: f.Name, lines: strings.Split(string(f.Data), "\n")})
	}
	return out
}

// matchSource finds the source object that became o.
func matchSource(o *Object, candidates []*Object) *Object {
	var byName, byKind []*Object
	for _, c := range candidates {
		if c.Kind() != o.Kind() {
			continue
		}
		byKind = append(byKind, c)
		if c.Name() == o.Name() || c.Name() != "" && strings.Contains(o.Name(), c.Name()) {
			byName = append(byName, c)
		}
	}
	for _, c := range byName {
		if c.Name() == o.Name() {
			return c
		}
	}
	switch {
	case len(byName) == 1:
		return byName[0]
	case len(byName) == 0 && len(byKind) == 1:
		return byKind[0]
	}
	return nil
}

// Rendered reports an object rendered from a chart or a kustomization: its
// file is the source it came from, not the text that was judged.
func (o *Object) Rendered() bool { return o.origin != nil }

// Normalised reports an object built from a format that is not a manifest
// (a Dockerfile, an ARM template, a Terraform plan).
func (o *Object) Normalised() bool { return o.locate != nil || o.place != nil }
