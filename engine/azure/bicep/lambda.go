package bicep

import (
	"sort"
	"strings"

	"github.com/shipshape-dev/shipshape/engine/azure/armexpr"
)

// maxCallDepth bounds nested user-defined function calls (Bicep forbids
// recursion; a file that recurses anyway must not exhaust the stack).
const maxCallDepth = 64

// closure is a lambda as a value: its node and the loop variables it sees.
type closure struct {
	n    *node
	e    *env
	text string // as written, should it end up in a value
}

// apply calls a lambda or a user-defined function with args; extra
// arguments beyond its parameters (an index it does not name) are dropped.
func (s *scope) apply(c *closure, args ...any) (any, error) {
	return s.applyAt(c, nil, args...)
}

// applyAt is apply for a result written to the template at path at: the
// members its body writes keep their lines.
func (s *scope) applyAt(c *closure, at []any, args ...any) (any, error) {
	if s.l.calls >= maxCallDepth {
		return nil, s.errorf(c.n, "functions nested over %d deep", maxCallDepth)
	}
	s.l.calls++
	defer func() { s.l.calls-- }()
	e := c.e
	for i, name := range c.n.vars {
		var v any = armexpr.Unresolved{Expr: name}
		if i < len(args) {
			v = args[i]
		}
		e = e.with(name, v)
	}
	return s.eval(c.n.x, e, at)
}

// userFunc calls a function the file declares (`func name(...) type =>
// body`); ok is false when name is not one.
func (s *scope) userFunc(n *node, e *env) (any, bool, error) {
	d, ok := s.f.byName[n.name]
	if !ok || d.kind != "func" {
		return nil, false, nil
	}
	args := make([]any, len(n.args))
	for i, a := range n.args {
		v, err := s.eval(a, e, nil)
		if err != nil {
			return nil, true, err
		}
		args[i] = v
	}
	// A function sees its parameters only, not the caller's loop variables.
	v, err := s.apply(&closure{n: d.value}, args...)
	return v, true, err
}

// lambdaCall evaluates Bicep's functions that take a lambda (map, filter,
// reduce, sort, toObject, mapValues, groupBy) over known values; anything
// unresolved they need leaves the call unresolved, named by its text. The
// items map writes to at keep the lines of the lambda's body.
func (s *scope) lambdaCall(n *node, name string, args []any, at []any) (any, error) {
	fn := func(i int) *closure {
		if i < len(args) {
			c, _ := args[i].(*closure)
			return c
		}
		return nil
	}
	list, isList := plainList(args)
	switch name {
	case "map", "filter", "sort", "groupby", "toobject", "reduce":
		if !isList {
			return s.unknown(n), nil
		}
	}
	switch name {
	case "map":
		c := fn(1)
		if c == nil {
			return s.unknown(n), nil
		}
		out := make([]any, 0, len(list))
		for i, item := range list {
			v, err := s.applyAt(c, s.at(at, i, c.n.x.line), item, float64(i))
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case "filter":
		c := fn(1)
		if c == nil {
			return s.unknown(n), nil
		}
		out := []any{}
		for i, item := range list {
			keep, err := s.apply(c, item, float64(i))
			if err != nil {
				return nil, err
			}
			switch keep {
			case true:
				out = append(out, item)
			case false:
			default:
				return s.unknown(n), nil
			}
		}
		return out, nil
	case "reduce":
		c := fn(2)
		if c == nil || len(args) < 2 {
			return s.unknown(n), nil
		}
		acc := args[1]
		for i, item := range list {
			v, err := s.apply(c, acc, item, float64(i))
			if err != nil {
				return nil, err
			}
			acc = v
		}
		return acc, nil
	case "sort":
		c := fn(1)
		if c == nil {
			return s.unknown(n), nil
		}
		out := append([]any{}, list...)
		var failed error
		undecided := false
		sort.SliceStable(out, func(i, j int) bool {
			if failed != nil || undecided {
				return false
			}
			less, err := s.apply(c, out[i], out[j])
			if err != nil {
				failed = err
			}
			b, ok := less.(bool)
			undecided = undecided || !ok
			return b
		})
		if failed != nil {
			return nil, failed
		}
		if undecided {
			return s.unknown(n), nil
		}
		return out, nil
	case "toobject", "groupby":
		key := fn(1)
		if key == nil {
			return s.unknown(n), nil
		}
		out := map[string]any{}
		for _, item := range list {
			k, err := s.apply(key, item)
			if err != nil {
				return nil, err
			}
			ks, ok := k.(string)
			if !ok {
				return s.unknown(n), nil
			}
			if name == "groupby" {
				group, _ := out[ks].([]any)
				out[ks] = append(group, item)
				continue
			}
			var v any = item
			if val := fn(2); val != nil {
				if v, err = s.apply(val, item); err != nil {
					return nil, err
				}
			}
			out[ks] = v
		}
		return out, nil
	case "mapvalues":
		if len(args) == 0 {
			return s.unknown(n), nil
		}
		obj, ok := args[0].(map[string]any)
		c := fn(1)
		if !ok || c == nil {
			return s.unknown(n), nil
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys) // the same steps, whatever the map's order
		out := make(map[string]any, len(obj))
		for _, k := range keys {
			v, err := s.apply(c, obj[k])
			if err != nil {
				return nil, err
			}
			out[k] = v
		}
		return out, nil
	}
	return s.unknown(n), nil
}

// plainList is a lambda function's first argument as a known array.
func plainList(args []any) ([]any, bool) {
	if len(args) == 0 {
		return nil, false
	}
	list, ok := args[0].([]any)
	return list, ok
}

// takesLambda names the functions lambdaCall evaluates.
func takesLambda(name string) bool {
	switch strings.ToLower(name) {
	case "map", "filter", "reduce", "sort", "toobject", "mapvalues", "groupby":
		return true
	}
	return false
}
