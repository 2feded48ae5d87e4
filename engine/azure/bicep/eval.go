package bicep

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/shipshape-dev/shipshape/engine/azure/armexpr"
)

// maxString bounds an interpolated string (one that doubles itself
// through variables must not exhaust memory).
const maxString = 1 << 20

// paramRef stands, in a resource's body, for a root parameter with
// several @allowed values and no value set: the template keeps it a
// parameter, so the scan judges each allowed value.
type paramRef string

func (s *scope) errorf(n *node, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", s.f.name, n.line, fmt.Sprintf(format, args...))
}

// text is a node's source as written, on one line.
func (s *scope) text(n *node) string {
	return strings.Join(strings.Fields(s.f.src[n.start:n.end]), " ")
}

// unknown is the value of an expression that needs the deployment, named
// by its text.
func (s *scope) unknown(n *node) armexpr.Unresolved { return armexpr.Unresolved{Expr: s.text(n)} }

// isUnresolved reports whether v is not a known value: unresolved, or a
// lambda anywhere but as a lambda function's argument.
func isUnresolved(v any) bool {
	switch v.(type) {
	case armexpr.Unresolved, *closure:
		return true
	}
	return false
}

// eval evaluates an expression. When at is set, it is the path in the
// template the value is written to, and the place of each member and item
// of the object and array literals in it is recorded.
func (s *scope) eval(n *node, e *env, at []any) (any, error) {
	s.l.steps++
	if s.l.steps > maxSteps {
		return nil, s.errorf(n, "too complex to evaluate (over %d steps)", maxSteps)
	}
	switch n.kind {
	case litNode:
		return n.val, nil
	case identNode:
		return s.ident(n, e, at)
	case strNode:
		var b strings.Builder
		for i, a := range n.args {
			v, err := s.eval(a, e, nil)
			if err != nil {
				return nil, err
			}
			if isUnresolved(v) {
				return s.unknown(n), nil
			}
			str, err := (&armexpr.Context{}).Call("string", []any{plain(v)})
			if err != nil {
				return s.unknown(n), nil
			}
			b.WriteString(n.parts[i])
			b.WriteString(str.(string))
			if b.Len() > maxString {
				return nil, s.errorf(n, "a string over %d bytes", maxString)
			}
		}
		b.WriteString(n.parts[len(n.parts)-1])
		s.l.steps += cost(b.String())
		return b.String(), nil
	case arrayNode:
		out := make([]any, 0, len(n.args))
		for _, a := range n.args {
			if a.kind == spreadNode {
				v, err := s.eval(a.x, e, nil)
				if err != nil {
					return nil, err
				}
				list, ok := v.([]any)
				if !ok && v != nil {
					return s.unknown(n), nil // which items, and how many, is not known
				}
				for _, item := range list {
					s.at(at, len(out), a.line)
					out = append(out, item)
				}
				continue
			}
			v, err := s.eval(a, e, s.at(at, len(out), a.line))
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case objectNode:
		out := make(map[string]any, len(n.props))
		for _, p := range n.props {
			if p.spread {
				known, err := s.spread(p, e, at, out)
				if err != nil || !known {
					// Which members it sets, or overrides, is not known.
					return s.unknown(n), err
				}
				continue
			}
			k := p.key
			if p.expr != nil {
				v, err := s.eval(p.expr, e, nil)
				if err != nil {
					return nil, err
				}
				str, ok := v.(string)
				if !ok {
					return s.unknown(n), nil
				}
				k = str
			}
			v, err := s.eval(p.val, e, s.at(at, k, p.line))
			if err != nil {
				return nil, err
			}
			out[k] = v
		}
		return out, nil
	case callNode:
		return s.call(n, e, at)
	case memberNode, indexNode:
		return s.access(n, e)
	case unaryNode:
		return s.unary(n, e)
	case binaryNode:
		return s.binary(n, e)
	case ternaryNode:
		c, err := s.eval(n.x, e, nil)
		if err != nil {
			return nil, err
		}
		switch c := c.(type) {
		case bool:
			if c {
				return s.eval(n.y, e, at)
			}
			return s.eval(n.z, e, at)
		case armexpr.Unresolved:
			// Both branches equal: the answer does not depend on it.
			a, err := s.eval(n.y, e, nil)
			if err != nil {
				return nil, err
			}
			b, err := s.eval(n.z, e, nil)
			if err != nil {
				return nil, err
			}
			if s.small([]any{a, b}) && armexpr.Equal(a, b, true) {
				return s.eval(n.y, e, at)
			}
			return s.unknown(n), nil
		}
		return nil, s.errorf(n, "a condition must be true or false, not %s", describeValue(c))
	case forNode:
		out := []any{}
		err := s.each(n, e, func(inner *env) error {
			if n.z != nil {
				c, err := s.eval(n.z, inner, nil)
				if err != nil {
					return err
				}
				if c == false {
					return nil
				}
			}
			v, err := s.eval(n.y, inner, s.at(at, len(out), n.y.line))
			if err != nil {
				return err
			}
			out = append(out, v)
			return nil
		})
		return out, err
	case lambdaNode:
		return &closure{n: n, e: e, text: s.text(n)}, nil
	case childNode:
		if d := s.childDecl(n); d != nil {
			return s.symbol(d)
		}
	}
	return s.unknown(n), nil
}

// spread adds the members of ...val to out, a later member overriding an
// earlier one as in Bicep; known is false when val is not a known object.
// Members written in the spread object itself keep their lines; the others
// are placed on the spread.
func (s *scope) spread(p prop, e *env, at []any, out map[string]any) (known bool, err error) {
	written := p.val.kind == objectNode || p.val.kind == ternaryNode
	where := at
	if !written {
		where = nil
	}
	v, err := s.eval(p.val, e, where)
	if err != nil {
		return false, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return v == nil, nil
	}
	for k, mv := range m {
		out[k] = mv
		if !written {
			s.at(at, k, p.line)
		}
	}
	return true, nil
}

// childDecl is the resource a child accessor (parent::child, nested to
// any depth) names; nil when it names none the file declares.
func (s *scope) childDecl(n *node) *decl {
	var parent *decl
	switch n.x.kind {
	case identNode:
		parent = s.f.byName[n.x.name]
	case childNode:
		parent = s.childDecl(n.x)
	}
	if parent == nil || parent.kind != "resource" {
		return nil
	}
	for _, c := range body(parent).children {
		if c.name == n.name {
			return c
		}
	}
	return nil
}

// at is the path of a member or item, its place recorded; nil when the
// value is not written to the template.
func (s *scope) at(at []any, k any, line int) []any {
	if at == nil {
		return nil
	}
	out := append(append(make([]any, 0, len(at)+1), at...), k)
	s.place(out, line)
	return out
}

// ident is a loop variable, a parameter, a variable, or a resource's or
// module's symbol.
func (s *scope) ident(n *node, e *env, at []any) (any, error) {
	if v, ok := e.lookup(n.name); ok {
		return v, nil
	}
	d, ok := s.f.byName[n.name]
	if !ok {
		// Imported, or not declared: not known here.
		return s.unknown(n), nil
	}
	switch d.kind {
	case "param":
		v, err := s.param(d)
		if err != nil {
			return nil, err
		}
		if _, given := s.given[d.name]; at != nil && s.root && !given {
			if allowed, err := s.allowed(d); err != nil {
				return nil, err
			} else if len(allowed) > 1 {
				def, err := s.l.finish(v)
				if err != nil {
					return nil, err
				}
				values, err := s.l.finish(allowed)
				if err != nil {
					return nil, err
				}
				s.l.parameters[d.name] = map[string]any{"defaultValue": def, "allowedValues": values}
				return paramRef(d.name), nil
			}
		}
		return v, nil
	case "var":
		return s.once(d, func() (any, error) { return s.eval(d.value, nil, nil) })
	case "resource", "module":
		return s.symbol(d)
	}
	return s.unknown(n), nil
}

// param is a parameter's value: the one given, else its default, else
// unresolved.
func (s *scope) param(d *decl) (any, error) {
	if v, ok := s.given[d.name]; ok {
		return v, nil
	}
	if d.value == nil && d.nullable {
		return nil, nil // a nullable parameter nobody sets is null
	}
	if d.value == nil {
		return armexpr.Unresolved{Expr: d.name}, nil
	}
	return s.once(d, func() (any, error) { return s.eval(d.value, nil, nil) })
}

// allowed is a parameter's @allowed list.
func (s *scope) allowed(d *decl) ([]any, error) {
	for _, dec := range d.decorators {
		if dec.kind == callNode && (dec.name == "allowed" || dec.name == "sys.allowed") && len(dec.args) == 1 {
			v, err := s.eval(dec.args[0], nil, nil)
			if err != nil {
				return nil, err
			}
			list, _ := v.([]any)
			return list, nil
		}
	}
	return nil, nil
}

// once evaluates a declaration's value once, refusing a cycle.
func (s *scope) once(d *decl, f func() (any, error)) (any, error) {
	if v, ok := s.values[d]; ok {
		return v, nil
	}
	if s.active[d] {
		return nil, fmt.Errorf("%s:%d: %s refers to itself", s.f.name, d.line, d.name)
	}
	s.active[d] = true
	defer delete(s.active, d)
	v, err := f()
	if err != nil {
		return nil, err
	}
	s.values[d] = v
	return v, nil
}

// symbol is what a resource's or module's name stands for: its reference,
// or the list of them for a loop.
func (s *scope) symbol(d *decl) (any, error) {
	return s.once(d, func() (any, error) {
		var e *env
		var parent *resRef
		if d.parent != nil {
			// Declared in another resource's body: under its first
			// instance.
			insts, err := s.parentInstances(d.parent)
			if err != nil || len(insts) == 0 {
				return armexpr.Unresolved{Expr: d.name}, err
			}
			e, parent = insts[0].env, insts[0].ref.(*resRef)
		}
		insts, err := s.expand(d, e, parent)
		if err != nil {
			return nil, err
		}
		if d.value.kind != forNode {
			if len(insts) == 0 {
				return armexpr.Unresolved{Expr: d.name}, nil
			}
			return insts[0].ref, nil
		}
		out := make([]any, len(insts))
		for i, in := range insts {
			out[i] = in.ref
		}
		return out, nil
	})
}

func (s *scope) parentInstances(d *decl) ([]instance, error) {
	if d.parent == nil {
		return s.expand(d, nil, nil)
	}
	outer, err := s.parentInstances(d.parent)
	if err != nil || len(outer) == 0 {
		return nil, err
	}
	return s.expand(d, outer[0].env, outer[0].ref.(*resRef))
}

// output is a module's outputs, evaluated.
func (s *scope) output() (map[string]any, error) {
	if s.outputs != nil {
		return s.outputs, nil
	}
	out := map[string]any{}
	for _, d := range s.f.decls {
		if d.kind == "output" && d.value != nil {
			v, err := s.eval(d.value, nil, nil)
			if err != nil {
				return nil, err
			}
			out[d.name] = v
		}
	}
	s.outputs = out
	return out, nil
}

// access evaluates x.name, x?.name, x[i] and x?[i].
func (s *scope) access(n *node, e *env) (any, error) {
	target, err := s.eval(n.x, e, nil)
	if err != nil {
		return nil, err
	}
	if isUnresolved(target) {
		return s.unknown(n), nil
	}
	if target == nil && safeChain(n) {
		return nil, nil
	}
	if n.kind == memberNode {
		return s.property(n, target)
	}
	idx, err := s.eval(n.y, e, nil)
	if err != nil {
		return nil, err
	}
	switch t := target.(type) {
	case []any:
		if f, ok := idx.(float64); ok && f >= 0 && int(f) < len(t) && f == float64(int(f)) {
			return t[int(f)], nil
		}
		if n.safe {
			return nil, nil
		}
	case map[string]any:
		if k, ok := idx.(string); ok {
			if v, ok := lookup(t, k); ok {
				return v, nil
			}
			if n.safe {
				return nil, nil
			}
		}
	}
	return s.unknown(n), nil
}

// maxWalk bounds the members a function's arguments may hold: variables
// that share parts (a = [b, b], b = [c, c]) hold exponentially many, and
// a function walking them all would run away.
const maxWalk = 100_000

// small reports whether a value holds at most maxWalk members, counting
// them as steps.
func (s *scope) small(v any) bool {
	budget := maxWalk
	var walk func(v any) bool
	walk = func(v any) bool {
		budget--
		if budget < 0 {
			return false
		}
		switch t := v.(type) {
		case []any:
			for _, e := range t {
				if !walk(e) {
					return false
				}
			}
		case map[string]any:
			for _, e := range t {
				if !walk(e) {
					return false
				}
			}
		}
		return true
	}
	ok := walk(v)
	s.l.steps += maxWalk - budget
	return ok
}

// cost is what making a value counts in steps: its bytes or members,
// so many large values cannot add up past the bound.
func cost(v any) int {
	switch t := v.(type) {
	case string:
		return len(t) / 16
	case []any:
		return len(t)
	case map[string]any:
		return len(t)
	}
	return 0
}

// safeChain reports whether an access or one it applies to is safe
// (x.?a.b is null when x has no a).
func safeChain(n *node) bool {
	for ; n != nil && (n.kind == memberNode || n.kind == indexNode); n = n.x {
		if n.safe {
			return true
		}
	}
	return false
}

// property reads a member of an object, a resource or a module. Of a
// resource, only what the template says is known: its name, type and API
// version; its ID and properties exist after deployment.
func (s *scope) property(n *node, target any) (any, error) {
	switch t := target.(type) {
	case map[string]any:
		if v, ok := lookup(t, n.name); ok {
			return v, nil
		}
		if n.safe {
			return nil, nil
		}
	case *resRef:
		switch n.name {
		case "name":
			return t.name(), nil
		case "id":
			return t.id(), nil
		case "type":
			return t.typ, nil
		case "apiVersion":
			return t.apiVersion, nil
		}
	case *moduleRef:
		switch {
		case n.name == "name":
			return t.name, nil
		case n.name == "outputs" && t.scope != nil:
			return t.scope.output()
		}
	}
	return s.unknown(n), nil
}

func lookup(m map[string]any, k string) (any, bool) {
	if v, ok := m[k]; ok {
		return v, true
	}
	for key, v := range m {
		if strings.EqualFold(key, k) {
			return v, true
		}
	}
	return nil, false
}

// notStatic are functions that read files or the environment, which a
// scan does not.
var notStatic = map[string]bool{
	"loadtextcontent": true, "loadjsoncontent": true, "loadyamlcontent": true, "loadfileasbase64": true,
	"readenvironmentvariable": true, "getsecret": true, "externalinput": true,
}

// call applies a function with armexpr's library (Bicep's functions are
// ARM's). One whose value needs the deployment is unresolved; a resource
// ID function with literal arguments is written with them, so it still
// names its resource.
func (s *scope) call(n *node, e *env, at []any) (any, error) {
	if v, ok, err := s.userFunc(n, e); ok {
		return v, err
	}
	name := strings.TrimPrefix(strings.TrimPrefix(n.name, "sys."), "az.")
	lower := strings.ToLower(name)
	if lower == "any" && len(n.args) == 1 {
		return s.eval(n.args[0], e, nil) // a type cast: the value itself
	}
	if takesLambda(lower) {
		args := make([]any, len(n.args))
		for i, a := range n.args {
			v, err := s.eval(a, e, nil)
			if err != nil {
				return nil, err
			}
			args[i] = v
		}
		return s.lambdaCall(n, lower, args, at)
	}
	args := make([]any, len(n.args))
	for i, a := range n.args {
		v, err := s.eval(a, e, nil)
		if err != nil {
			return nil, err
		}
		if isUnresolved(v) && lower != "coalesce" {
			return s.unknown(n), nil
		}
		args[i] = plain(v)
	}
	if notStatic[lower] || !s.small(args) {
		return s.unknown(n), nil
	}
	v, err := (&armexpr.Context{}).Call(lower, args)
	if err != nil {
		return s.unknown(n), nil
	}
	s.l.steps += cost(v)
	if u, ok := v.(armexpr.Unresolved); ok && u.Expr == "" {
		if strings.HasSuffix(lower, "resourceid") {
			return armexpr.Unresolved{Expr: name + "(" + literals(args) + ")"}, nil
		}
		return s.unknown(n), nil
	}
	return v, nil
}

// plain is a value as a function sees it: a resource is its ID.
func plain(v any) any {
	switch t := v.(type) {
	case *resRef:
		return t.id()
	case *moduleRef:
		return t.name
	}
	return v
}

// literals writes arguments as expression literals.
func literals(args []any) string {
	out := make([]string, len(args))
	for i, a := range args {
		switch t := a.(type) {
		case string:
			out[i] = quote(t)
		case float64:
			out[i] = strconv.FormatFloat(t, 'f', -1, 64)
		default:
			out[i] = fmt.Sprint(t)
		}
	}
	return strings.Join(out, ", ")
}

func (s *scope) unary(n *node, e *env) (any, error) {
	v, err := s.eval(n.x, e, nil)
	if err != nil {
		return nil, err
	}
	switch t := v.(type) {
	case bool:
		if n.name == "!" {
			return !t, nil
		}
	case float64:
		if n.name == "-" {
			return -t, nil
		}
	}
	return s.unknown(n), nil
}

// functions are the ARM functions of Bicep's operators.
var functions = map[string]string{
	"<": "less", "<=": "lessOrEquals", ">": "greater", ">=": "greaterOrEquals",
	"+": "add", "-": "sub", "*": "mul", "/": "div", "%": "mod", "=~": "equals", "!~": "equals",
}

func (s *scope) binary(n *node, e *env) (any, error) {
	l, err := s.eval(n.x, e, nil)
	if err != nil {
		return nil, err
	}
	switch n.name {
	case "&&", "||":
		// false && x is false, and true || x true, whatever x is.
		short := n.name == "||"
		if l == short {
			return short, nil
		}
		r, err := s.eval(n.y, e, nil)
		if err != nil {
			return nil, err
		}
		if r == short {
			return short, nil
		}
		if l == !short && r == !short {
			return !short, nil
		}
		return s.unknown(n), nil
	case "??":
		if isUnresolved(l) {
			return s.unknown(n), nil
		}
		if l != nil {
			return l, nil
		}
		return s.eval(n.y, e, nil)
	}
	r, err := s.eval(n.y, e, nil)
	if err != nil {
		return nil, err
	}
	if isUnresolved(l) || isUnresolved(r) || !s.small([]any{l, r}) {
		return s.unknown(n), nil
	}
	switch n.name {
	case "==":
		return armexpr.Equal(l, r, true), nil
	case "!=":
		return !armexpr.Equal(l, r, true), nil
	}
	v, err := (&armexpr.Context{}).Call(functions[n.name], []any{plain(l), plain(r)})
	if err != nil || isUnresolved(v) {
		return s.unknown(n), nil
	}
	if n.name == "!~" {
		return v != true, nil
	}
	return v, nil
}
