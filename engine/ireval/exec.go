package ireval

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/ir"
	"github.com/open-policy-agent/opa/v1/topdown"
	"github.com/open-policy-agent/opa/v1/topdown/builtins"
)

// Evaluation evaluates plans against one input and one data document. Plans
// evaluated in the same Evaluation share the results of functions of only
// input and data, as topdown shares rule results within a query. An
// Evaluation is not safe for concurrent use.
type Evaluation struct {
	prog  *Program
	input *ast.Term
	data  *ast.Term
	memo  []*ast.Term
	known []bool
	bctx  topdown.BuiltinContext
	// stack holds the locals of the functions being run, a window each.
	stack []*ast.Term
	// calls caches the results of functions with arguments, by function
	// and arguments, as topdown caches function calls within a query.
	// pureCalls holds those of functions that never read the input (an
	// image reference's parts, a quantity's value): they hold for every
	// input, so they are kept across Reset, up to maxPureCalls.
	calls, pureCalls callCache
	// epoch counts the inputs judged: a pure call made for an earlier
	// input is reused only for arguments written the same way (see
	// callCache.get).
	epoch uint64
	// args and out carry a built-in call's operands and result.
	args     []*ast.Term
	out      *ast.Term
	onOutput func(*ast.Term) error
}

// NewEvaluation starts evaluating against input and data.
func (p *Program) NewEvaluation(ctx context.Context, input, data ast.Value) *Evaluation {
	e := &Evaluation{
		prog:  p,
		input: ast.NewTerm(input),
		data:  ast.NewTerm(data),
		memo:  make([]*ast.Term, len(p.funcs)),
		known: make([]bool, len(p.funcs)),
		bctx: topdown.BuiltinContext{
			Context: ctx,
			Cache:   builtins.Cache{},
			// As in topdown by default: rand.intn and uuid.rfc4122 read it.
			Seed: rand.Reader,
		},
		stack: make([]*ast.Term, 0, 1024),
	}
	e.onOutput = func(t *ast.Term) error {
		e.out = t
		return nil
	}
	return e
}

// maxPureCalls bounds the calls of pure functions an evaluation keeps from
// one input to the next; past it, they are forgotten all at once.
const maxPureCalls = 1 << 14

// callCache holds function results by a hash of the function and its
// arguments.
type callCache struct {
	byHash map[uint64][]cachedCall
	n      int
}

type cachedCall struct {
	fn     *function
	args   []*ast.Term
	result *ast.Term
	// epoch is the input the call was last made or reused for.
	epoch uint64
}

// get looks a call of fn up by its arguments, the callee's locals params;
// ok is false when it was not made.
//
// Within one input, a call is the one made before with equal arguments, as
// in topdown's cache of function calls within a query: f(-0) after f(0)
// is f(0). A call kept from an earlier input is reused only when its
// arguments are identical, written the same way (0 and -0, 1 and 1.0 are
// equal but print differently): otherwise what an object's messages say
// would depend on the objects judged before it.
func (c *callCache) get(fn *function, h uint64, locals []*ast.Term, params []ir.Local, epoch uint64) (*ast.Term, bool) {
	calls := c.byHash[h]
	for i := range calls {
		if calls[i].fn == fn && calls[i].epoch == epoch && sameArguments(calls[i].args, locals, params, equal) {
			return calls[i].result, true
		}
	}
	for i := range calls {
		if calls[i].fn == fn && calls[i].epoch != epoch && sameArguments(calls[i].args, locals, params, identical) {
			calls[i].epoch = epoch
			return calls[i].result, true
		}
	}
	return nil, false
}

func (c *callCache) put(h uint64, call cachedCall) {
	if c.byHash == nil {
		c.byHash = map[uint64][]cachedCall{}
	}
	c.byHash[h] = append(c.byHash[h], call)
	c.n++
}

func (c *callCache) reset() {
	clear(c.byHash)
	c.n = 0
}

func sameArguments(args, locals []*ast.Term, params []ir.Local, same func(a, b *ast.Term) bool) bool {
	for i, p := range params {
		if !same(args[i], locals[p]) {
			return false
		}
	}
	return true
}

// equal compares two values; a function called again with the very terms
// of the first call (a container of pods.containers, say) is not compared
// field by field.
func equal(a, b *ast.Term) bool {
	return a == b || a.Value.Compare(b.Value) == 0
}

// identical reports whether two scalars are equal and written the same way:
// numbers by their text, so 0 is not -0 and 1 is not 1.0.
func identical(a, b *ast.Term) bool {
	if x, ok := a.Value.(ast.Number); ok {
		y, ok := b.Value.(ast.Number)
		return ok && x == y
	}
	return equal(a, b)
}

// Reset makes the evaluation judge another input (with the same data),
// keeping what it allocated and the results of constant functions.
func (e *Evaluation) Reset(ctx context.Context, input ast.Value) {
	e.input = ast.NewTerm(input)
	e.bctx.Context = ctx
	// Built-ins cache per query in topdown (rand.intn, uuid.rfc4122): a
	// new input is a new query.
	clear(e.bctx.Cache)
	e.epoch++
	for _, i := range e.prog.perInput {
		e.memo[i], e.known[i] = nil, false
	}
	e.calls.reset()
	if e.pureCalls.n > maxPureCalls {
		e.pureCalls.reset()
	}
	clear(e.args[:cap(e.args)])
	e.stack = e.stack[:0]
	e.out = nil
}

// push returns a cleared window of n locals on top of the stack.
func (e *Evaluation) push(n int) []*ast.Term {
	base := len(e.stack)
	e.stack = slices.Grow(e.stack, n)[:base+n]
	w := e.stack[base : base+n : base+n]
	clear(w)
	return w
}

// pop releases the top window of n locals.
func (e *Evaluation) pop(n int) { e.stack = e.stack[:len(e.stack)-n] }

// Eval runs one entrypoint's plan and returns the values it produced: none
// when the entrypoint is undefined.
func (e *Evaluation) Eval(entrypoint string) ([]*ast.Term, error) {
	pl, ok := e.prog.plans[entrypoint]
	if !ok {
		return nil, fmt.Errorf("no plan for entrypoint %q", entrypoint)
	}
	if err := e.bctx.Context.Err(); err != nil {
		return nil, err
	}
	f := &frame{locals: e.push(pl.frame)}
	defer e.pop(pl.frame)
	f.locals[ir.Input] = e.input
	f.locals[ir.Data] = e.data
	for _, b := range pl.blocks {
		if _, err := e.block(f, b); err != nil {
			return nil, fmt.Errorf("%s: %w", pl.name, named(err, "data."+strings.ReplaceAll(pl.name, "/", "."), false))
		}
	}
	return f.results, nil
}

type frame struct {
	locals  []*ast.Term
	results []*ast.Term
	// returned holds the function's result once a ReturnLocalStmt ran.
	returned *ast.Term
}

// Block outcomes: a block runs to its end (completed), stops at an undefined
// statement or a break out of itself (exited), returns from its function,
// or breaks out of n more enclosing blocks (n >= 0).
const (
	proceed   = -3 // a scan finished: go on after it
	completed = -2
	exited    = -1
	returned  = math.MaxInt32
)

var resultKey = ast.StringTerm("result")

// ErrConflict is a rule or function that produced two different values
// for the same inputs, the error topdown reports as a conflict. The
// evaluator returns it as a *ConflictError, which names the rule.
var ErrConflict = errors.New("eval_conflict_error: rule or function produced multiple outputs")

// ConflictError is a conflict with the rule that produced it and where, as
// topdown reports one: "lib/k8s.rego:12: eval_conflict_error: rule
// data.lib.k8s.x produced conflicting values".
type ConflictError struct {
	// Rule is the rule's path (data.lib.k8s.x).
	Rule string
	// Function is true when the rule is a function: its values conflict
	// for the same arguments.
	Function bool
	// Key is true when the values conflict for one key of an object (a
	// partial object rule, an object comprehension).
	Key bool
	// File and Row locate the rule body that produced the second value;
	// File is empty when the plan kept no location.
	File string
	Row  int
}

func (e *ConflictError) Error() string {
	var b strings.Builder
	if e.File != "" {
		fmt.Fprintf(&b, "%s:%d: ", e.File, e.Row)
	}
	b.WriteString("eval_conflict_error: ")
	switch {
	case e.Key:
		fmt.Fprintf(&b, "object keys must be unique (in %s)", e.Rule)
	case e.Function:
		fmt.Fprintf(&b, "function %s produced conflicting values for the same inputs", e.Rule)
	default:
		fmt.Fprintf(&b, "rule %s produced conflicting values", e.Rule)
	}
	return b.String()
}

// Is makes a ConflictError an ErrConflict.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// conflict is the error of a conflict at loc, its rule named by the
// function or plan that returns it (named).
func (e *Evaluation) conflict(loc ir.Location, key bool) error {
	c := &ConflictError{Key: key, Row: loc.Row}
	if loc.File >= 0 && loc.File < len(e.prog.files) && loc.Row > 0 {
		c.File = e.prog.files[loc.File]
	}
	return c
}

// named gives a conflict that names no rule yet the rule of fn: the
// innermost function is the rule whose values conflict.
func named(err error, name string, function bool) error {
	var c *ConflictError
	if errors.As(err, &c) && c.Rule == "" {
		c.Rule, c.Function = rulePath(name), function
	}
	return err
}

// rulePath turns a planned function's name (g0.data.lib.k8s.x) into the
// rule's path (data.lib.k8s.x).
func rulePath(name string) string {
	if g, rest, ok := strings.Cut(name, "."); ok && strings.HasPrefix(g, "g") && strings.HasPrefix(rest, "data.") {
		return rest
	}
	return name
}

// block runs a block's statements and returns its outcome.
func (e *Evaluation) block(f *frame, b *ir.Block) (int, error) {
	for _, stmt := range b.Stmts {
		switch s := stmt.(type) {
		case *call:
			v, err := e.call(f, s)
			if err != nil {
				return 0, err
			}
			if v == nil {
				return exited, nil
			}
			f.locals[s.Result] = v
		case *ir.DotStmt:
			v := dot(e.operand(f, s.Source), e.operand(f, s.Key))
			if v == nil {
				return exited, nil
			}
			f.locals[s.Target] = v
		case *ir.AssignVarStmt:
			f.locals[s.Target] = e.operand(f, s.Source)
		case *ir.AssignVarOnceStmt:
			v := e.operand(f, s.Source)
			if cur := f.locals[s.Target]; cur != nil {
				if !equal(cur, v) {
					return 0, e.conflict(s.Location, false)
				}
				continue
			}
			f.locals[s.Target] = v
		case *ir.BlockStmt:
			for _, nested := range s.Blocks {
				r, err := e.block(f, nested)
				if err != nil {
					return 0, err
				}
				if r == returned {
					return returned, nil
				}
				if r >= 0 {
					return r - 1, nil
				}
			}
		case *ir.BreakStmt:
			return int(s.Index) - 1, nil
		case *ir.ScanStmt:
			r, err := e.scan(f, s)
			if err != nil {
				return 0, err
			}
			if r != proceed {
				return r, nil
			}
		case *ir.NotStmt:
			r, err := e.block(f, s.Block)
			if err != nil {
				return 0, err
			}
			switch {
			case r == returned:
				return returned, nil
			case r >= 0:
				return r - 1, nil
			case r == completed:
				return exited, nil
			}
		case *ir.EqualStmt:
			if !equal(e.operand(f, s.A), e.operand(f, s.B)) {
				return exited, nil
			}
		case *ir.NotEqualStmt:
			if equal(e.operand(f, s.A), e.operand(f, s.B)) {
				return exited, nil
			}
		case *ir.IsDefinedStmt:
			if f.locals[s.Source] == nil {
				return exited, nil
			}
		case *ir.IsUndefinedStmt:
			if f.locals[s.Source] != nil {
				return exited, nil
			}
		case *ir.ResetLocalStmt:
			f.locals[s.Target] = nil
		case *ir.IsArrayStmt:
			if _, ok := e.operand(f, s.Source).Value.(*ast.Array); !ok {
				return exited, nil
			}
		case *ir.IsObjectStmt:
			if _, ok := e.operand(f, s.Source).Value.(ast.Object); !ok {
				return exited, nil
			}
		case *ir.IsSetStmt:
			if _, ok := e.operand(f, s.Source).Value.(ast.Set); !ok {
				return exited, nil
			}
		case *ir.LenStmt:
			n, ok := length(e.operand(f, s.Source).Value)
			if !ok {
				return exited, nil
			}
			f.locals[s.Target] = ast.InternedTerm(n)
		case *ir.MakeNullStmt:
			f.locals[s.Target] = ast.InternedNullTerm
		case *ir.MakeNumberIntStmt:
			f.locals[s.Target] = ast.InternedTerm(int(s.Value))
		case *ir.AssignIntStmt:
			f.locals[s.Target] = ast.InternedTerm(int(s.Value))
		case *ir.MakeNumberRefStmt:
			f.locals[s.Target] = ast.NewTerm(ast.Number(e.prog.strings[s.Index].Value.(ast.String)))
		case *ir.MakeArrayStmt:
			f.locals[s.Target] = ast.NewTerm(ast.NewArrayWithCapacity(int(s.Capacity)))
		case *ir.MakeObjectStmt:
			f.locals[s.Target] = ast.NewTerm(ast.NewObject())
		case *ir.MakeSetStmt:
			f.locals[s.Target] = ast.NewTerm(ast.NewSet())
		case *ir.ArrayAppendStmt:
			// The array is the one MakeArrayStmt made for this comprehension:
			// it is grown in place, as OPA's Wasm runtime grows it.
			arr := f.locals[s.Array]
			arr.Value = arr.Value.(*ast.Array).Append(e.operand(f, s.Value))
		case *ir.ObjectInsertStmt:
			f.locals[s.Object].Value.(ast.Object).Insert(e.operand(f, s.Key), e.operand(f, s.Value))
		case *ir.ObjectInsertOnceStmt:
			obj := f.locals[s.Object].Value.(ast.Object)
			k, v := e.operand(f, s.Key), e.operand(f, s.Value)
			if cur := obj.Get(k); cur != nil {
				if !equal(cur, v) {
					return 0, e.conflict(s.Location, true)
				}
				continue
			}
			obj.Insert(k, v)
		case *ir.ObjectMergeStmt:
			a, aok := f.locals[s.A].Value.(ast.Object)
			b, bok := f.locals[s.B].Value.(ast.Object)
			if !aok || !bok {
				return 0, fmt.Errorf("object merge of %s and %s", ast.ValueName(f.locals[s.A].Value), ast.ValueName(f.locals[s.B].Value))
			}
			merged, ok := a.Merge(b)
			if !ok {
				return 0, e.conflict(s.Location, true)
			}
			f.locals[s.Target] = ast.NewTerm(merged)
		case *ir.SetAddStmt:
			f.locals[s.Set].Value.(ast.Set).Add(e.operand(f, s.Value))
		case *ir.ResultSetAddStmt:
			f.results = append(f.results, f.locals[s.Value].Value.(ast.Object).Get(resultKey))
		case *ir.ReturnLocalStmt:
			f.returned = f.locals[s.Source]
			return returned, nil
		case *ir.NopStmt:
		default:
			return 0, fmt.Errorf("unsupported statement %T", stmt)
		}
	}
	return completed, nil
}

// scan runs a scan's body for each element of its source and returns
// proceed, or the outcome of the enclosing block. A break out of the body
// (r == 0) ends the scan; a break further leaves the enclosing block, as
// OPA's Wasm compiler nests a scan's loop in a block of its own.
func (e *Evaluation) scan(f *frame, s *ir.ScanStmt) (int, error) {
	src := f.locals[s.Source]
	if src == nil {
		return proceed, nil
	}
	switch src := src.Value.(type) {
	case *ast.Array:
		for i := range src.Len() {
			if r, stop, err := e.scanOne(f, s, ast.InternedTerm(i), src.Elem(i)); stop || err != nil {
				return r, err
			}
		}
	case ast.Object:
		for _, k := range src.Keys() {
			if r, stop, err := e.scanOne(f, s, k, src.Get(k)); stop || err != nil {
				return r, err
			}
		}
	case ast.Set:
		for _, x := range src.Slice() {
			if r, stop, err := e.scanOne(f, s, x, x); stop || err != nil {
				return r, err
			}
		}
	}
	return proceed, nil
}

// scanOne runs a scan's body for one element. It returns stop when the
// scan ends, with the outcome scan returns.
func (e *Evaluation) scanOne(f *frame, s *ir.ScanStmt, k, v *ast.Term) (int, bool, error) {
	f.locals[s.Key], f.locals[s.Value] = k, v
	r, err := e.block(f, s.Block)
	switch {
	case err != nil:
		return 0, true, err
	case r == returned:
		return returned, true, nil
	case r == 0:
		return proceed, true, nil
	case r > 0:
		return r - 2, true, nil
	}
	return proceed, false, nil
}

// call runs a planned function or a built-in and returns its result, nil
// when it is undefined.
func (e *Evaluation) call(f *frame, c *call) (*ast.Term, error) {
	if c.fn == nil {
		return e.builtin(f, c)
	}
	fn := c.fn
	if fn.memoized && e.known[fn.index] {
		return e.memo[fn.index], nil
	}
	callee := frame{locals: e.push(fn.frame)}
	defer e.pop(fn.frame)
	for i, p := range fn.params {
		callee.locals[p] = e.operand(f, c.Args[i])
	}
	var (
		h     uint64
		args  []*ast.Term
		cache *callCache
	)
	if !fn.memoized {
		// Input and data (the first two) are the same for every call.
		h = uint64(fn.index)
		for _, p := range fn.params[2:] {
			a := callee.locals[p]
			if a == nil {
				return nil, nil
			}
			h = h*31 + uint64(a.Value.Hash())
		}
		cache = e.cache(fn, callee.locals)
		if v, ok := cache.get(fn, h, callee.locals, fn.params[2:], e.epoch); ok {
			return v, nil
		}
		// Kept before the body runs, which may reuse the parameters' locals.
		args = make([]*ast.Term, len(fn.params)-2)
		for i, p := range fn.params[2:] {
			args[i] = callee.locals[p]
		}
	}
	for _, b := range fn.blocks {
		r, err := e.block(&callee, b)
		if err != nil {
			return nil, named(err, fn.name, !fn.memoized)
		}
		if r == returned || r >= 0 {
			break
		}
	}
	if callee.returned == nil {
		callee.returned = callee.locals[fn.ret]
	}
	if fn.memoized {
		e.memo[fn.index], e.known[fn.index] = callee.returned, true
	} else {
		cache.put(h, cachedCall{fn: fn, args: args, result: callee.returned, epoch: e.epoch})
	}
	return callee.returned, nil
}

// cache is where a call of fn with the callee's locals is kept: across
// inputs when fn is pure and its arguments are scalars (an image reference,
// a quantity), values that recur from object to object; a container or a
// spec is the object's own, so keeping it would only hold it in memory.
func (e *Evaluation) cache(fn *function, locals []*ast.Term) *callCache {
	if !fn.pure {
		return &e.calls
	}
	for _, p := range fn.params[2:] {
		switch locals[p].Value.(type) {
		case ast.String, ast.Number, ast.Boolean, ast.Null:
		default:
			return &e.calls
		}
	}
	return &e.pureCalls
}

// builtin calls one of OPA's built-in functions. As in topdown without
// strict errors, a built-in's error makes the call undefined, and a halt
// error stops evaluation.
func (e *Evaluation) builtin(f *frame, c *call) (*ast.Term, error) {
	e.args = e.args[:0]
	for _, a := range c.Args {
		t := e.operand(f, a)
		if t == nil {
			return nil, nil
		}
		e.args = append(e.args, t)
	}
	e.out = nil
	if err := c.builtin(e.bctx, e.args, e.onOutput); err != nil {
		var halt topdown.Halt
		if errors.As(err, &halt) {
			return nil, fmt.Errorf("%s: %w", c.Func, halt.Err)
		}
		return nil, nil
	}
	if e.out == nil && c.void {
		return ast.InternedTerm(true), nil
	}
	return e.out, nil
}

func (e *Evaluation) operand(f *frame, o ir.Operand) *ast.Term {
	switch v := o.Value.(type) {
	case ir.Local:
		return f.locals[v]
	case ir.StringIndex:
		return e.prog.strings[v]
	case ir.Bool:
		return ast.InternedTerm(bool(v))
	}
	return nil
}

// dot looks key up in a collection: an object's value, an array's element,
// a set's member. Anything else is undefined.
func dot(src, key *ast.Term) *ast.Term {
	if src == nil || key == nil {
		return nil
	}
	switch v := src.Value.(type) {
	case ast.Object:
		return v.Get(key)
	case *ast.Array:
		n, ok := key.Value.(ast.Number)
		if !ok {
			return nil
		}
		i, ok := n.Int()
		if !ok || i < 0 || i >= v.Len() {
			return nil
		}
		return v.Elem(i)
	case ast.Set:
		if v.Contains(key) {
			return key
		}
	}
	return nil
}

func length(v ast.Value) (int, bool) {
	switch v := v.(type) {
	case *ast.Array:
		return v.Len(), true
	case ast.Object:
		return v.Len(), true
	case ast.Set:
		return v.Len(), true
	case ast.String:
		return utf8.RuneCountInString(string(v)), true
	}
	return 0, false
}
