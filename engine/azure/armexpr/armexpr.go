// Package armexpr evaluates ARM template language expressions
// ("[concat(parameters('prefix'), '-aks')]") statically: the functions
// without side effects are computed from parameter values and variables;
// what only a deployment knows (resourceGroup(), reference(), uniqueString())
// stays Unresolved, and so does everything computed from it. Evaluation is
// bounded in steps and depth, so a hostile template cannot make it spin.
package armexpr

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Unresolved is a value that cannot be known before deployment, with the
// expression it came from.
type Unresolved struct {
	Expr string
}

// IsExpression reports whether s is an ARM expression ("[...]", not the
// "[[" escape of a literal bracket).
func IsExpression(s string) bool {
	return len(s) >= 2 && s[0] == '[' && s[len(s)-1] == ']' && !strings.HasPrefix(s, "[[")
}

// Literal returns the literal a non-expression string stands for ("[[x]"
// is "[x]").
func Literal(s string) string {
	if strings.HasPrefix(s, "[[") {
		return s[1:]
	}
	return s
}

// Context holds what expressions may read.
type Context struct {
	// Parameters are the parameters' values (a parameters file's, else
	// their defaults); a parameter without either is Unresolved.
	Parameters map[string]any
	// Variables are the template's variables, unevaluated.
	Variables map[string]any
	// AllowedValues are the values a parameter without a given value may
	// take (its allowedValues).
	AllowedValues map[string][]any

	steps     int
	evaluated map[string]any
	active    map[string]bool
}

// Allowed returns the allowed values of a parameter (nil when it has a
// given value or no allowedValues).
func (c *Context) Allowed(name string) []any {
	for k, v := range c.AllowedValues {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return nil
}

// Limits of one evaluation context.
const (
	maxSteps = 100_000
	maxDepth = 64
)

var errTooComplex = errors.New("expression too complex to evaluate")

// Eval evaluates a template value: expressions inside strings, maps and
// arrays are computed; literals are returned as they are.
func (c *Context) Eval(v any) any {
	return c.eval(v, 0)
}

func (c *Context) eval(v any, depth int) any {
	if depth > maxDepth {
		return Unresolved{Expr: "(nested too deep)"}
	}
	switch t := v.(type) {
	case string:
		if !IsExpression(t) {
			return Literal(t)
		}
		out, err := c.evalString(t, depth)
		if err != nil {
			return Unresolved{Expr: t}
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = c.eval(e, depth+1)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = c.eval(e, depth+1)
		}
		return out
	}
	return v
}

// evalString parses and evaluates one "[...]" expression.
func (c *Context) evalString(s string, depth int) (any, error) {
	p := &parser{src: s[1 : len(s)-1]}
	n, err := p.parse()
	if err != nil {
		return nil, err
	}
	v, err := c.evalNode(n, depth)
	if err != nil {
		return nil, err
	}
	if _, ok := v.(Unresolved); ok {
		return Unresolved{Expr: s}, nil // named by the whole expression
	}
	return v, nil
}

// node is a parsed expression: a literal, a call, or an access.
type node struct {
	lit    any     // string, float64, bool, nil (when kind is literal)
	call   string  // function name, lower-cased
	args   []*node // call arguments
	target *node   // accessed value (property or index access)
	prop   string  // .prop
	index  *node   // [index]
	kind   int
	text   string // the node's source, to name what is unresolved
}

const (
	litNode = iota
	callNode
	propNode
	indexNode
)

type parser struct {
	src string
	pos int
}

func (p *parser) parse() (*node, error) {
	n, err := p.expr()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos != len(p.src) {
		return nil, fmt.Errorf("unexpected %q at %d", p.src[p.pos:], p.pos)
	}
	return n, nil
}

func (p *parser) space() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t' || p.src[p.pos] == '\n' || p.src[p.pos] == '\r') {
		p.pos++
	}
}

func (p *parser) expr() (*node, error) {
	p.space()
	start := p.pos
	n, err := p.term()
	if n != nil {
		n.text = p.src[start:p.pos]
	}
	return n, err
}

func (p *parser) term() (*node, error) {
	if p.pos >= len(p.src) {
		return nil, errors.New("unexpected end of expression")
	}
	var n *node
	ch := p.src[p.pos]
	switch {
	case ch == '\'':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		n = &node{kind: litNode, lit: s}
	case ch == '-' || ch >= '0' && ch <= '9':
		start := p.pos
		p.pos++
		for p.pos < len(p.src) && (p.src[p.pos] >= '0' && p.src[p.pos] <= '9' || p.src[p.pos] == '.') {
			p.pos++
		}
		f, err := strconv.ParseFloat(p.src[start:p.pos], 64)
		if err != nil {
			return nil, err
		}
		n = &node{kind: litNode, lit: f}
	case isIdent(ch):
		start := p.pos
		for p.pos < len(p.src) && (isIdent(p.src[p.pos]) || p.src[p.pos] >= '0' && p.src[p.pos] <= '9' || p.src[p.pos] == '.') {
			p.pos++
		}
		name := strings.ToLower(p.src[start:p.pos])
		p.space()
		if p.pos >= len(p.src) || p.src[p.pos] != '(' {
			switch name {
			case "true", "false":
				n = &node{kind: litNode, lit: name == "true"}
			case "null":
				n = &node{kind: litNode}
			default:
				return nil, fmt.Errorf("%s is not a function call", name)
			}
			break
		}
		p.pos++ // (
		n = &node{kind: callNode, call: name}
		p.space()
		if p.pos < len(p.src) && p.src[p.pos] == ')' {
			p.pos++
			break
		}
		for {
			arg, err := p.expr()
			if err != nil {
				return nil, err
			}
			n.args = append(n.args, arg)
			p.space()
			if p.pos >= len(p.src) {
				return nil, errors.New("unclosed call")
			}
			if p.src[p.pos] == ',' {
				p.pos++
				continue
			}
			if p.src[p.pos] == ')' {
				p.pos++
				break
			}
			return nil, fmt.Errorf("unexpected %q in call", p.src[p.pos])
		}
	default:
		return nil, fmt.Errorf("unexpected %q", ch)
	}
	// Accessors: .prop and [index], any number of them.
	for {
		p.space()
		if p.pos >= len(p.src) {
			return n, nil
		}
		switch p.src[p.pos] {
		case '.':
			p.pos++
			start := p.pos
			for p.pos < len(p.src) && (isIdent(p.src[p.pos]) || p.src[p.pos] >= '0' && p.src[p.pos] <= '9') {
				p.pos++
			}
			if start == p.pos {
				return nil, errors.New("empty property name")
			}
			n = &node{kind: propNode, target: n, prop: p.src[start:p.pos]}
		case '[':
			p.pos++
			idx, err := p.expr()
			if err != nil {
				return nil, err
			}
			p.space()
			if p.pos >= len(p.src) || p.src[p.pos] != ']' {
				return nil, errors.New("unclosed index")
			}
			p.pos++
			n = &node{kind: indexNode, target: n, index: idx}
		default:
			return n, nil
		}
	}
}

func isIdent(ch byte) bool {
	return ch == '_' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z'
}

func (p *parser) str() (string, error) {
	p.pos++ // opening quote
	var b strings.Builder
	for p.pos < len(p.src) {
		ch := p.src[p.pos]
		p.pos++
		if ch != '\'' {
			b.WriteByte(ch)
			continue
		}
		if p.pos < len(p.src) && p.src[p.pos] == '\'' {
			b.WriteByte('\'')
			p.pos++
			continue
		}
		return b.String(), nil
	}
	return "", errors.New("unclosed string")
}

// unknown is the value of an expression that needs the deployment.
var unknown = Unresolved{}

func (c *Context) evalNode(n *node, depth int) (any, error) {
	v, err := c.evalTerm(n, depth)
	if u, ok := v.(Unresolved); ok && u.Expr == "" && err == nil {
		return Unresolved{Expr: "[" + n.text + "]"}, nil
	}
	return v, err
}

func (c *Context) evalTerm(n *node, depth int) (any, error) {
	c.steps++
	if c.steps > maxSteps || depth > maxDepth {
		return nil, errTooComplex
	}
	switch n.kind {
	case litNode:
		return n.lit, nil
	case propNode, indexNode:
		target, err := c.evalNode(n.target, depth+1)
		if err != nil {
			return nil, err
		}
		if _, ok := target.(Unresolved); ok {
			return unknown, nil
		}
		if n.kind == propNode {
			m, ok := target.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("property %s of a non-object", n.prop)
			}
			return lookup(m, n.prop)
		}
		idx, err := c.evalNode(n.index, depth+1)
		if err != nil {
			return nil, err
		}
		return index(target, idx)
	}
	args := make([]any, len(n.args))
	for i, a := range n.args {
		if n.call == "if" && i > 0 {
			break // if evaluates only the branch it takes
		}
		v, err := c.evalNode(a, depth+1)
		if err != nil {
			return nil, err
		}
		args[i] = v
	}
	if n.call == "if" {
		return c.ifCall(n, args, depth)
	}
	for i, a := range args {
		if _, ok := a.(Unresolved); ok && !holdsUnresolved(n.call, i) {
			return unknown, nil
		}
	}
	return c.bounded(c.call(n.call, args, depth))
}

// Bounds of one function's result: repeated doubling (concat(a, a) of a
// variable that is itself concat(b, b)) must not exhaust memory in a few
// steps.
const (
	maxString = 1 << 20
	maxItems  = 100_000
)

// bounded refuses a result over the bounds.
func (c *Context) bounded(v any, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	switch t := v.(type) {
	case string:
		if len(t) > maxString {
			return nil, errTooComplex
		}
	case []any:
		if len(t) > maxItems {
			return nil, errTooComplex
		}
	case map[string]any:
		if len(t) > maxItems {
			return nil, errTooComplex
		}
	}
	return v, nil
}

// holdsUnresolved reports whether a function keeps an unresolved argument
// as a member of its result (createArray, createObject's values) instead
// of becoming unresolved itself, so one unknown leaf does not hide a whole
// object.
func holdsUnresolved(call string, arg int) bool {
	switch call {
	case "createarray", "coalesce":
		return true
	case "createobject":
		return arg%2 == 1
	}
	return false
}

func (c *Context) ifCall(n *node, args []any, depth int) (any, error) {
	if len(n.args) != 3 {
		return nil, errors.New("if takes three arguments")
	}
	switch cond := args[0].(type) {
	case bool:
		if cond {
			return c.evalNode(n.args[1], depth+1)
		}
		return c.evalNode(n.args[2], depth+1)
	case Unresolved:
		// Both branches equal: the answer does not depend on the condition.
		a, errA := c.evalNode(n.args[1], depth+1)
		b, errB := c.evalNode(n.args[2], depth+1)
		if errA == nil && errB == nil && equal(a, b) {
			return a, nil
		}
		return unknown, nil
	}
	return nil, errors.New("if needs a boolean condition")
}

func lookup(m map[string]any, key string) (any, error) {
	if v, ok := m[key]; ok {
		return v, nil
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v, nil
		}
	}
	return nil, fmt.Errorf("no property %s", key)
}

func index(target, idx any) (any, error) {
	switch t := target.(type) {
	case []any:
		i, ok := toInt(idx)
		if !ok || i < 0 || i >= len(t) {
			return nil, errors.New("index out of range")
		}
		return t[i], nil
	case map[string]any:
		s, ok := idx.(string)
		if !ok {
			return nil, errors.New("object index must be a string")
		}
		return lookup(t, s)
	}
	return nil, errors.New("index of a non-collection")
}

// variable evaluates a variable once, detecting cycles.
func (c *Context) variable(name string, depth int) (any, error) {
	if c.evaluated == nil {
		c.evaluated, c.active = map[string]any{}, map[string]bool{}
	}
	key := strings.ToLower(name)
	if v, ok := c.evaluated[key]; ok {
		return v, nil
	}
	if c.active[key] {
		return nil, fmt.Errorf("variable %s refers to itself", name)
	}
	raw, err := lookup(c.Variables, name)
	if err != nil {
		return nil, err
	}
	c.active[key] = true
	defer delete(c.active, key)
	v := c.eval(raw, depth+1)
	c.evaluated[key] = v
	return v, nil
}

// deploymentTime are functions whose value only a deployment knows.
var deploymentTime = map[string]bool{
	"resourcegroup": true, "subscription": true, "tenant": true, "deployment": true, "environment": true,
	"managementgroup": true, "reference": true, "resourceid": true, "subscriptionresourceid": true,
	"tenantresourceid": true, "extensionresourceid": true, "managementgroupresourceid": true,
	"uniquestring": true, "guid": true, "newguid": true, "utcnow": true, "list": true, "listkeys": true,
	"listsecrets": true, "listaccountsas": true, "pickzones": true, "providers": true, "copyindex": true,
	"datetimeadd": true,
}

// Call applies the template function name (in any case) to evaluated
// arguments, as an expression calling it would: Bicep's functions are
// ARM's. A function whose value only a deployment knows, or that is not
// evaluated statically, returns an Unresolved without an expression, for
// the caller to name.
func (c *Context) Call(name string, args []any) (any, error) {
	c.steps++
	if c.steps > maxSteps {
		return nil, errTooComplex
	}
	return c.bounded(c.call(strings.ToLower(name), args, 0))
}

// maxRange bounds the list range() makes.
const maxRange = 10_000

func (c *Context) call(name string, args []any, depth int) (any, error) {
	want := func(n int) error {
		if len(args) != n {
			return fmt.Errorf("%s takes %d argument(s), got %d", name, n, len(args))
		}
		return nil
	}
	switch {
	case deploymentTime[name], strings.HasPrefix(name, "list"):
		return unknown, nil
	case strings.Contains(name, "."):
		return unknown, nil // a user-defined function
	}
	switch name {
	case "parameters":
		if err := want(1); err != nil {
			return nil, err
		}
		s, _ := args[0].(string)
		v, err := lookup(c.Parameters, s)
		if err != nil {
			return nil, fmt.Errorf("parameter %s is not declared", s)
		}
		return v, nil
	case "variables":
		if err := want(1); err != nil {
			return nil, err
		}
		s, _ := args[0].(string)
		return c.variable(s, depth)
	case "concat":
		if len(args) > 0 {
			if _, isArray := args[0].([]any); isArray {
				var out []any
				for _, a := range args {
					list, ok := a.([]any)
					if !ok {
						return nil, errors.New("concat mixes arrays and strings")
					}
					out = append(out, list...)
				}
				return out, nil
			}
		}
		var b strings.Builder
		for _, a := range args {
			b.WriteString(toString(a))
		}
		return b.String(), nil
	case "format":
		if len(args) < 1 {
			return nil, errors.New("format needs a format string")
		}
		f, _ := args[0].(string)
		return format(f, args[1:])
	case "string":
		if err := want(1); err != nil {
			return nil, err
		}
		return toString(args[0]), nil
	case "int":
		if err := want(1); err != nil {
			return nil, err
		}
		switch t := args[0].(type) {
		case string:
			i, err := strconv.Atoi(t)
			return float64(i), err
		case float64:
			return math.Trunc(t), nil
		}
		return nil, errors.New("int of a non-number")
	case "bool":
		if err := want(1); err != nil {
			return nil, err
		}
		switch t := args[0].(type) {
		case bool:
			return t, nil
		case string:
			return strconv.ParseBool(strings.ToLower(t))
		case float64:
			return t != 0, nil
		}
		return nil, errors.New("bool of a non-scalar")
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "null":
		return nil, nil
	case "json":
		if err := want(1); err != nil {
			return nil, err
		}
		s, _ := args[0].(string)
		var v any
		err := json.Unmarshal([]byte(s), &v)
		return v, err
	case "equals":
		if err := want(2); err != nil {
			return nil, err
		}
		return equal(args[0], args[1]), nil
	case "not":
		if err := want(1); err != nil {
			return nil, err
		}
		b, ok := args[0].(bool)
		if !ok {
			return nil, errors.New("not of a non-boolean")
		}
		return !b, nil
	case "and", "or":
		if len(args) < 2 {
			return nil, fmt.Errorf("%s takes at least two arguments", name)
		}
		result := name == "and"
		for _, a := range args {
			b, ok := a.(bool)
			if !ok {
				return nil, fmt.Errorf("%s of a non-boolean", name)
			}
			if name == "and" {
				result = result && b
			} else {
				result = result || b
			}
		}
		return result, nil
	case "less", "lessorequals", "greater", "greaterorequals":
		if err := want(2); err != nil {
			return nil, err
		}
		cmp, err := compare(args[0], args[1])
		if err != nil {
			return nil, err
		}
		return map[string]bool{"less": cmp < 0, "lessorequals": cmp <= 0, "greater": cmp > 0, "greaterorequals": cmp >= 0}[name], nil
	case "empty":
		if err := want(1); err != nil {
			return nil, err
		}
		switch t := args[0].(type) {
		case nil:
			return true, nil
		case string:
			return t == "", nil
		case []any:
			return len(t) == 0, nil
		case map[string]any:
			return len(t) == 0, nil
		}
		return false, nil
	case "length":
		if err := want(1); err != nil {
			return nil, err
		}
		switch t := args[0].(type) {
		case string:
			return float64(len(t)), nil
		case []any:
			return float64(len(t)), nil
		case map[string]any:
			return float64(len(t)), nil
		}
		return nil, errors.New("length of a scalar")
	case "contains":
		if err := want(2); err != nil {
			return nil, err
		}
		switch t := args[0].(type) {
		case string:
			return strings.Contains(strings.ToLower(t), strings.ToLower(toString(args[1]))), nil
		case []any:
			for _, e := range t {
				if equal(e, args[1]) {
					return true, nil
				}
			}
			return false, nil
		case map[string]any:
			_, err := lookup(t, toString(args[1]))
			return err == nil, nil
		}
		return nil, errors.New("contains of a scalar")
	case "union":
		if len(args) == 0 {
			return nil, errors.New("union needs arguments")
		}
		if _, isArray := args[0].([]any); isArray {
			var out []any
			for _, a := range args {
				list, ok := a.([]any)
				if !ok {
					return nil, errors.New("union mixes arrays and objects")
				}
				for _, e := range list {
					if !containsValue(out, e) {
						out = append(out, e)
					}
				}
			}
			return out, nil
		}
		out := map[string]any{}
		for _, a := range args {
			m, ok := a.(map[string]any)
			if !ok {
				return nil, errors.New("union mixes objects and arrays")
			}
			mergeInto(out, m)
		}
		return out, nil
	case "range":
		if err := want(2); err != nil {
			return nil, err
		}
		start, okS := toInt(args[0])
		count, okC := toInt(args[1])
		if !okS || !okC || count < 0 || count > maxRange {
			return nil, errors.New("range needs a start and a count up to 10000")
		}
		out := make([]any, count)
		for i := range out {
			out[i] = float64(start + i)
		}
		return out, nil
	case "items":
		if err := want(1); err != nil {
			return nil, err
		}
		m, ok := args[0].(map[string]any)
		if !ok {
			return nil, errors.New("items of a non-object")
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := make([]any, len(keys))
		for i, k := range keys {
			out[i] = map[string]any{"key": k, "value": m[k]}
		}
		return out, nil
	case "createarray", "array":
		if name == "array" && len(args) == 1 {
			if list, ok := args[0].([]any); ok {
				return list, nil
			}
		}
		return append([]any{}, args...), nil
	case "createobject":
		if len(args)%2 != 0 {
			return nil, errors.New("createObject takes key/value pairs")
		}
		out := make(map[string]any, len(args)/2)
		for i := 0; i < len(args); i += 2 {
			out[toString(args[i])] = args[i+1]
		}
		return out, nil
	case "coalesce":
		for _, a := range args {
			if _, ok := a.(Unresolved); ok {
				return unknown, nil // an earlier unknown may be non-null
			}
			if a != nil {
				return a, nil
			}
		}
		return nil, nil
	case "tolower", "toupper", "trim":
		if err := want(1); err != nil {
			return nil, err
		}
		s, ok := args[0].(string)
		if !ok {
			return nil, fmt.Errorf("%s of a non-string", name)
		}
		switch name {
		case "tolower":
			return strings.ToLower(s), nil
		case "toupper":
			return strings.ToUpper(s), nil
		}
		return strings.TrimSpace(s), nil
	case "replace":
		if err := want(3); err != nil {
			return nil, err
		}
		return strings.ReplaceAll(toString(args[0]), toString(args[1]), toString(args[2])), nil
	case "startswith", "endswith":
		if err := want(2); err != nil {
			return nil, err
		}
		a, b := strings.ToLower(toString(args[0])), strings.ToLower(toString(args[1]))
		if name == "startswith" {
			return strings.HasPrefix(a, b), nil
		}
		return strings.HasSuffix(a, b), nil
	case "split":
		if err := want(2); err != nil {
			return nil, err
		}
		parts := strings.Split(toString(args[0]), toString(args[1]))
		out := make([]any, len(parts))
		for i, p := range parts {
			out[i] = p
		}
		return out, nil
	case "join":
		if err := want(2); err != nil {
			return nil, err
		}
		list, ok := args[0].([]any)
		if !ok {
			return nil, errors.New("join of a non-array")
		}
		parts := make([]string, len(list))
		for i, e := range list {
			parts[i] = toString(e)
		}
		return strings.Join(parts, toString(args[1])), nil
	case "first", "last":
		if err := want(1); err != nil {
			return nil, err
		}
		switch t := args[0].(type) {
		case []any:
			if len(t) == 0 {
				return nil, nil
			}
			if name == "first" {
				return t[0], nil
			}
			return t[len(t)-1], nil
		case string:
			if t == "" {
				return "", nil
			}
			if name == "first" {
				return t[:1], nil
			}
			return t[len(t)-1:], nil
		}
		return nil, fmt.Errorf("%s of a scalar", name)
	case "add", "sub", "mul", "div", "mod":
		if err := want(2); err != nil {
			return nil, err
		}
		a, okA := args[0].(float64)
		b, okB := args[1].(float64)
		if !okA || !okB {
			return nil, fmt.Errorf("%s of non-numbers", name)
		}
		switch name {
		case "add":
			return a + b, nil
		case "sub":
			return a - b, nil
		case "mul":
			return a * b, nil
		case "div":
			if b == 0 {
				return nil, errors.New("division by zero")
			}
			return math.Trunc(a / b), nil
		}
		if b == 0 {
			return nil, errors.New("division by zero")
		}
		return math.Mod(a, b), nil
	case "substring":
		if len(args) < 2 || len(args) > 3 {
			return nil, errors.New("substring takes 2 or 3 arguments")
		}
		text, ok := args[0].(string)
		start, okStart := toInt(args[1])
		length := len(text) - start
		okLength := true
		if len(args) == 3 {
			length, okLength = toInt(args[2])
		}
		if !ok || !okStart || !okLength || start < 0 || length < 0 || start+length > len(text) {
			return nil, errors.New("substring out of range")
		}
		return text[start : start+length], nil
	case "take", "skip":
		if err := want(2); err != nil {
			return nil, err
		}
		n, ok := toInt(args[1])
		if !ok {
			return nil, fmt.Errorf("%s of a non-number count", name)
		}
		n = max(n, 0)
		switch t := args[0].(type) {
		case []any:
			n = min(n, len(t))
			if name == "take" {
				return append([]any{}, t[:n]...), nil
			}
			return append([]any{}, t[n:]...), nil
		case string:
			n = min(n, len(t))
			if name == "take" {
				return t[:n], nil
			}
			return t[n:], nil
		}
		return nil, fmt.Errorf("%s of a scalar", name)
	case "indexof", "lastindexof":
		if err := want(2); err != nil {
			return nil, err
		}
		text, okText := args[0].(string)
		find, okFind := args[1].(string)
		if !okText || !okFind {
			return nil, fmt.Errorf("%s of non-strings", name)
		}
		// ARM compares case-insensitively.
		if name == "indexof" {
			return float64(strings.Index(strings.ToLower(text), strings.ToLower(find))), nil
		}
		return float64(strings.LastIndex(strings.ToLower(text), strings.ToLower(find))), nil
	case "min", "max":
		values := args
		if len(args) == 1 {
			if list, ok := args[0].([]any); ok {
				values = list
			}
		}
		if len(values) == 0 {
			return nil, fmt.Errorf("%s of nothing", name)
		}
		best, ok := values[0].(float64)
		for _, v := range values[1:] {
			f, isNumber := v.(float64)
			ok = ok && isNumber
			if name == "min" {
				best = math.Min(best, f)
			} else {
				best = math.Max(best, f)
			}
		}
		if !ok {
			return nil, fmt.Errorf("%s of non-numbers", name)
		}
		return best, nil
	}
	return unknown, nil // a function not evaluated statically
}

func format(f string, args []any) (string, error) {
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		switch {
		case f[i] == '{' && i+1 < len(f) && f[i+1] == '{':
			b.WriteByte('{')
			i++
		case f[i] == '}' && i+1 < len(f) && f[i+1] == '}':
			b.WriteByte('}')
			i++
		case f[i] == '{':
			end := strings.IndexByte(f[i:], '}')
			if end < 0 {
				return "", errors.New("unclosed format item")
			}
			item := f[i+1 : i+end]
			if colon := strings.IndexByte(item, ':'); colon >= 0 {
				item = item[:colon] // format specifiers are not applied
			}
			n, err := strconv.Atoi(strings.TrimSpace(item))
			if err != nil || n < 0 || n >= len(args) {
				return "", fmt.Errorf("format item {%s} has no argument", item)
			}
			b.WriteString(toString(args[n]))
			i += end
		default:
			b.WriteByte(f[i])
		}
	}
	return b.String(), nil
}

func toString(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case bool:
		if t {
			return "True" // as ARM's string() and format() write it
		}
		return "False"
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func toInt(v any) (int, bool) {
	switch t := v.(type) {
	case float64:
		return int(t), t == math.Trunc(t)
	case json.Number:
		i, err := t.Int64()
		return int(i), err == nil
	case int:
		return t, true
	}
	return 0, false
}

// equal compares values as ARM does: strings case-insensitively.
func equal(a, b any) bool { return Equal(a, b, false) }

// Equal compares values as ARM's equals() does, strings and object keys
// case-insensitively, or, with caseSensitive, as Bicep's == does.
func Equal(a, b any, caseSensitive bool) bool {
	if na, ok := number(a); ok {
		nb, ok := number(b)
		return ok && na == nb
	}
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return ok && (x == y || !caseSensitive && strings.EqualFold(x, y))
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !Equal(x[i], y[i], caseSensitive) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, found := y[k]
			if !found && !caseSensitive {
				var err error
				w, err = lookup(y, k)
				found = err == nil
			}
			if !found || !Equal(v, w, caseSensitive) {
				return false
			}
		}
		return true
	}
	return a == b
}

func number(v any) (float64, bool) {
	switch t := v.(type) {
	case float64:
		return t, true
	case json.Number:
		f, err := t.Float64()
		return f, err == nil
	case int:
		return float64(t), true
	}
	return 0, false
}

func compare(a, b any) (int, error) {
	if x, ok := number(a); ok {
		y, ok := number(b)
		if !ok {
			return 0, errors.New("compares a number with a non-number")
		}
		switch {
		case x < y:
			return -1, nil
		case x > y:
			return 1, nil
		}
		return 0, nil
	}
	x, okA := a.(string)
	y, okB := b.(string)
	if !okA || !okB {
		return 0, errors.New("compares non-scalars")
	}
	return strings.Compare(x, y), nil
}

func containsValue(list []any, v any) bool {
	for _, e := range list {
		if equal(e, v) {
			return true
		}
	}
	return false
}

// mergeInto merges src into dst as union does: nested objects merge, other
// values are replaced.
func mergeInto(dst, src map[string]any) {
	for k, v := range src {
		// ARM's property names are case-insensitive: a later spelling
		// replaces an earlier one.
		for existing := range dst {
			if existing != k && strings.EqualFold(existing, k) {
				dst[k] = dst[existing]
				delete(dst, existing)
				break
			}
		}
		if sub, ok := v.(map[string]any); ok {
			if existing, ok := dst[k].(map[string]any); ok {
				merged := map[string]any{}
				mergeInto(merged, existing)
				mergeInto(merged, sub)
				dst[k] = merged
				continue
			}
		}
		dst[k] = v
	}
}
