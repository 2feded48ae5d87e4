package eval

import (
	"strings"

	"github.com/shipshape-dev/shipshape/engine/azure"
	"github.com/shipshape-dev/shipshape/engine/input"
	"github.com/shipshape-dev/shipshape/engine/policy"
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
		if name == "" && strings.HasSuffix(o.Group(), ".config.k8s.io") {
			// Component configuration files (KubeletConfiguration) carry
			// no name: they are known by their file.
			name = o.Source.File
		}
		if kind == "" || name == "" {
			continue
		}
		root := cluster
		if ns := o.EffectiveNamespace(); ns != "" {
			root = child(namespaced, ns)
		}
		child(child(root, gv), kind)[inventoryKey(o, name)] = o.Value
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

// InventoryTypes is the set of types the inventory must hold for a set of
// bindings: the union of their controls' custom.sync, by API group and kind
// (the version is Gatekeeper's business; the library matches on group).
type InventoryTypes map[policy.Kind]bool

// TypesRead collects the types the bindings' controls read.
func TypesRead(bindings []Binding) InventoryTypes {
	types := InventoryTypes{}
	for _, b := range bindings {
		for _, gvk := range b.Control.Sync {
			types[policy.Kind{Group: gvk.Group, Kind: gvk.Kind}] = true
		}
	}
	return types
}

// TypesReadJudging collects the types the bindings' controls read when they
// judge objects of the given types. A control that judges none of them
// never reads the inventory, so a scan of Pods alone need not hold the
// workloads a Service's selector is matched against.
func TypesReadJudging(bindings []Binding, judged map[policy.Kind]bool) InventoryTypes {
	var reading []Binding
	for _, b := range bindings {
		for k := range judged {
			if b.Control.Matches(k.Group, k.Kind) {
				reading = append(reading, b)
				break
			}
		}
	}
	return TypesRead(reading)
}

// KindOf is an object's type, as controls match it.
func KindOf(o *input.Object) policy.Kind { return policy.Kind{Group: o.Group(), Kind: o.Kind()} }

// Wants reports whether objects of this type belong in the inventory.
func (t InventoryTypes) Wants(o *input.Object) bool {
	return t[KindOf(o)]
}

// Keep returns the objects of the wanted types.
func (t InventoryTypes) Keep(objects []*input.Object) []*input.Object {
	var kept []*input.Object
	for _, o := range objects {
		if t.Wants(o) {
			kept = append(kept, o)
		}
	}
	return kept
}

// inventoryKey is the name an object is known by in the inventory. Azure
// identifies a resource that extends another (a diagnostic setting, a role
// assignment, a replication) by its scope and name, and templates name
// them alike ("default" for every diagnostic setting): keyed by name
// alone, one would replace the others.
func inventoryKey(o *input.Object, name string) string {
	if o.Group() != azure.Group {
		return name
	}
	spec, _ := o.Value["spec"].(map[string]any)
	if target, _ := spec["target"].(string); target != "" {
		return target + "/" + name
	}
	return name
}
