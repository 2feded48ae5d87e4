package input

import (
	"errors"

	"github.com/shipshape-dev/shipshape/engine/dockerfile"
)

// decodeDockerfile reads a Dockerfile into one normalised object whose
// fields map back to Dockerfile lines.
func decodeDockerfile(name string, data []byte) *File {
	f := &File{Name: name, Documents: 1}
	value, err := dockerfile.Parse(name, data)
	if err != nil {
		line := 0
		var de *dockerfile.Error
		if errors.As(err, &de) {
			line = de.Line
		}
		f.Errors = append(f.Errors, &Error{File: name, Document: 0, Line: line, Err: err})
		return f
	}
	o := NewObject(Source{File: name, Line: 1}, value)
	o.locate = func(path []any) int { return lineAlong(value, path) }
	f.Objects = append(f.Objects, o)
	return f
}

// lineAlong follows path through a normalised value and returns the "line"
// of the deepest map on the way that has one: the instruction, stage or
// argument a field belongs to.
func lineAlong(value any, path []any) int {
	line := 0
	cur := value
	for _, seg := range path {
		if m, ok := cur.(map[string]any); ok {
			if l, ok := m["line"].(int); ok {
				line = l
			}
		}
		if key, ok := seg.(string); ok {
			m, ok := cur.(map[string]any)
			if !ok {
				return line
			}
			cur = m[key]
			continue
		}
		i, ok := pathIndex(seg)
		list, isList := cur.([]any)
		if !ok || !isList || i < 0 || i >= len(list) {
			return line
		}
		cur = list[i]
	}
	if m, ok := cur.(map[string]any); ok {
		if l, ok := m["line"].(int); ok {
			line = l
		}
	}
	return line
}
