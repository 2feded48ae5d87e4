package eval

import (
	"github.com/shipshape-dev/shipshape/engine/input"
)

// Inventory arranges objects the way Gatekeeper's sync places them under
// data.inventory:
//
//	cluster[<groupVersion>][<kind>][<name>]
//	namespace[<namespace>][<groupVersion>][<kind>][<name>]
//
// A namespaced object that names no namespace lands in "default", as
// kubectl would apply it. Later objects with the same identity replace
// earlier ones, as a later apply would.
func Inventory(objects []*input.Object) map[string]any {
	inv := emptyInventory()
	cluster := inv["cluster"].(map[string]any)
	namespaced := inv["namespace"].(map[string]any)
	for _, o := range objects {
		gv, kind, name := o.APIVersion(), o.Kind(), o.Name()
		if kind == "" || name == "" {
			continue
		}
		root := cluster
		if ns := o.EffectiveNamespace(); ns != "" {
			root = child(namespaced, ns)
		}
		child(child(root, gv), kind)[name] = o.Value
	}
	return inv
}

func emptyInventory() map[string]any {
	return map[string]any{"cluster": map[string]any{}, "namespace": map[string]any{}}
}

func child(m map[string]any, key string) map[string]any {
	c, ok := m[key].(map[string]any)
	if !ok {
		c = map[string]any{}
		m[key] = c
	}
	return c
}
