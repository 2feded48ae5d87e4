package fix

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/shipshape-dev/shipshape/engine/input"
)

// patches writes, for objects rendered from a chart or a kustomization,
// one strategic merge patch per object with the fixed fields: list entries
// are named by their name (containers), as kubectl and kustomize merge
// them. The rendered output is never edited.
func patches(reqs []request) ([]byte, []Change) {
	type objectPatch struct {
		object *input.Object
		tree   map[string]any
	}
	var (
		order   []*input.Object
		byObj   = map[*input.Object]*objectPatch{}
		changes []Change
	)
	for _, r := range reqs {
		p, ok := byObj[r.object]
		if !ok {
			meta := map[string]any{"name": r.object.Name()}
			if ns := r.object.Namespace(); ns != "" {
				meta["namespace"] = ns
			}
			p = &objectPatch{object: r.object, tree: map[string]any{
				"apiVersion": r.object.APIVersion(), "kind": r.object.Kind(), "metadata": meta,
			}}
			byObj[r.object] = p
			order = append(order, r.object)
		}
		value := r.rule.Set
		if r.rule.has == "add" {
			value = addedList(r.object.Value, r.target, r.rule.Add)
		}
		if err := setPatch(p.tree, r.object.Value, r.target, value); err != nil {
			continue
		}
		c := Change{Control: r.finding.Control.ID, Line: r.object.Locate(r.finding.Field).Line, Field: pathText(r.target), Op: r.rule.has, Value: value, Object: objectName(r.object)}
		changes = append(changes, c)
	}
	var b strings.Builder
	for i, o := range order {
		if i > 0 {
			b.WriteString("---\n")
		}
		fmt.Fprintf(&b, "# %s, rendered from %s: apply in the chart's values or as a kustomize patch\n", objectName(o), o.File)
		enc := yaml.NewEncoder(&b)
		enc.SetIndent(2)
		if err := enc.Encode(byObj[o].tree); err != nil {
			continue
		}
		_ = enc.Close()
	}
	return []byte(b.String()), changes
}

// addedList is the list at path with value added (a strategic merge patch
// replaces a list of scalars whole).
func addedList(obj map[string]any, path []any, value any) []any {
	var out []any
	if list, ok := valueAt(obj, path).([]any); ok {
		out = append(out, list...)
	}
	for _, v := range out {
		if fmt.Sprint(v) == fmt.Sprint(value) {
			return out
		}
	}
	return append(out, value)
}

// setPatch sets path = value in the patch tree; a list index becomes an
// entry named as the object's entry at that index.
func setPatch(tree map[string]any, obj any, path []any, value any) error {
	cur := tree
	var at any = obj
	for i, seg := range path {
		last := i == len(path)-1
		switch k := seg.(type) {
		case string:
			at = child(at, k)
			if last {
				cur[k] = value
				return nil
			}
			next, ok := path[i+1].(int)
			if ok {
				list, _ := cur[k].([]any)
				entry, name := listEntry(at, next)
				if name == "" {
					return fmt.Errorf("%s: list entry %d has no name to merge on", pathText(path), next)
				}
				var found map[string]any
				for _, e := range list {
					if m, ok := e.(map[string]any); ok && m["name"] == name {
						found = m
					}
				}
				if found == nil {
					found = map[string]any{"name": name}
					list = append(list, found)
					cur[k] = list
				}
				cur, at = found, entry
				continue
			}
			m, ok := cur[k].(map[string]any)
			if !ok {
				m = map[string]any{}
				cur[k] = m
			}
			cur = m
		case int:
			// Consumed with the list's key above.
		}
	}
	return nil
}

func child(v any, key string) any {
	if m, ok := v.(map[string]any); ok {
		return m[key]
	}
	return nil
}

// listEntry returns the entry at index and its name.
func listEntry(list any, index int) (any, string) {
	l, ok := list.([]any)
	if !ok || index < 0 || index >= len(l) {
		return nil, ""
	}
	name, _ := child(l[index], "name").(string)
	return l[index], name
}

// valueAt returns the value at path in a decoded object (nil when absent).
func valueAt(v any, path []any) any {
	for _, seg := range path {
		switch k := seg.(type) {
		case string:
			v = child(v, k)
		case int:
			l, ok := v.([]any)
			if !ok || k < 0 || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}
