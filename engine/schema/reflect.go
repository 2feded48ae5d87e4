package schema

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// Extender is a struct type that adds keywords its fields cannot say to
// its schema (a oneOf of required keys).
type Extender interface {
	SchemaExtras() map[string]any
}

// Reflect builds the JSON Schema of a Go type from its fields' json tags
// and `schema` tags, so a file's schema and the type it decodes into
// cannot drift apart. A struct is an object with no other keys; a field
// is optional unless tagged required. The schema tag holds directives
// separated by semicolons:
//
//	required            the key must be present
//	-                   not part of the file (output only)
//	description=TEXT    what the key means (an editor shows it)
//	type=a|b            JSON types, for an interface{} field
//	enum=a|b            allowed strings
//	pattern=RE          a string's pattern
//	minLength=N, minItems=N, minimum=N, uniqueItems
//	items.DIRECTIVE     a directive for a list's items
//	ref=NAME            the schema defs[NAME] instead of the field's type
//
// The keywords used read the same in draft-07 and 2020-12.
func Reflect(t reflect.Type, defs map[string]any) (map[string]any, error) {
	return reflectType(t, nil, defs)
}

func reflectType(t reflect.Type, directives []string, defs map[string]any) (map[string]any, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var out map[string]any
	own, items := splitItems(directives)
	for _, d := range own {
		if name, ok := strings.CutPrefix(d, "ref="); ok {
			def, found := defs[name]
			if !found {
				return nil, fmt.Errorf("schema ref %q is not defined", name)
			}
			out = Clone(def).(map[string]any)
			delete(out, "$schema")
			return applyDirectives(out, own)
		}
	}
	switch {
	case t == reflect.TypeOf(json.RawMessage{}) || t.Kind() == reflect.Interface:
		out = map[string]any{}
	case t.Kind() == reflect.String:
		out = map[string]any{"type": "string"}
	case t.Kind() == reflect.Bool:
		out = map[string]any{"type": "boolean"}
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		out = map[string]any{"type": "integer"}
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		out = map[string]any{"type": "number"}
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
		elem, err := reflectType(t.Elem(), items, defs)
		if err != nil {
			return nil, err
		}
		out = map[string]any{"type": "array", "items": elem}
	case t.Kind() == reflect.Map:
		out = map[string]any{"type": "object"}
		if t.Elem().Kind() != reflect.Interface {
			elem, err := reflectType(t.Elem(), items, defs)
			if err != nil {
				return nil, err
			}
			out["additionalProperties"] = elem
		}
	case t.Kind() == reflect.Struct:
		var err error
		if out, err = reflectStruct(t, defs); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("schema: no JSON type for %s", t)
	}
	return applyDirectives(out, own)
}

func reflectStruct(t reflect.Type, defs map[string]any) (map[string]any, error) {
	props := map[string]any{}
	var required []any
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		tag := f.Tag.Get("schema")
		if name == "-" || tag == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		directives := splitDirectives(tag)
		s, err := reflectType(f.Type, directives, defs)
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", t.Name(), f.Name, err)
		}
		props[name] = s
		for _, d := range directives {
			if d == "required" {
				required = append(required, name)
			}
		}
	}
	out := map[string]any{"type": "object", "additionalProperties": false, "properties": props}
	if len(required) > 0 {
		out["required"] = required
	}
	if x, ok := reflect.New(t).Elem().Interface().(Extender); ok {
		for k, v := range x.SchemaExtras() {
			out[k] = v
		}
	}
	return out, nil
}

// splitDirectives splits a schema tag; a description may hold semicolons
// only as its last directive.
func splitDirectives(tag string) []string {
	if tag == "" {
		return nil
	}
	var out []string
	for tag != "" {
		if strings.HasPrefix(tag, "description=") {
			return append(out, tag)
		}
		d, rest, _ := strings.Cut(tag, ";")
		out = append(out, strings.TrimSpace(d))
		tag = strings.TrimSpace(rest)
	}
	return out
}

// splitItems separates a field's own directives from its items'.
func splitItems(directives []string) (own, items []string) {
	for _, d := range directives {
		if rest, ok := strings.CutPrefix(d, "items."); ok {
			items = append(items, rest)
			continue
		}
		own = append(own, d)
	}
	return own, items
}

func applyDirectives(s map[string]any, directives []string) (map[string]any, error) {
	for _, d := range directives {
		key, value, _ := strings.Cut(d, "=")
		switch key {
		case "required", "ref", "":
		case "description":
			s["description"] = value
		case "type":
			types := strings.Split(value, "|")
			if len(types) == 1 {
				s["type"] = types[0]
			} else {
				list := make([]any, len(types))
				for i, t := range types {
					list[i] = t
				}
				s["type"] = list
			}
		case "enum":
			var list []any
			for _, v := range strings.Split(value, "|") {
				list = append(list, v)
			}
			s["enum"] = list
			delete(s, "type")
		case "pattern":
			s["pattern"] = value
		case "minLength", "minItems", "minimum":
			n, err := strconv.Atoi(value)
			if err != nil {
				return nil, fmt.Errorf("schema directive %q: %w", d, err)
			}
			s[key] = n
		case "uniqueItems":
			s["uniqueItems"] = true
		default:
			return nil, fmt.Errorf("schema directive %q is unknown", d)
		}
	}
	return s, nil
}
