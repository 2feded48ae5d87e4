// Package schema compiles and applies JSON schemas (control parameters,
// profiles, configuration files) and reports each problem with the JSON
// pointer of the value at fault, so callers can map it to a file line.
package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// Schema is a compiled JSON schema.
type Schema struct {
	s *jsonschema.Schema
}

// Problem is one reason a value does not satisfy a schema.
type Problem struct {
	// Pointer is the JSON pointer of the offending value ("" for the root).
	Pointer string
	Message string
}

// Path splits the pointer into keys and indexes.
func (p Problem) Path() []any {
	if p.Pointer == "" || p.Pointer == "/" {
		return nil
	}
	var out []any
	for _, part := range strings.Split(strings.TrimPrefix(p.Pointer, "/"), "/") {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		if i, err := strconv.Atoi(part); err == nil {
			out = append(out, i)
			continue
		}
		out = append(out, part)
	}
	return out
}

// Error is a failed validation; it lists every problem.
type Error struct {
	Problems []Problem
}

func (e *Error) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		loc := p.Pointer
		if loc == "" {
			loc = "/"
		}
		parts[i] = fmt.Sprintf("at %s: %s", loc, p.Message)
	}
	return strings.Join(parts, "; ")
}

// Compile compiles a schema given as a decoded JSON value; name identifies
// it in errors.
func Compile(name string, doc any) (*Schema, error) {
	data, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("schema %s: %w", name, err)
	}
	return CompileJSON(name, data)
}

// CompileJSON compiles a schema from JSON text.
func CompileJSON(name string, data []byte) (*Schema, error) {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	url := "mem://schemas/" + name
	if err := c.AddResource(url, bytes.NewReader(data)); err != nil {
		return nil, fmt.Errorf("schema %s: %w", name, err)
	}
	s, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("schema %s: %w", name, err)
	}
	return &Schema{s: s}, nil
}

// Validate checks v (any JSON-compatible Go value) and returns an *Error
// listing every problem, or nil.
func (s *Schema) Validate(v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return err
	}
	err = s.s.Validate(doc)
	if err == nil {
		return nil
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return err
	}
	var problems []Problem
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			problems = append(problems, Problem{Pointer: e.InstanceLocation, Message: e.Message})
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	sort.SliceStable(problems, func(i, j int) bool { return problems[i].Pointer < problems[j].Pointer })
	return &Error{Problems: problems}
}

// Defaults returns the `default` of each top-level property of a schema
// document.
func Defaults(doc map[string]any) map[string]any {
	out := map[string]any{}
	props, _ := doc["properties"].(map[string]any)
	for name, p := range props {
		if m, ok := p.(map[string]any); ok {
			if d, ok := m["default"]; ok {
				out[name] = Clone(d)
			}
		}
	}
	return out
}

// Clone deep-copies a JSON-compatible value.
func Clone(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = Clone(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = Clone(e)
		}
		return out
	}
	return v
}
