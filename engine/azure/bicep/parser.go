package bicep

import (
	"fmt"
	"strconv"
)

// nodeKind is what an expression node is.
type nodeKind int

const (
	litNode     nodeKind = iota // val
	identNode                   // name
	strNode                     // parts and args (interpolations)
	arrayNode                   // args
	objectNode                  // props, children
	callNode                    // name, args
	memberNode                  // x.name (safe for ?.)
	indexNode                   // x[y] (safe for ?[)
	childNode                   // x::name
	unaryNode                   // name x
	binaryNode                  // x name y
	ternaryNode                 // x ? y : z
	forNode                     // [for vars in x: if (z) y]
	ifNode                      // if (x) y, a resource's or module's condition
	lambdaNode                  // (vars) => x
	spreadNode                  // ...x, an array's items spread into another
)

// node is a parsed expression; start and end are its offsets in the
// file, so an unresolved value is named by its text as written.
type node struct {
	kind       nodeKind
	line       int
	start, end int
	val        any
	name       string
	parts      []string
	args       []*node
	props      []prop
	children   []*decl
	x, y, z    *node
	safe       bool
	vars       []string
}

// prop is one member of an object literal.
type prop struct {
	key    string
	expr   *node // a key written as an interpolated string
	line   int
	val    *node
	spread bool // ...val: its members are the object's
}

// decl is a top-level declaration, or a resource declared in another's body.
type decl struct {
	kind       string // param, var, resource, module, output
	name       string
	line       int
	target     string // a resource's type@apiVersion, a module's path
	existing   bool
	nullable   bool // a parameter of a nullable type (string?): null unless given
	value      *node
	decorators []*node
	parent     *decl // the resource whose body declares this one
}

// parser reads a token list into declarations.
type parser struct {
	toks  []token
	pos   int
	src   string
	depth int
	// newlines says, innermost last, whether a line break ends an
	// expression (in an object or array) or not (in parentheses).
	newlines []bool
}

func parse(src string) ([]*decl, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks, src: src, newlines: []bool{true}}
	return p.file()
}

func (p *parser) fail(t token, format string, args ...any) error {
	return &syntaxError{t.line, fmt.Sprintf(format, args...)}
}

// peek returns the next token, passing over line breaks where they do
// not end an expression.
func (p *parser) peek() token {
	if !p.newlines[len(p.newlines)-1] {
		for p.toks[p.pos].kind == tokNewline {
			p.pos++
		}
	}
	return p.toks[p.pos]
}

func (p *parser) next() token {
	t := p.peek()
	if t.kind != tokEOF {
		p.pos++
	}
	return t
}

func (p *parser) skipNewlines() {
	for p.toks[p.pos].kind == tokNewline {
		p.pos++
	}
}

func (p *parser) is(text string) bool {
	t := p.peek()
	return (t.kind == tokPunct || t.kind == tokIdent) && t.text == text
}

func (p *parser) expect(text string) (token, error) {
	t := p.next()
	if (t.kind != tokPunct && t.kind != tokIdent) || t.text != text {
		return t, p.fail(t, "expected %q, found %s", text, describe(t))
	}
	return t, nil
}

func describe(t token) string {
	switch t.kind {
	case tokEOF:
		return "the end of the file"
	case tokNewline:
		return "a line break"
	case tokString:
		return "a string"
	}
	return strconv.Quote(t.text)
}

func (p *parser) ident() (token, error) {
	t := p.next()
	if t.kind != tokIdent {
		return t, p.fail(t, "expected a name, found %s", describe(t))
	}
	return t, nil
}

// literalString reads a string without interpolation (a resource type, a
// module path).
func (p *parser) literalString() (string, error) {
	t := p.next()
	if t.kind != tokString || len(t.parts) != 1 {
		return "", p.fail(t, "expected a literal string, found %s", describe(t))
	}
	return t.parts[0], nil
}

// file reads the declarations; statements shipshape has no use for
// (import, type, func, metadata, extension, assert) are passed over.
func (p *parser) file() ([]*decl, error) {
	var out []*decl
	var decorators []*node
	for {
		p.skipNewlines()
		t := p.peek()
		if t.kind == tokEOF {
			return out, nil
		}
		if t.kind == tokPunct && t.text == "@" {
			p.next()
			d, err := p.postfix()
			if err != nil {
				return nil, err
			}
			decorators = append(decorators, d)
			continue
		}
		if t.kind != tokIdent {
			return nil, p.fail(t, "expected a declaration, found %s", describe(t))
		}
		var d *decl
		var err error
		switch t.text {
		case "param", "var", "output":
			d, err = p.valueDecl()
		case "resource", "module":
			d, err = p.resourceDecl(nil)
		case "func":
			d, err = p.funcDecl()
		case "using":
			p.next()
			var path string
			if path, err = p.literalString(); err == nil {
				d = &decl{kind: "using", line: t.line, target: path}
			}
			p.skipStatement()
		default:
			p.skipStatement()
		}
		if err != nil {
			return nil, err
		}
		if d != nil {
			d.decorators = decorators
			out = append(out, d)
		}
		decorators = nil
	}
}

// skipStatement passes over tokens to the end of the line, brackets
// balanced.
func (p *parser) skipStatement() {
	depth := 0
	for {
		t := p.toks[p.pos]
		switch {
		case t.kind == tokEOF:
			return
		case t.kind == tokNewline && depth <= 0:
			return
		case t.kind == tokPunct && (t.text == "{" || t.text == "[" || t.text == "("):
			depth++
		case t.kind == tokPunct && (t.text == "}" || t.text == "]" || t.text == ")"):
			depth--
		}
		p.pos++
	}
}

// valueDecl reads param, var and output: a name, a type (passed over) and
// an optional value.
func (p *parser) valueDecl() (*decl, error) {
	kw := p.next()
	name, err := p.ident()
	if err != nil {
		return nil, err
	}
	d := &decl{kind: kw.text, name: name.text, line: name.line}
	depth := 0
	for {
		t := p.toks[p.pos]
		switch {
		case t.kind == tokEOF, t.kind == tokNewline && depth <= 0:
			if kw.text == "param" {
				return d, nil
			}
			return nil, p.fail(t, "%s %s has no value", kw.text, name.text)
		case t.kind == tokPunct && t.text == "?" && depth == 0:
			d.nullable = true // the type's own ? (an inner one is deeper)
		case t.kind == tokPunct && t.text == "=" && depth == 0:
			p.pos++
			d.value, err = p.expr()
			return d, err
		case t.kind == tokPunct && (t.text == "{" || t.text == "[" || t.text == "("):
			depth++
		case t.kind == tokPunct && (t.text == "}" || t.text == "]" || t.text == ")"):
			depth--
		}
		p.pos++
	}
}

// funcDecl reads a user-defined function, `func name(a type, ...) type =>
// body`, as a lambda of its parameters; the types are passed over.
func (p *parser) funcDecl() (*decl, error) {
	p.next()
	name, err := p.ident()
	if err != nil {
		return nil, err
	}
	open, err := p.expect("(")
	if err != nil {
		return nil, err
	}
	var (
		vars  []string
		depth = 0
		fresh = true // the next name starts a parameter
	)
	for depth >= 0 {
		t := p.next()
		switch {
		case t.kind == tokEOF:
			return nil, p.fail(t, "func %s: unclosed parameter list", name.text)
		case t.kind == tokPunct && (t.text == "(" || t.text == "[" || t.text == "{"):
			depth++
		case t.kind == tokPunct && (t.text == ")" || t.text == "]" || t.text == "}"):
			depth--
		case t.kind == tokPunct && t.text == "," && depth == 0:
			fresh = true
		case t.kind == tokIdent && fresh && depth == 0:
			vars = append(vars, t.text)
			fresh = false
		}
	}
	for !p.is("=>") {
		if t := p.peek(); t.kind == tokEOF || t.kind == tokNewline {
			return nil, p.fail(t, "func %s has no body (=>)", name.text)
		}
		p.next()
	}
	p.next()
	body, err := p.expr()
	if err != nil {
		return nil, err
	}
	fn := &node{kind: lambdaNode, line: open.line, start: open.start, end: body.end, vars: vars, x: body}
	return &decl{kind: "func", name: name.text, line: name.line, value: fn}, nil
}

// resourceDecl reads `resource sym 'Type@version' [existing] = value` or
// `module sym 'path' = value`.
func (p *parser) resourceDecl(parent *decl) (*decl, error) {
	kw := p.next()
	name, err := p.ident()
	if err != nil {
		return nil, err
	}
	target, err := p.literalString()
	if err != nil {
		return nil, err
	}
	d := &decl{kind: kw.text, name: name.text, line: kw.line, target: target, parent: parent}
	if p.is("existing") {
		p.next()
		d.existing = true
	}
	if _, err := p.expect("="); err != nil {
		return nil, err
	}
	d.value, err = p.bodyValue(d)
	return d, err
}

// bodyValue reads a resource's or module's value: a body, `if (c) body`
// or a loop of them.
func (p *parser) bodyValue(d *decl) (*node, error) {
	t := p.peek()
	switch {
	case t.kind == tokIdent && t.text == "if":
		p.next()
		cond, err := p.paren()
		if err != nil {
			return nil, err
		}
		body, err := p.object(d)
		if err != nil {
			return nil, err
		}
		return &node{kind: ifNode, line: t.line, start: t.start, end: body.end, x: cond, y: body}, nil
	case t.kind == tokPunct && t.text == "[":
		return p.array(d)
	case t.kind == tokPunct && t.text == "{":
		return p.object(d)
	}
	return nil, p.fail(t, "expected a body, found %s", describe(t))
}

// paren reads `( expr )`.
func (p *parser) paren() (*node, error) {
	if _, err := p.expect("("); err != nil {
		return nil, err
	}
	p.newlines = append(p.newlines, false)
	defer func() { p.newlines = p.newlines[:len(p.newlines)-1] }()
	n, err := p.expr()
	if err != nil {
		return nil, err
	}
	_, err = p.expect(")")
	return n, err
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxNesting {
		return p.fail(p.toks[p.pos], "expression nested too deep")
	}
	return nil
}

// expr reads an expression: the ternary, of lowest precedence.
func (p *parser) expr() (*node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	cond, err := p.binary(0)
	if err != nil {
		return nil, err
	}
	if p.is("=>") {
		p.next()
		body, err := p.expr()
		if err != nil {
			return nil, err
		}
		if cond.kind != identNode {
			return nil, p.fail(p.toks[p.pos-1], "a lambda's parameters must be names")
		}
		return &node{kind: lambdaNode, line: cond.line, start: cond.start, end: body.end, vars: []string{cond.name}, x: body}, nil
	}
	p.skipNewlinesIfNext("?")
	if !p.is("?") {
		return cond, nil
	}
	p.next()
	p.skipNewlines()
	yes, err := p.expr()
	if err != nil {
		return nil, err
	}
	p.skipNewlinesIfNext(":")
	if _, err := p.expect(":"); err != nil {
		return nil, err
	}
	p.skipNewlines()
	no, err := p.expr()
	if err != nil {
		return nil, err
	}
	return &node{kind: ternaryNode, line: cond.line, start: cond.start, end: no.end, x: cond, y: yes, z: no}, nil
}

// skipNewlinesIfNext passes over line breaks when the token after them is
// text (a ternary's ':' on its own line).
func (p *parser) skipNewlinesIfNext(text string) {
	i := p.pos
	for p.toks[i].kind == tokNewline {
		i++
	}
	if p.toks[i].kind == tokPunct && p.toks[i].text == text {
		p.pos = i
	}
}

// levels are the binary operators by precedence, lowest first.
var levels = [][]string{{"??"}, {"||"}, {"&&"}, {"==", "!=", "=~", "!~"}, {"<", "<=", ">", ">="}, {"+", "-"}, {"*", "/", "%"}}

func (p *parser) binary(level int) (*node, error) {
	if level == len(levels) {
		return p.unary()
	}
	left, err := p.binary(level + 1)
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if t.kind != tokPunct || !contains(levels[level], t.text) {
			return left, nil
		}
		p.next()
		p.skipNewlines()
		right, err := p.binary(level + 1)
		if err != nil {
			return nil, err
		}
		left = &node{kind: binaryNode, name: t.text, line: left.line, start: left.start, end: right.end, x: left, y: right}
	}
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func (p *parser) unary() (*node, error) {
	t := p.peek()
	if t.kind == tokPunct && (t.text == "!" || t.text == "-") {
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer func() { p.depth-- }()
		p.next()
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &node{kind: unaryNode, name: t.text, line: t.line, start: t.start, end: x.end, x: x}, nil
	}
	return p.postfix()
}

// postfix reads a primary value and its accesses and calls.
func (p *parser) postfix() (*node, error) {
	n, err := p.primary()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if t.kind != tokPunct {
			return n, nil
		}
		switch t.text {
		case ".", "?.", "::":
			p.next()
			safe := t.text == "?."
			if t.text == "." && p.is("?") {
				// Bicep's safe dereference, x.?y.
				p.next()
				safe = true
			}
			if t.text == "?." && p.is("[") {
				n, err = p.index(n, true)
				if err != nil {
					return nil, err
				}
				continue
			}
			name, err := p.ident()
			if err != nil {
				return nil, err
			}
			kind := memberNode
			if t.text == "::" {
				kind = childNode
			}
			n = &node{kind: kind, name: name.text, safe: safe, line: n.line, start: n.start, end: name.end, x: n}
		case "[":
			n, err = p.index(n, false)
			if err != nil {
				return nil, err
			}
		case "(":
			name := ""
			switch {
			case n.kind == identNode:
				name = n.name
			case n.kind == memberNode && n.x.kind == identNode:
				name = n.x.name + "." + n.name
			default:
				return nil, p.fail(t, "only a function can be called")
			}
			args, end, err := p.list("(", ")")
			if err != nil {
				return nil, err
			}
			n = &node{kind: callNode, name: name, args: args, line: n.line, start: n.start, end: end}
		case "!":
			// A non-null assertion (x!): the value itself.
			p.next()
			n.end = t.end
		default:
			return n, nil
		}
	}
}

func (p *parser) index(target *node, safe bool) (*node, error) {
	if _, err := p.expect("["); err != nil {
		return nil, err
	}
	p.newlines = append(p.newlines, false)
	defer func() { p.newlines = p.newlines[:len(p.newlines)-1] }()
	if p.is("?") {
		// Bicep's safe index, x[?i].
		p.next()
		safe = true
	}
	i, err := p.expr()
	if err != nil {
		return nil, err
	}
	end, err := p.expect("]")
	return &node{kind: indexNode, safe: safe, line: target.line, start: target.start, end: end.end, x: target, y: i}, err
}

// list reads comma-separated expressions between brackets (a call's
// arguments, a lambda's parameters).
func (p *parser) list(open, close string) ([]*node, int, error) {
	if _, err := p.expect(open); err != nil {
		return nil, 0, err
	}
	p.newlines = append(p.newlines, false)
	defer func() { p.newlines = p.newlines[:len(p.newlines)-1] }()
	var out []*node
	for {
		if p.is(close) {
			t := p.next()
			return out, t.end, nil
		}
		n, err := p.expr()
		if err != nil {
			return nil, 0, err
		}
		out = append(out, n)
		if p.is(",") {
			p.next()
		} else if !p.is(close) {
			t := p.peek()
			return nil, 0, p.fail(t, "expected %q or %q, found %s", ",", close, describe(t))
		}
	}
}

func (p *parser) primary() (*node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	t := p.peek()
	switch t.kind {
	case tokNumber:
		p.next()
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return nil, p.fail(t, "bad number %s", t.text)
		}
		return &node{kind: litNode, val: f, line: t.line, start: t.start, end: t.end}, nil
	case tokString:
		p.next()
		if len(t.exprs) == 0 {
			return &node{kind: litNode, val: t.parts[0], line: t.line, start: t.start, end: t.end}, nil
		}
		n := &node{kind: strNode, parts: t.parts, line: t.line, start: t.start, end: t.end}
		for _, toks := range t.exprs {
			sub := &parser{toks: toks, src: p.src, depth: p.depth, newlines: []bool{false}}
			e, err := sub.expr()
			if err != nil {
				return nil, err
			}
			if rest := sub.peek(); rest.kind != tokEOF {
				return nil, p.fail(rest, "unexpected %s in an interpolation", describe(rest))
			}
			n.args = append(n.args, e)
		}
		return n, nil
	case tokIdent:
		p.next()
		switch t.text {
		case "true", "false":
			return &node{kind: litNode, val: t.text == "true", line: t.line, start: t.start, end: t.end}, nil
		case "null":
			return &node{kind: litNode, line: t.line, start: t.start, end: t.end}, nil
		}
		return &node{kind: identNode, name: t.text, line: t.line, start: t.start, end: t.end}, nil
	case tokPunct:
		switch t.text {
		case "(":
			args, _, err := p.list("(", ")")
			if err != nil {
				return nil, err
			}
			if len(args) == 1 && !p.is("=>") {
				return args[0], nil
			}
			if !p.is("=>") {
				return nil, p.fail(t, "a parenthesised list is not a value")
			}
			arrow := p.next()
			var vars []string
			for _, a := range args {
				if a.kind != identNode {
					return nil, p.fail(arrow, "a lambda's parameters must be names")
				}
				vars = append(vars, a.name)
			}
			body, err := p.expr()
			if err != nil {
				return nil, err
			}
			return &node{kind: lambdaNode, line: t.line, start: t.start, end: body.end, vars: vars, x: body}, nil
		case "[":
			return p.array(nil)
		case "{":
			return p.object(nil)
		}
	}
	return nil, p.fail(t, "expected a value, found %s", describe(t))
}

// array reads an array literal or a for expression; owner is the resource
// or module whose loop it is, if any.
func (p *parser) array(owner *decl) (*node, error) {
	open, _ := p.expect("[")
	p.newlines = append(p.newlines, true)
	defer func() { p.newlines = p.newlines[:len(p.newlines)-1] }()
	p.skipNewlines()
	if p.is("for") {
		return p.forExpr(open, owner)
	}
	n := &node{kind: arrayNode, line: open.line, start: open.start}
	for {
		p.skipNewlines()
		if p.is("]") {
			n.end = p.next().end
			return n, nil
		}
		spread := p.is("...")
		if spread {
			p.next()
		}
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		if spread {
			e = &node{kind: spreadNode, line: e.line, start: e.start, end: e.end, x: e}
		}
		n.args = append(n.args, e)
		if p.is(",") {
			p.next()
		} else if t := p.peek(); t.kind != tokNewline && !p.is("]") {
			return nil, p.fail(t, "expected a line break, %q or %q in an array, found %s", ",", "]", describe(t))
		}
	}
}

// forExpr reads `for item in list: body`, `for (item, i) in ...` and the
// filtered `for x in list: if (c) body`.
func (p *parser) forExpr(open token, owner *decl) (*node, error) {
	p.next()
	n := &node{kind: forNode, line: open.line, start: open.start}
	if p.is("(") {
		p.next()
		for !p.is(")") {
			v, err := p.ident()
			if err != nil {
				return nil, err
			}
			n.vars = append(n.vars, v.text)
			if p.is(",") {
				p.next()
			}
		}
		p.next()
	} else {
		v, err := p.ident()
		if err != nil {
			return nil, err
		}
		n.vars = []string{v.text}
	}
	if len(n.vars) == 0 || len(n.vars) > 2 {
		return nil, p.fail(open, "a loop takes an item and an optional index")
	}
	if _, err := p.expect("in"); err != nil {
		return nil, err
	}
	var err error
	if n.x, err = p.expr(); err != nil {
		return nil, err
	}
	if _, err := p.expect(":"); err != nil {
		return nil, err
	}
	p.skipNewlines()
	if p.is("if") {
		p.next()
		if n.z, err = p.paren(); err != nil {
			return nil, err
		}
		p.skipNewlines()
	}
	if owner != nil && p.is("{") {
		n.y, err = p.object(owner)
	} else {
		n.y, err = p.expr()
	}
	if err != nil {
		return nil, err
	}
	p.skipNewlines()
	end, err := p.expect("]")
	n.end = end.end
	return n, err
}

// object reads an object literal; in a resource's body (owner set) it also
// holds the child resources declared in it.
func (p *parser) object(owner *decl) (*node, error) {
	open, err := p.expect("{")
	if err != nil {
		return nil, err
	}
	p.newlines = append(p.newlines, true)
	defer func() { p.newlines = p.newlines[:len(p.newlines)-1] }()
	n := &node{kind: objectNode, line: open.line, start: open.start}
	for {
		p.skipNewlines()
		t := p.peek()
		switch {
		case t.kind == tokPunct && t.text == "}":
			n.end = p.next().end
			return n, nil
		case t.kind == tokPunct && t.text == "@":
			p.next()
			if _, err := p.postfix(); err != nil {
				return nil, err
			}
			continue
		case t.kind == tokIdent && t.text == "resource" && p.toks[p.pos+1].kind == tokIdent && owner != nil:
			child, err := p.resourceDecl(owner)
			if err != nil {
				return nil, err
			}
			n.children = append(n.children, child)
			continue
		}
		var pr prop
		switch {
		case t.kind == tokPunct && t.text == "...":
			p.next()
			pr = prop{line: t.line, spread: true}
		case t.kind == tokIdent:
			pr = prop{key: t.text, line: t.line}
			p.next()
		case t.kind == tokString:
			key, err := p.primary()
			if err != nil {
				return nil, err
			}
			pr = prop{line: t.line}
			if key.kind == litNode {
				pr.key, _ = key.val.(string)
			} else {
				pr.expr = key
			}
		default:
			return nil, p.fail(t, "expected a property name, found %s", describe(t))
		}
		if !pr.spread {
			if _, err := p.expect(":"); err != nil {
				return nil, err
			}
		}
		if pr.val, err = p.expr(); err != nil {
			return nil, err
		}
		n.props = append(n.props, pr)
		if p.is(",") {
			p.next()
		} else if t := p.peek(); t.kind != tokNewline && !p.is("}") {
			return nil, p.fail(t, "expected a line break, %q or %q in an object, found %s", ",", "}", describe(t))
		}
	}
}
