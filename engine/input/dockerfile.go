package input

import (
	"errors"

	"github.com/shipshape-dev/shipshape/engine/dockerfile"
	"github.com/shipshape-dev/shipshape/engine/kubelet"
)

// decodeDockerfile reads a Dockerfile into one normalised object whose
// fields map back to Dockerfile lines.
func decodeDockerfile(name string, data []byte) *File {
	return decodeNormalized(name, data, dockerfile.Parse, func(err error) int {
		var de *dockerfile.Error
		if errors.As(err, &de) {
			return de.Line
		}
		return 0
	})
}

// decodeKubeletFlags reads a kubelet unit, drop-in or environment file into
// one normalised object whose flags map back to their lines.
func decodeKubeletFlags(name string, data []byte) *File {
	return decodeNormalized(name, data, kubelet.Parse, func(err error) int {
		var ke *kubelet.Error
		if errors.As(err, &ke) {
			return ke.Line
		}
		return 0
	})
}

// decodeNormalized reads a file of another format into one normalised
// object whose fields carry the lines they came from ("line" keys).
func decodeNormalized(name string, data []byte, parse func(string, []byte) (map[string]any, error), lineOf func(error) int) *File {
	f := &File{Name: name, Documents: 1}
	value, err := parse(name, data)
	if err != nil {
		f.Errors = append(f.Errors, &Error{File: name, Document: 0, Line: lineOf(err), Err: err})
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
