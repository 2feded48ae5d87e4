package fix

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"

	"go.yaml.in/yaml/v3"
)

// An edit is kept only when the document parses, after it, to exactly the
// document before it plus the intended field: a value inherited through a
// merge key that a local key would now hide, or a field of another object
// that shares an anchor with the edited one, makes the parsed documents
// differ, and the edit is not made.

// maxVisits bounds the walk that follows aliases (a document of aliases of
// aliases expands exponentially).
const maxVisits = 200_000

// decodeNode reads a parsed document as its readers do (anchors, aliases
// and merge keys resolved).
func decodeNode(doc *yaml.Node) (any, error) {
	var v any
	if err := doc.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// occurrences returns the paths, from the document root, at which node w
// is seen once aliases and merge keys are resolved: one for a node written
// once, more for an anchored node (or one inside it) that aliases or merge
// keys use elsewhere. keys are the mapping keys under which each
// occurrence sits ("" for a list item).
func occurrences(root, w *yaml.Node) (paths [][]any, err error) {
	visits := 0
	var visit func(n *yaml.Node, path []any) error
	visit = func(n *yaml.Node, path []any) error {
		n = deref(n)
		if visits++; visits > maxVisits {
			return errors.New("the document's aliases expand too far to check the edit")
		}
		if n == w {
			paths = append(paths, slices.Clone(path))
		}
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				if err := visit(c, path); err != nil {
					return err
				}
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				if err := visit(c, append(path, i)); err != nil {
					return err
				}
			}
		case yaml.MappingNode:
			for _, kv := range mergedPairs(n) {
				if err := visit(kv[1], append(path, kv[0].Value)); err != nil {
					return err
				}
			}
		}
		return nil
	}
	err = visit(root, nil)
	return paths, err
}

// mergedPairs returns a mapping's key and value nodes as a reader sees
// them: its own keys, then the keys its merge keys (<<) bring in that it
// does not set itself (the first merged mapping wins).
func mergedPairs(m *yaml.Node) [][2]*yaml.Node {
	var (
		own    [][2]*yaml.Node
		merges []*yaml.Node
		seen   = map[string]bool{}
	)
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if isMerge(k) {
			v = deref(v)
			if v.Kind == yaml.SequenceNode {
				for _, item := range v.Content {
					merges = append(merges, deref(item))
				}
			} else {
				merges = append(merges, v)
			}
			continue
		}
		own = append(own, [2]*yaml.Node{k, v})
		seen[k.Value] = true
	}
	out := own
	for _, src := range merges {
		if src.Kind != yaml.MappingNode {
			continue
		}
		for _, kv := range mergedPairs(src) {
			if !seen[kv[0].Value] {
				seen[kv[0].Value] = true
				out = append(out, kv)
			}
		}
	}
	return out
}

func isMerge(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.Value == "<<" && (k.Tag == "!!merge" || k.Style == 0)
}

// intend applies an edit's intent to a parsed document: at path, set the
// value or add it to the list. Missing mappings on the way are created.
func intend(doc any, path []any, op string, value any) (any, error) {
	if len(path) == 0 {
		if op == "add" {
			list, _ := doc.([]any)
			if slices.ContainsFunc(list, func(v any) bool { return fmt.Sprint(v) == fmt.Sprint(value) }) {
				return list, nil
			}
			return append(list, value), nil
		}
		return value, nil
	}
	switch k := path[0].(type) {
	case string:
		m, ok := doc.(map[string]any)
		if doc == nil {
			m, ok = map[string]any{}, true
		}
		if !ok {
			return nil, fmt.Errorf("%s is not a mapping", k)
		}
		v, err := intend(m[k], path[1:], op, value)
		if err != nil {
			return nil, err
		}
		m[k] = v
		return m, nil
	case int:
		list, ok := doc.([]any)
		if !ok || k < 0 || k >= len(list) {
			return nil, fmt.Errorf("item %d is absent", k)
		}
		v, err := intend(list[k], path[1:], op, value)
		if err != nil {
			return nil, err
		}
		list[k] = v
		return list, nil
	}
	return nil, fmt.Errorf("bad path segment %v", path[0])
}

// difference returns the first path at which two parsed values differ
// (nil when they are equal).
func difference(a, b any, path []any) []any {
	if equalValue(a, b) {
		return nil
	}
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return path
		}
		keys := make([]string, 0, len(x)+len(y))
		for k := range x {
			keys = append(keys, k)
		}
		for k := range y {
			if _, dup := x[k]; !dup {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			if d := difference(x[k], y[k], append(slices.Clone(path), k)); d != nil {
				return d
			}
		}
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return path
		}
		for i := range x {
			if d := difference(x[i], y[i], append(slices.Clone(path), i)); d != nil {
				return d
			}
		}
	}
	return path
}

// equalValue compares parsed YAML values (maps, lists, scalars) without
// reflection, which a check after every document of a large file would
// pay for on every node.
func equalValue(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !equalValue(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equalValue(x[i], y[i]) {
				return false
			}
		}
		return true
	case string, bool, int, float64, nil:
		return a == b
	}
	return reflect.DeepEqual(a, b)
}
