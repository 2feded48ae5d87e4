// Package bicep reads Azure Bicep source (.bicep files, the local modules
// they call, and .bicepparam files) without the Bicep compiler, the way a
// deployment would evaluate it: parameters from a .bicepparam file, else
// their defaults; variables; conditions; loops; child resources; modules
// from local paths. The result is an ARM template whose resources are
// already evaluated (the shape `az bicep build` would give once ARM has
// computed its expressions), so the ARM reader judges both alike, and
// every value knows the .bicep file and line that writes it.
//
// Values that exist only at deployment (a resource's properties or ID,
// resourceGroup(), uniqueString(), a parameter nobody set) are
// unresolved: an armexpr.Unresolved holding the expression as written,
// never read as unset. A parameter with @allowed values and no value set
// stays a template parameter, so each allowed value is judged.
package bicep

import (
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"

	"github.com/shipshape-dev/shipshape/engine/azure/armexpr"
	"github.com/shipshape-dev/shipshape/engine/azure/source"
)

// Options are what a read takes besides the file.
type Options struct {
	// MaxModuleDepth bounds module calls (a module that calls itself).
	MaxModuleDepth int
	// MaxFileSize bounds each file read (0: no bound).
	MaxFileSize int64
}

// Place is where a value is written.
type Place = source.Place

// Config is a Bicep file read from source.
type Config struct {
	// Template is an ARM deployment template whose resources (those of
	// the file and of its modules) hold evaluated values; unresolved
	// values are armexpr.Unresolved.
	Template map[string]any
	// Files are the files read: the .bicepparam file, the Bicep file and
	// its modules.
	Files []string
	// NotRead lists what could not be read (a module from a registry)
	// with why.
	NotRead []Skipped
	places  source.Places
}

// Skipped is a path that was not read, and why.
type Skipped = source.Skipped

// Place returns where the value at a path of Template is written: the
// path itself or its nearest ancestor that has a place.
func (c *Config) Place(path []any) (Place, bool) { return c.places.Find(path) }

// IsSource reports whether a file is Bicep source (.bicep or .bicepparam).
func IsSource(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, ".bicep") || strings.HasSuffix(n, ".bicepparam")
}

// reference finds the local modules a .bicep file calls and the Bicep
// file a .bicepparam file uses.
var reference = regexp.MustCompile(`(?m)^\s*(?:module\s+\w+|using)\s+'([^'$:]+)'`)

// References lists the local files a Bicep source (name, its text) calls
// or uses, joined to its folder by join: they are read through it.
func References(name string, data []byte, dir func(string) string, join func(...string) string) []string {
	var out []string
	for _, m := range reference.FindAllSubmatch(data, -1) {
		out = append(out, join(dir(name), string(m[1])))
	}
	return out
}

// Load reads a .bicep file and the modules it calls, or a .bicepparam
// file and the Bicep file it uses.
func Load(name string, opts Options) (*Config, error) { return load(source.Disk{}, name, opts) }

// LoadFS is Load in fsys (slash-separated names, as in an embedded
// library).
func LoadFS(fsys fs.FS, name string, opts Options) (*Config, error) {
	return load(source.FS{FS: fsys}, name, opts)
}

func load(src files, name string, opts Options) (*Config, error) {
	if opts.MaxModuleDepth == 0 {
		opts.MaxModuleDepth = 16
	}
	l := &loader{src: src, opts: opts, config: &Config{places: source.Places{}}, parsed: map[string]*sourceFile{}, parameters: map[string]any{}}
	main, given := name, map[string]any(nil)
	if strings.HasSuffix(strings.ToLower(name), ".bicepparam") {
		var err error
		if main, given, err = l.paramFile(name); err != nil {
			return nil, err
		}
	}
	l.resources = []any{}
	if main != "" {
		root, err := l.scope(main, given, true, 0)
		if err != nil {
			return nil, err
		}
		if err := root.emitAll(true); err != nil {
			return nil, err
		}
	}
	l.config.Template = map[string]any{
		"$schema":        "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
		"contentVersion": "1.0.0.0",
		"parameters":     l.parameters,
		"resources":      l.resources,
	}
	sort.Strings(l.config.Files)
	return l.config, nil
}

// maxSteps bounds the expressions evaluated in one read.
const maxSteps = 1_000_000

type loader struct {
	src        files
	opts       Options
	config     *Config
	parsed     map[string]*sourceFile
	resources  []any
	parameters map[string]any
	steps      int
	calls      int // user-defined functions and lambdas being applied
}

// sourceFile is one parsed file and its declarations by symbolic name.
type sourceFile struct {
	name   string
	src    string
	decls  []*decl
	byName map[string]*decl
}

func (l *loader) read(name string) (*sourceFile, error) {
	if f, ok := l.parsed[name]; ok {
		return f, nil
	}
	info, err := l.src.Stat(name)
	if err != nil {
		return nil, err
	}
	if l.opts.MaxFileSize > 0 && info.Size() > l.opts.MaxFileSize {
		return nil, fmt.Errorf("%s: %d bytes, over the limit of %d (--max-file-size)", name, info.Size(), l.opts.MaxFileSize)
	}
	data, err := l.src.ReadFile(name)
	if err != nil {
		return nil, err
	}
	decls, err := parse(string(data))
	var syntax *syntaxError
	if errors.As(err, &syntax) {
		return nil, fmt.Errorf("%s:%d: %s", name, syntax.line, syntax.msg)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	f := &sourceFile{name: name, src: string(data), decls: decls, byName: map[string]*decl{}}
	var index func(list []*decl)
	index = func(list []*decl) {
		for _, d := range list {
			if _, taken := f.byName[d.name]; !taken && d.name != "" {
				f.byName[d.name] = d
			}
			if d.kind == "resource" {
				index(body(d).children)
			}
		}
	}
	index(decls)
	l.parsed[name] = f
	l.config.Files = append(l.config.Files, name)
	return f, nil
}

// body is a resource's or module's object literal, inside its condition
// or loop.
func body(d *decl) *node {
	n := d.value
	if n.kind == forNode {
		n = n.y
	}
	if n.kind == ifNode {
		n = n.y
	}
	return n
}

// paramFile reads a .bicepparam file: the Bicep file it uses and the
// values it gives its parameters.
func (l *loader) paramFile(name string) (string, map[string]any, error) {
	s, err := l.scope(name, nil, false, 0)
	if err != nil {
		return "", nil, err
	}
	using := ""
	given := map[string]any{}
	for _, d := range s.f.decls {
		switch d.kind {
		case "using":
			using = d.target
		case "param":
			v, err := s.param(d)
			if err != nil {
				return "", nil, err
			}
			given[d.name] = v
		}
	}
	switch {
	case using == "":
		l.config.NotRead = append(l.config.NotRead, Skipped{Path: name, Reason: "a parameters file that names no Bicep file (using): nothing to judge"})
		return "", nil, nil
	case isRegistry(using):
		l.config.NotRead = append(l.config.NotRead, Skipped{Path: name, Reason: "uses " + using + " from a registry, which shipshape does not fetch: scan the Bicep file itself"})
		return "", nil, nil
	}
	return l.src.Join(l.src.Dir(name), using), given, nil
}

func isRegistry(path string) bool {
	return strings.HasPrefix(path, "br:") || strings.HasPrefix(path, "br/") || strings.HasPrefix(path, "ts:") || strings.HasPrefix(path, "ts/")
}

// scope is one file evaluated with its parameters' values: the root file,
// or one call of a module.
type scope struct {
	l        *loader
	f        *sourceFile
	given    map[string]any
	root     bool
	depth    int
	values   map[*decl]any
	active   map[*decl]bool
	expanded map[*decl][]instance
	outputs  map[string]any
}

func (l *loader) scope(name string, given map[string]any, root bool, depth int) (*scope, error) {
	if depth > l.opts.MaxModuleDepth {
		return nil, fmt.Errorf("%s: modules nested deeper than %d (a module that calls itself?)", name, l.opts.MaxModuleDepth)
	}
	f, err := l.read(name)
	if err != nil {
		return nil, err
	}
	return &scope{l: l, f: f, given: given, root: root, depth: depth, values: map[*decl]any{}, active: map[*decl]bool{}, expanded: map[*decl][]instance{}}, nil
}

// instance is one deployment of a resource or module declaration: its
// loop variables, whether it is deployed (true, or an unresolved
// condition) and what its symbol stands for.
type instance struct {
	env  *env
	cond any
	ref  any // *resRef or *moduleRef
	body *node
}

// env holds loop variables, innermost first.
type env struct {
	name   string
	value  any
	parent *env
}

func (e *env) with(name string, v any) *env { return &env{name: name, value: v, parent: e} }

func (e *env) lookup(name string) (any, bool) {
	for ; e != nil; e = e.parent {
		if e.name == name {
			return e.value, true
		}
	}
	return nil, false
}

// emitAll adds the file's resources and those of its modules to the
// template; cond is true, or the unresolved condition of the module call.
func (s *scope) emitAll(cond any) error {
	for _, d := range s.f.decls {
		switch d.kind {
		case "resource":
			if err := s.emitResource(d, nil, nil, cond); err != nil {
				return err
			}
		case "module":
			insts, err := s.expand(d, nil, nil)
			if err != nil {
				return err
			}
			for _, in := range insts {
				m := in.ref.(*moduleRef)
				if c := both(cond, in.cond); c != false && m.scope != nil {
					if err := m.scope.emitAll(c); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// both is whether two conditions hold: false, true or unresolved.
func both(a, b any) any {
	if a == false || b == false {
		return false
	}
	if _, ok := a.(armexpr.Unresolved); ok {
		return a
	}
	return b
}

// emitResource adds the instances of a resource declaration, and of the
// child resources declared in its body, to the template.
func (s *scope) emitResource(d *decl, e *env, parent *resRef, cond any) error {
	insts, err := s.expand(d, e, parent)
	if err != nil {
		return err
	}
	for _, in := range insts {
		c := both(cond, in.cond)
		if c == false {
			continue
		}
		ref := in.ref.(*resRef)
		if !d.existing {
			at := []any{"resources", len(s.l.resources)}
			s.place(at, d.line)
			v, err := s.eval(in.body, in.env, at)
			if err != nil {
				return err
			}
			m, ok := v.(map[string]any)
			if !ok {
				m = map[string]any{}
			}
			delete(m, "parent")
			delete(m, "dependsOn")
			m["type"], m["apiVersion"], m["name"] = ref.typ, ref.apiVersion, ref.name()
			if u, ok := c.(armexpr.Unresolved); ok {
				m["condition"] = u
			}
			f, err := s.l.finish(m)
			if err != nil {
				return fmt.Errorf("%s:%d: %s: %w", s.f.name, d.line, d.name, err)
			}
			s.l.resources = append(s.l.resources, f)
		}
		if in.body.kind != objectNode {
			continue
		}
		for _, child := range in.body.children {
			if err := s.emitResource(child, in.env, ref, c); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *scope) place(at []any, line int) {
	s.l.config.places.Set(at, Place{File: s.f.name, Line: line})
}

// expand lists a declaration's instances: one, one per loop item, none
// deployed when its condition is false. A top-level declaration's are
// computed once (a module's scope is its instances').
func (s *scope) expand(d *decl, e *env, parent *resRef) ([]instance, error) {
	top := d.parent == nil
	if out, ok := s.expanded[d]; ok && top {
		return out, nil
	}
	var out []instance
	add := func(e *env, cond any, b *node) error {
		in := instance{env: e, cond: cond, body: b}
		var err error
		if d.kind == "module" {
			in.ref, err = s.module(d, e, b)
		} else {
			in.ref, err = s.resource(d, e, b, parent)
		}
		out = append(out, in)
		return err
	}
	n := d.value
	switch n.kind {
	case ifNode:
		c, err := s.condition(n.x, e)
		if err != nil {
			return nil, err
		}
		if err := add(e, c, n.y); err != nil {
			return nil, err
		}
	case forNode:
		err := s.each(n, e, func(e *env) error {
			var c any = true
			if n.z != nil {
				var err error
				if c, err = s.condition(n.z, e); err != nil {
					return err
				}
			}
			return add(e, c, n.y)
		})
		if err != nil {
			return nil, err
		}
	default:
		if err := add(e, true, n); err != nil {
			return nil, err
		}
	}
	if top {
		s.expanded[d] = out
	}
	return out, nil
}

// condition evaluates a condition to true, false or an Unresolved.
func (s *scope) condition(n *node, e *env) (any, error) {
	v, err := s.eval(n, e, nil)
	if err != nil {
		return nil, err
	}
	switch v.(type) {
	case bool, armexpr.Unresolved:
		return v, nil
	}
	return nil, s.errorf(n, "a condition must be true or false, not %s", describeValue(v))
}

// each calls f with the variables of each item of a loop; a list that
// cannot be known gives one item, unresolved.
func (s *scope) each(n *node, e *env, f func(*env) error) error {
	list, err := s.eval(n.x, e, nil)
	if err != nil {
		return err
	}
	items, ok := list.([]any)
	if !ok {
		u := armexpr.Unresolved{Expr: n.vars[0] + " in " + s.text(n.x)}
		inner := e.with(n.vars[0], u)
		if len(n.vars) > 1 {
			inner = inner.with(n.vars[1], armexpr.Unresolved{Expr: n.vars[1] + " in " + s.text(n.x)})
		}
		return f(inner)
	}
	for i, item := range items {
		inner := e.with(n.vars[0], item)
		if len(n.vars) > 1 {
			inner = inner.with(n.vars[1], float64(i))
		}
		if err := f(inner); err != nil {
			return err
		}
	}
	return nil
}

// resRef is what a resource's symbol stands for: its type and name.
type resRef struct {
	symbol     string
	typ        string
	apiVersion string
	names      []any // each a string or an Unresolved
	nameText   string
}

// name is the resource's ARM name, "parent/child" for a child.
func (r *resRef) name() any {
	parts := make([]string, len(r.names))
	for i, n := range r.names {
		s, ok := n.(string)
		if !ok {
			return armexpr.Unresolved{Expr: r.nameText}
		}
		parts[i] = s
	}
	return strings.Join(parts, "/")
}

// id is the resource's ID, known only at deployment: it is written as
// resourceId() would be with the type and names, so a reference to it
// still names the resource.
func (r *resRef) id() any {
	args := []string{quote(r.typ)}
	for _, n := range r.names {
		s, ok := n.(string)
		if !ok {
			return armexpr.Unresolved{Expr: r.symbol + ".id"}
		}
		args = append(args, quote(s))
	}
	return armexpr.Unresolved{Expr: "resourceId(" + strings.Join(args, ", ") + ")"}
}

// scopeString is what an extension resource's `scope: sym` compiles to:
// the resource's type segments and names interleaved.
func (r *resRef) scopeString() any {
	segments := strings.Split(r.typ, "/")
	if len(segments) < 2 || len(segments)-1 != len(r.names) {
		return armexpr.Unresolved{Expr: r.symbol}
	}
	out := []string{segments[0]}
	known := true
	for i, n := range r.names {
		s, ok := n.(string)
		if u, unresolved := n.(armexpr.Unresolved); unresolved {
			// The name's expression in its place: the resource's own name
			// reads as that expression, so the scope still names it.
			s, known = u.Expr, false
		} else if !ok {
			return armexpr.Unresolved{Expr: r.symbol}
		}
		out = append(out, segments[i+1], s)
	}
	if !known {
		return armexpr.Unresolved{Expr: strings.Join(out, "/")}
	}
	return strings.Join(out, "/")
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// resource computes the type and name of one instance of a resource.
func (s *scope) resource(d *decl, e *env, b *node, parent *resRef) (*resRef, error) {
	typ, api, _ := strings.Cut(d.target, "@")
	r := &resRef{symbol: d.name, typ: typ, apiVersion: api}
	if p := member(b, "parent"); p != nil {
		v, err := s.eval(p.val, e, nil)
		if err != nil {
			return nil, err
		}
		if pr, ok := v.(*resRef); ok {
			parent = pr
		}
	}
	var name any = armexpr.Unresolved{Expr: d.name}
	if p := member(b, "name"); p != nil {
		r.nameText = s.text(p.val)
		v, err := s.eval(p.val, e, nil)
		if err != nil {
			return nil, err
		}
		name = v
		if _, ok := v.(string); !ok {
			name = armexpr.Unresolved{Expr: r.nameText}
		}
	}
	switch {
	case parent != nil:
		if !strings.Contains(typ, "/") {
			r.typ = parent.typ + "/" + typ
		}
		if r.apiVersion == "" {
			r.apiVersion = parent.apiVersion
		}
		r.names = append(append([]any{}, parent.names...), name)
		if r.nameText != "" && parent.nameText != "" {
			r.nameText = parent.nameText + "/" + r.nameText
		}
	default:
		if n, ok := name.(string); ok {
			for _, part := range strings.Split(n, "/") {
				r.names = append(r.names, part)
			}
		} else {
			r.names = []any{name}
		}
	}
	return r, nil
}

// member is the property of an object literal named key.
func member(b *node, key string) *prop {
	if b == nil || b.kind != objectNode {
		return nil
	}
	for i := range b.props {
		if b.props[i].key == key {
			return &b.props[i]
		}
	}
	return nil
}

// moduleRef is what a module's symbol stands for: its deployment name and
// the scope its file is evaluated in (nil when it is not read).
type moduleRef struct {
	symbol string
	name   any
	scope  *scope
}

// module reads the file one instance of a module calls, with the
// parameters it passes.
func (s *scope) module(d *decl, e *env, b *node) (*moduleRef, error) {
	m := &moduleRef{symbol: d.name, name: armexpr.Unresolved{Expr: d.name}}
	if p := member(b, "name"); p != nil {
		v, err := s.eval(p.val, e, nil)
		if err != nil {
			return nil, err
		}
		m.name = v
	}
	if isRegistry(d.target) {
		skipped := Skipped{Path: s.f.name, Reason: fmt.Sprintf("module %s (line %d) comes from a registry (%s), which shipshape does not fetch: its resources are not judged (scan its source, or the template az bicep build makes after restoring it)", d.name, d.line, d.target)}
		for _, nr := range s.l.config.NotRead {
			if nr == skipped {
				return m, nil
			}
		}
		s.l.config.NotRead = append(s.l.config.NotRead, skipped)
		return m, nil
	}
	params := map[string]any{}
	if p := member(b, "params"); p != nil {
		v, err := s.eval(p.val, e, nil)
		if err != nil {
			return nil, err
		}
		if pm, ok := v.(map[string]any); ok {
			params = pm
		}
	}
	child, err := s.l.scope(s.l.src.Join(s.l.src.Dir(s.f.name), d.target), params, false, s.depth+1)
	if err != nil {
		return nil, fmt.Errorf("%s:%d: module %s: %w", s.f.name, d.line, d.name, err)
	}
	m.scope = child
	return m, nil
}

// finish makes an evaluated value ARM-shaped: a literal string that
// begins with "[" is escaped, an @allowed parameter becomes
// [parameters('x')], a resource is its scope. It copies the value, so
// each member counts as a step: values that share parts cannot grow past
// the bound when they are written out.
func (l *loader) finish(v any) (any, error) {
	l.steps++
	if l.steps > maxSteps {
		return nil, fmt.Errorf("a value too large to write out (over %d steps)", maxSteps)
	}
	switch t := v.(type) {
	case string:
		if strings.HasPrefix(t, "[") {
			return "[" + t, nil
		}
	case paramRef:
		return "[parameters('" + string(t) + "')]", nil
	case *resRef:
		return l.finish(t.scopeString())
	case *moduleRef:
		return armexpr.Unresolved{Expr: t.symbol}, nil
	case *closure:
		// Bicep allows a lambda only as a function's argument.
		return armexpr.Unresolved{Expr: t.text}, nil
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			f, err := l.finish(e)
			if err != nil {
				return nil, err
			}
			out[k] = f
		}
		return out, nil
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			f, err := l.finish(e)
			if err != nil {
				return nil, err
			}
			out[i] = f
		}
		return out, nil
	}
	return v, nil
}

func describeValue(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case float64:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
