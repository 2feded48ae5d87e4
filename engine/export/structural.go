package export

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// structuralSchema turns a control's parameter schema (JSON schema) into a
// structural OpenAPI v3 schema, the only kind a Gatekeeper v1 template's
// CRD accepts: every node has one type, objects list their properties or
// preserve unknown fields (so the API server does not prune them), and
// keywords Kubernetes rejects (uniqueItems: true, additionalProperties
// beside properties, $schema) are dropped. A union of string and integer
// becomes x-kubernetes-int-or-string; any other union keeps its values
// unpruned and unchecked, and the Rego judges them.
func structuralSchema(s map[string]any) (map[string]any, error) {
	return structural(s, "")
}

var passThrough = []string{
	"description", "default", "enum", "format", "pattern",
	"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
	"minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties",
	"nullable",
}

func structural(s map[string]any, at string) (map[string]any, error) {
	out := map[string]any{}
	for _, k := range passThrough {
		if v, ok := s[k]; ok {
			out[k] = v
		}
	}
	for k := range s {
		switch {
		case slices.Contains(passThrough, k), k == "type", k == "properties", k == "items", k == "required",
			k == "additionalProperties", k == "uniqueItems", k == "$schema", k == "title", k == "$comment":
		default:
			return nil, fmt.Errorf("%s: JSON schema keyword %q has no structural OpenAPI equivalent", where(at), k)
		}
	}
	typ, err := schemaType(s["type"], at)
	if err != nil {
		return nil, err
	}
	switch typ {
	case "int-or-string":
		out["x-kubernetes-int-or-string"] = true
		return out, nil
	case "any":
		out["x-kubernetes-preserve-unknown-fields"] = true
		return out, nil
	}
	out["type"] = typ
	switch typ {
	case "object":
		props, _ := s["properties"].(map[string]any)
		if len(props) == 0 {
			if extra, ok := s["additionalProperties"].(map[string]any); ok {
				sub, err := structural(extra, at+"/additionalProperties")
				if err != nil {
					return nil, err
				}
				out["additionalProperties"] = sub
			} else {
				out["x-kubernetes-preserve-unknown-fields"] = true
			}
			break
		}
		converted := map[string]any{}
		names := make([]string, 0, len(props))
		for name := range props {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			p, ok := props[name].(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%s: property %q is not a schema", where(at), name)
			}
			sub, err := structural(p, at+"/properties/"+name)
			if err != nil {
				return nil, err
			}
			converted[name] = sub
		}
		out["properties"] = converted
		if req, ok := s["required"]; ok {
			out["required"] = req
		}
	case "array":
		items, ok := s["items"].(map[string]any)
		if !ok {
			items = map[string]any{}
		}
		sub, err := structural(items, at+"/items")
		if err != nil {
			return nil, err
		}
		out["items"] = sub
	}
	return out, nil
}

// schemaType reads "type": one name, or a union of names. An absent type
// accepts anything.
func schemaType(v any, at string) (string, error) {
	switch t := v.(type) {
	case nil:
		return "any", nil
	case string:
		return t, nil
	case []any:
		var names []string
		for _, e := range t {
			name, ok := e.(string)
			if !ok {
				return "", fmt.Errorf("%s: type %v is not a list of names", where(at), t)
			}
			if name != "null" {
				names = append(names, name)
			}
		}
		slices.Sort(names)
		switch strings.Join(names, ",") {
		case "integer,string":
			return "int-or-string", nil
		}
		if len(names) == 1 {
			return names[0], nil
		}
		return "any", nil
	}
	return "", fmt.Errorf("%s: type %v is neither a name nor a list of names", where(at), v)
}

func where(at string) string {
	if at == "" {
		return "schema"
	}
	return "schema at " + at
}
