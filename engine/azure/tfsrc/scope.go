package tfsrc

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/shipshape-dev/shipshape/engine/azure/armexpr"
	"github.com/shipshape-dev/shipshape/engine/azure/source"
)

// scope is what a module's expressions read: var, local, path and
// terraform; every other root (a resource, data, module outputs, self) is
// known only after apply.
type scope struct {
	dir, root   string
	files       *moduleFiles
	vars        map[string]cty.Value
	locals      map[string]*hclsyntax.Attribute
	localValues map[string]cty.Value
	evaluating  map[string]bool
	// resources and data are what an expression may read of the
	// module's resources and data sources before apply: each one's id
	// and name (by type, then name; a list or map of them when count or
	// for_each expands it).
	resources, data map[string]cty.Value
	// attributes are the attribute names the module's traversals read.
	attributes map[string]bool
}

// declare sets a variable from its input, else its default; a variable
// with neither is unknown.
func (s *scope) declare(b *hclsyntax.Block, inputs map[string]input) {
	name := b.Labels[0]
	var typ cty.Type = cty.DynamicPseudoType
	var defaults *typeexpr.Defaults
	if t, ok := b.Body.Attributes["type"]; ok {
		if ty, d, diags := typeexpr.TypeConstraintWithDefaults(t.Expr); !diags.HasErrors() {
			typ, defaults = ty, d
		}
	}
	v := cty.DynamicVal
	if in, ok := inputs[name]; ok {
		v = in.value
	} else if d, ok := b.Body.Attributes["default"]; ok {
		if dv, diags := d.Expr.Value(nil); !diags.HasErrors() {
			v = dv
		}
	}
	if defaults != nil && v.IsWhollyKnown() && !v.IsNull() {
		v = defaults.Apply(v)
	}
	if typ != cty.DynamicPseudoType && v.IsWhollyKnown() && !v.IsNull() {
		if c, err := convert.Convert(v, typ); err == nil {
			v = c
		}
	}
	s.vars[name] = v
}

// local evaluates a local value once, its dependencies first; a cycle is
// unknown.
func (s *scope) local(name string) cty.Value {
	if v, ok := s.localValues[name]; ok {
		return v
	}
	a, ok := s.locals[name]
	if !ok || s.evaluating[name] {
		return cty.DynamicVal
	}
	if s.evaluating == nil {
		s.evaluating = map[string]bool{}
	}
	s.evaluating[name] = true
	v := s.eval(a.Expr, nil)
	delete(s.evaluating, name)
	s.localValues[name] = v
	return v
}

// context builds the evaluation context an expression needs, with extra
// (count, each, a dynamic block's iterator) over the module's values.
func (s *scope) context(expr hcl.Expression, extra map[string]cty.Value) *hcl.EvalContext {
	vars := map[string]cty.Value{}
	for k, v := range extra {
		vars[k] = v
	}
	locals := map[string]cty.Value{}
	for _, t := range expr.Variables() {
		root := t.RootName()
		if _, ok := vars[root]; ok {
			continue
		}
		switch root {
		case "var":
			vars["var"] = cty.ObjectVal(s.vars)
		case "local":
			if len(t) > 1 {
				if a, ok := t[1].(hcl.TraverseAttr); ok {
					locals[a.Name] = s.local(a.Name)
				}
			}
		case "path":
			vars["path"] = cty.ObjectVal(map[string]cty.Value{
				"module": cty.StringVal(s.dir), "root": cty.StringVal(s.root), "cwd": cty.StringVal(s.root),
			})
		case "terraform":
			vars["terraform"] = cty.ObjectVal(map[string]cty.Value{"workspace": cty.StringVal("default")})
		case "data":
			vars["data"] = cty.ObjectVal(s.data)
		default:
			if r, ok := s.resources[root]; ok {
				vars[root] = r
				continue
			}
			// Module outputs, self, and count and each
			// outside an expansion: known after apply.
			vars[root] = cty.DynamicVal
		}
	}
	if len(locals) > 0 {
		vars["local"] = cty.ObjectVal(locals)
	}
	return &hcl.EvalContext{Variables: vars, Functions: withUnknownCalls(expr)}
}

// withUnknownCalls is the function table, plus a function that returns an
// unknown value for each function the expression calls that shipshape
// does not evaluate (file, templatefile, cidrsubnet, uuid, timestamp,
// provider functions...): only that call is unresolved, not the whole
// expression around it.
func withUnknownCalls(expr hcl.Expression) map[string]function.Function {
	syntax, ok := expr.(hclsyntax.Expression)
	if !ok {
		return functionTable
	}
	var missing []string
	hclsyntax.VisitAll(syntax, func(n hclsyntax.Node) hcl.Diagnostics {
		if call, ok := n.(*hclsyntax.FunctionCallExpr); ok {
			if _, known := functionTable[call.Name]; !known {
				missing = append(missing, call.Name)
			}
		}
		return nil
	})
	if len(missing) == 0 {
		return functionTable
	}
	table := make(map[string]function.Function, len(functionTable)+len(missing))
	for k, f := range functionTable {
		table[k] = f
	}
	for _, name := range missing {
		table[name] = unknownFunc
	}
	return table
}

// unknownFunc takes any arguments and returns an unknown value.
var unknownFunc = function.New(&function.Spec{
	VarParam: &function.Parameter{Name: "args", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true, AllowDynamicType: true},
	Type:     func([]cty.Value) (cty.Type, error) { return cty.DynamicPseudoType, nil },
	Impl:     func([]cty.Value, cty.Type) (cty.Value, error) { return cty.DynamicVal, nil },
})

// functionTable is read-only after init.
var functionTable = functions()

// eval evaluates an expression; an expression that fails is unknown, as
// it would be to a plan that cannot know it.
func (s *scope) eval(expr hcl.Expression, extra map[string]cty.Value) cty.Value {
	v, diags := expr.Value(s.context(expr, extra))
	if diags.HasErrors() {
		return cty.DynamicVal
	}
	return v
}

// text is an expression as written.
func (s *scope) text(expr hcl.Expression) string {
	r := expr.Range()
	return text(r, s.files.bytes[r.Filename])
}

// instance is one expansion of a block with count or for_each.
type instance struct {
	key  string // "", [0], ["blue"]
	ctx  map[string]cty.Value
	skip bool // the expansion could not be decided: its values are the expressions
}

// instances expands count and for_each as Terraform does. An expansion
// that cannot be decided is one instance whose count or for_each is
// unresolved.
func (s *scope) instances(b *hclsyntax.Block) []instance {
	if c, ok := b.Body.Attributes["count"]; ok {
		v := s.eval(c.Expr, nil)
		if !v.IsKnown() || v.IsNull() || !v.Type().Equals(cty.Number) {
			return []instance{{key: "[*]", ctx: map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{"index": cty.UnknownVal(cty.Number)})}}}
		}
		n, _ := v.AsBigFloat().Int64()
		out := make([]instance, 0, n)
		for i := range n {
			out = append(out, instance{key: "[" + itoa(i) + "]", ctx: map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{"index": cty.NumberIntVal(i)})}})
		}
		return out
	}
	if f, ok := b.Body.Attributes["for_each"]; ok {
		v := s.eval(f.Expr, nil)
		if !v.IsWhollyKnown() || v.IsNull() || !v.CanIterateElements() {
			return []instance{{key: "[*]", ctx: map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{"key": cty.DynamicVal, "value": cty.DynamicVal})}}}
		}
		var out []instance
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			if v.Type().IsSetType() {
				k = e
			}
			ks := ""
			if k.Type() == cty.String {
				ks = k.AsString()
			} else if k.Type() == cty.Number {
				ks = number(k.AsBigFloat())
			}
			out = append(out, instance{key: "[\"" + ks + "\"]", ctx: map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{"key": cty.StringVal(ks), "value": e})}})
		}
		return out
	}
	return []instance{{}}
}

// blockValues evaluates a block's attributes and nested blocks (dynamic
// ones expanded) into a plan's values: nested blocks are lists of
// objects. Every value's place is recorded under at.
func (s *scope) blockValues(body *hclsyntax.Body, ctx map[string]cty.Value, at []any, places source.Places, _ bool) map[string]any {
	out := map[string]any{}
	names := make([]string, 0, len(body.Attributes))
	for n := range body.Attributes {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		a := body.Attributes[n]
		if metaArgument[n] {
			continue
		}
		path := append(append([]any{}, at...), n)
		places.Set(path, Place{File: a.SrcRange.Filename, Line: a.SrcRange.Start.Line})
		v := s.eval(a.Expr, ctx)
		out[n] = goValue(v, s.text(a.Expr))
	}
	for _, b := range body.Blocks {
		switch {
		case metaBlock[b.Type]:
		case b.Type == "dynamic" && len(b.Labels) == 1:
			s.dynamic(b, ctx, at, places, out)
		default:
			list, _ := out[b.Type].([]any)
			path := append(append([]any{}, at...), b.Type, len(list))
			places.Set(path, Place{File: b.DefRange().Filename, Line: b.DefRange().Start.Line})
			out[b.Type] = append(list, s.blockValues(b.Body, ctx, path, places, false))
		}
	}
	return out
}

// dynamic expands a dynamic block: one block per element of for_each,
// its content evaluated with the iterator (the block's label, or
// iterator = name) bound to key and value. A for_each that cannot be
// decided leaves the blocks unresolved.
func (s *scope) dynamic(b *hclsyntax.Block, ctx map[string]cty.Value, at []any, places source.Places, out map[string]any) {
	name := b.Labels[0]
	forEach, ok := b.Body.Attributes["for_each"]
	var content *hclsyntax.Block
	for _, c := range b.Body.Blocks {
		if c.Type == "content" {
			content = c
		}
	}
	if !ok || content == nil {
		return
	}
	iterator := name
	if it, ok := b.Body.Attributes["iterator"]; ok {
		if t := hcl.ExprAsKeyword(it.Expr); t != "" {
			iterator = t
		}
	}
	list, _ := out[name].([]any)
	v := s.eval(forEach.Expr, ctx)
	if !v.IsWhollyKnown() || v.IsNull() || !v.CanIterateElements() {
		path := append(append([]any{}, at...), name)
		places.Set(path, Place{File: forEach.SrcRange.Filename, Line: forEach.SrcRange.Start.Line})
		out[name] = armexpr.Unresolved{Expr: "dynamic \"" + name + "\" for_each = " + s.text(forEach.Expr)}
		return
	}
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		inner := map[string]cty.Value{}
		for n, x := range ctx {
			inner[n] = x
		}
		inner[iterator] = cty.ObjectVal(map[string]cty.Value{"key": k, "value": e})
		path := append(append([]any{}, at...), name, len(list))
		places.Set(path, Place{File: content.DefRange().Filename, Line: content.DefRange().Start.Line})
		list = append(list, s.blockValues(content.Body, inner, path, places, false))
	}
	out[name] = list
}

// goValue turns a cty value into what a plan's JSON decodes to; a value
// not known before apply is unresolved, shown as written.
func goValue(v cty.Value, expr string) any {
	switch {
	case !v.IsKnown():
		return armexpr.Unresolved{Expr: expr}
	case v.IsNull():
		return nil
	}
	t := v.Type()
	switch {
	case t == cty.String:
		return v.AsString()
	case t == cty.Bool:
		return v.True()
	case t == cty.Number:
		return json.Number(number(v.AsBigFloat()))
	case t.IsListType() || t.IsSetType() || t.IsTupleType():
		out := []any{}
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			out = append(out, goValue(e, expr))
		}
		return out
	case t.IsMapType() || t.IsObjectType():
		out := map[string]any{}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			out[k.AsString()] = goValue(e, expr)
		}
		return out
	}
	return armexpr.Unresolved{Expr: expr}
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }

// conversion is one of Terraform's to* functions.
func conversion(to cty.Type) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "v", Type: cty.DynamicPseudoType, AllowNull: true, AllowDynamicType: true, AllowUnknown: true}},
		Type: func(args []cty.Value) (cty.Type, error) {
			if to == cty.DynamicPseudoType || to.IsPrimitiveType() {
				return to, nil
			}
			return cty.DynamicPseudoType, nil
		},
		Impl: func(args []cty.Value, ret cty.Type) (cty.Value, error) {
			if !args[0].IsWhollyKnown() {
				return cty.UnknownVal(ret), nil
			}
			return convert.Convert(args[0], to)
		},
	})
}

// oneFunc is Terraform's one(): the only element of a list or set, or
// null for an empty one.
var oneFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}},
	Type:   func([]cty.Value) (cty.Type, error) { return cty.DynamicPseudoType, nil },
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v := args[0]
		if !v.CanIterateElements() || v.LengthInt() == 0 {
			return cty.NullVal(cty.DynamicPseudoType), nil
		}
		it := v.ElementIterator()
		it.Next()
		_, e := it.Element()
		return e, nil
	},
})

// lookupFunc is Terraform's lookup(map, key, default): go-cty's refuses a
// null default, which Terraform takes (lookup(m, k, null) is common).
var lookupFunc = function.New(&function.Spec{
	Params: []function.Parameter{
		{Name: "inputMap", Type: cty.DynamicPseudoType},
		{Name: "key", Type: cty.String},
	},
	VarParam: &function.Parameter{Name: "default", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true, AllowDynamicType: true},
	Type:     func([]cty.Value) (cty.Type, error) { return cty.DynamicPseudoType, nil },
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		if len(args) > 3 {
			return cty.NilVal, fmt.Errorf("lookup takes at most three arguments")
		}
		m, key := args[0], args[1]
		if !m.IsWhollyKnown() || !key.IsKnown() {
			return cty.DynamicVal, nil
		}
		if !m.IsNull() {
			k := key.AsString()
			switch ty := m.Type(); {
			case ty.IsObjectType() && ty.HasAttribute(k):
				return m.GetAttr(k), nil
			case ty.IsMapType() && m.HasIndex(key).True():
				return m.Index(key), nil
			}
		}
		if len(args) == 3 {
			return args[2], nil
		}
		return cty.NilVal, fmt.Errorf("lookup: the map has no key %q and no default is given", key.AsString())
	},
})

func stringPredicate(f func(s, x string) bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "s", Type: cty.String}, {Name: "x", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.BoolVal(f(args[0].AsString(), args[1].AsString())), nil
		},
	})
}

var (
	startsWithFunc  = stringPredicate(strings.HasPrefix)
	endsWithFunc    = stringPredicate(strings.HasSuffix)
	strContainsFunc = stringPredicate(strings.Contains)
)

// armProviders are the ARM types of the azurerm resources whose IDs other
// resources name (a diagnostic setting's target, a role assignment's
// scope, a private endpoint's resource).
var armProviders = map[string]string{
	"azurerm_kubernetes_cluster":      "Microsoft.ContainerService/managedClusters",
	"azurerm_container_registry":      "Microsoft.ContainerRegistry/registries",
	"azurerm_log_analytics_workspace": "Microsoft.OperationalInsights/workspaces",
	"azurerm_storage_account":         "Microsoft.Storage/storageAccounts",
	"azurerm_key_vault":               "Microsoft.KeyVault/vaults",
	"azurerm_user_assigned_identity":  "Microsoft.ManagedIdentity/userAssignedIdentities",
	"azurerm_eventhub_namespace":      "Microsoft.EventHub/namespaces",
}

// afterApply stands for the parts of an ID only Azure assigns.
const afterApply = "(known after apply)"

// declare makes each resource's (or data source's) id and name readable
// before apply, as a plan knows them: the id is the Azure resource ID its
// type and configured name make (the subscription is known only after
// apply), so a reference to it names the resource the way an ARM
// template's resourceId() does. Every other attribute is known only after
// apply.
func declare(s *scope, blocks []*hclsyntax.Block) map[string]cty.Value {
	byType := map[string]map[string]cty.Value{}
	for _, b := range blocks {
		typ, name := b.Labels[0], b.Labels[1]
		var values []cty.Value
		keys := map[string]cty.Value{}
		expanded := false
		for _, inst := range s.instances(b) {
			v := s.identity(b, inst.ctx)
			values = append(values, v)
			if inst.key != "" {
				expanded = true
				keys[strings.Trim(inst.key, `["]`)] = v
			}
		}
		if byType[typ] == nil {
			byType[typ] = map[string]cty.Value{}
		}
		switch {
		case !expanded && len(values) == 1:
			byType[typ][name] = values[0]
		case expanded && b.Body.Attributes["for_each"] != nil:
			byType[typ][name] = cty.ObjectVal(keys)
		case expanded:
			byType[typ][name] = cty.TupleVal(values)
		default:
			byType[typ][name] = cty.DynamicVal
		}
	}
	out := map[string]cty.Value{}
	for typ, names := range byType {
		out[typ] = cty.ObjectVal(names)
	}
	return out
}

// referenced lists every attribute name that a traversal in the module
// reads, so that each resource stands as an object with those attributes:
// id and name as declare knows them, the others unknown. (An object
// without an attribute an expression reads would make the whole
// expression fail, not just that part of it.)
func (s *scope) referenced() map[string]bool {
	if s.attributes != nil {
		return s.attributes
	}
	s.attributes = map[string]bool{}
	for _, body := range s.files.bodies {
		hclsyntax.VisitAll(body, func(n hclsyntax.Node) hcl.Diagnostics {
			var t hcl.Traversal
			switch e := n.(type) {
			case *hclsyntax.ScopeTraversalExpr:
				t = e.Traversal
			case *hclsyntax.RelativeTraversalExpr:
				t = e.Traversal
			}
			for _, step := range t {
				if a, ok := step.(hcl.TraverseAttr); ok {
					s.attributes[a.Name] = true
				}
			}
			return nil
		})
	}
	return s.attributes
}

// identity is one resource instance's id and name.
func (s *scope) identity(b *hclsyntax.Block, ctx map[string]cty.Value) cty.Value {
	name := cty.UnknownVal(cty.String)
	if a, ok := b.Body.Attributes["name"]; ok {
		if v := s.eval(a.Expr, ctx); v.IsKnown() && !v.IsNull() && v.Type() == cty.String {
			name = v
		}
	}
	id := cty.UnknownVal(cty.String)
	if provider, ok := armProviders[b.Labels[0]]; ok && name.IsKnown() {
		group := afterApply
		if a, ok := b.Body.Attributes["resource_group_name"]; ok {
			if v := s.eval(a.Expr, ctx); v.IsKnown() && !v.IsNull() && v.Type() == cty.String {
				group = v.AsString()
			}
		}
		id = cty.StringVal("/subscriptions/" + afterApply + "/resourceGroups/" + group + "/providers/" + provider + "/" + name.AsString())
	}
	attrs := map[string]cty.Value{"id": id, "name": name}
	for a := range s.referenced() {
		if _, ok := attrs[a]; !ok {
			attrs[a] = cty.DynamicVal
		}
	}
	return cty.ObjectVal(attrs)
}
