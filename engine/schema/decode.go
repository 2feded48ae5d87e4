package schema

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/shipshape-dev/shipshape/engine/input"
)

var additionalPropertyRE = regexp.MustCompile(`additionalProperties? '([^']+)'`)

// DecodeFile decodes a single-document YAML (or JSON) file, validates it
// against s and decodes it into out. Every problem is reported as
// `file:line: field: message`, unknown keys pointing at the key itself.
func DecodeFile(file string, data []byte, s *Schema, out any) (*input.Document, error) {
	doc, err := input.DecodeDocument(file, data)
	if err != nil {
		return nil, err
	}
	value := doc.Value
	if err := s.Validate(value); err != nil {
		var se *Error
		if !errors.As(err, &se) {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		var errs []error
		for _, p := range se.Problems {
			where := p.Path()
			msg := p.Message
			if m := additionalPropertyRE.FindStringSubmatch(msg); m != nil {
				where = append(where, m[1])
				msg = fmt.Sprintf("unknown key %q", m[1])
			}
			errs = append(errs, &input.Error{File: file, Document: -1, Line: doc.Line(where),
				Err: fmt.Errorf("%s: %s", FieldName(where), msg)})
		}
		return nil, errors.Join(errs...)
	}
	if out != nil {
		raw, err := json.Marshal(value)
		if err != nil {
			return nil, err
		}
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		dec.UseNumber()
		if err := dec.Decode(out); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
	}
	return doc, nil
}

// FieldName renders a path as a dotted field name ("(top level)" for none).
func FieldName(path []any) string {
	if len(path) == 0 {
		return "(top level)"
	}
	var b strings.Builder
	for i, seg := range path {
		switch v := seg.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", v)
		default:
			if i > 0 {
				b.WriteString(".")
			}
			fmt.Fprint(&b, v)
		}
	}
	return b.String()
}
