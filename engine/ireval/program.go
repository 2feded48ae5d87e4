// Package ireval evaluates Rego that OPA's planner has compiled into its
// intermediate representation (package v1/ir): a list of imperative plans
// and functions over locals, with built-in functions called by name. It is
// the offline scanner's fast path; OPA's topdown evaluator stays the
// reference, and a differential test in engine/eval runs both over every
// library case.
//
// The execution model is the one OPA's Wasm compiler gives the IR: a block
// ends at its first undefined statement, BreakStmt{Index: n} leaves n+1
// enclosing blocks, a scan's body is one block per element, and a function
// of only input and data is computed once per evaluation (once per data
// when it never reads the input: a table, a pattern built with concat), and
// a function with arguments that never reads the input keeps its results
// across inputs (an image reference parsed once for the whole scan).
package ireval

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/compile"
	"github.com/open-policy-agent/opa/v1/ir"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// Program is a planned policy ready to evaluate. It is immutable and safe
// for concurrent use.
type Program struct {
	strings []*ast.Term
	// files are the names of the planned modules, by index, for the
	// locations of errors.
	files []string
	funcs []*function
	plans map[string]*plan
	// perInput are the indices of the memoized functions that read the
	// input: the results an evaluation forgets when it judges another.
	perInput []int
}

// function is one planned function with its callees resolved.
type function struct {
	name   string
	params []ir.Local
	ret    ir.Local
	blocks []*ir.Block
	// frame is how many locals the function uses.
	frame int
	// memoized functions take only input and data: their result is fixed
	// for one evaluation.
	memoized bool
	// constant functions are memoized ones that never read the input (a
	// table, a set of names): their result is fixed for the data, across
	// the inputs an evaluation judges.
	constant bool
	// pure functions take arguments and never read the input: their
	// result is fixed for the data and the arguments, across inputs.
	pure  bool
	index int
}

type plan struct {
	name   string
	blocks []*ir.Block
	frame  int
}

// Compile plans the modules with the given entrypoints and prepares the
// plan for evaluation (Plan, then New).
func Compile(ctx context.Context, modules map[string]*ast.Module, entrypoints []string) (*Program, error) {
	p, err := Plan(ctx, modules, entrypoints)
	if err != nil {
		return nil, err
	}
	return New(p)
}

// Plan plans the modules with OPA's planner, one plan per entrypoint (a path
// such as "shipshape/pss/privileged/violation").
func Plan(ctx context.Context, modules map[string]*ast.Module, entrypoints []string) (*ir.Policy, error) {
	b := &bundle.Bundle{Data: map[string]any{}}
	names := make([]string, 0, len(modules))
	for name := range modules {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		m := modules[name]
		b.Modules = append(b.Modules, bundle.ModuleFile{URL: name, Path: name, Parsed: m, Raw: []byte(m.String())})
	}
	c := compile.New().WithTarget(compile.TargetPlan).WithBundle(b).WithEntrypoints(entrypoints...)
	if err := c.Build(ctx); err != nil {
		return nil, fmt.Errorf("planning %d entrypoints: %w", len(entrypoints), err)
	}
	out := c.Bundle()
	if len(out.PlanModules) != 1 {
		return nil, fmt.Errorf("planning produced %d plans, want 1", len(out.PlanModules))
	}
	var p ir.Policy
	if err := decodePolicy(out.PlanModules[0].Raw, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// ErrStale is a plan made from other sources than the library's.
var ErrStale = errors.New("the plan was made from other sources")

// Load reads a plan in the binary form (Encode) and prepares it, when it was
// made from the sources with the given digest. It returns the plan's header
// too.
func Load(data []byte, digest string) (*Program, Header, error) {
	p, h, err := Decode(data)
	if err != nil {
		return nil, Header{}, err
	}
	if h.Digest != digest {
		return nil, Header{}, ErrStale
	}
	prog, err := New(p)
	return prog, h, err
}

// New prepares a planned policy for evaluation. The program owns p: its
// call statements are resolved in place.
func New(p *ir.Policy) (*Program, error) {
	if p.Static == nil || p.Plans == nil || p.Funcs == nil {
		return nil, errors.New("plan has no static section, plans or functions")
	}
	prog := &Program{plans: map[string]*plan{}}
	for _, s := range p.Static.Strings {
		prog.strings = append(prog.strings, ast.StringTerm(s.Value))
	}
	for _, f := range p.Static.Files {
		prog.files = append(prog.files, f.Value)
	}
	for _, bf := range p.Static.BuiltinFuncs {
		if topdown.GetBuiltin(bf.Name) == nil {
			return nil, fmt.Errorf("plan calls built-in %q, which OPA does not implement", bf.Name)
		}
	}
	for i, f := range p.Funcs.Funcs {
		fn := &function{name: f.Name, params: f.Params, ret: f.Return, blocks: f.Blocks, memoized: len(f.Params) == 2, index: i}
		frame := int(max(f.Return, slices.Max(append([]ir.Local{0}, f.Params...))))
		n, err := maxLocal(f.Blocks)
		if err != nil {
			return nil, fmt.Errorf("function %s: %w", f.Name, err)
		}
		fn.frame = max(frame, n) + 1
		prog.funcs = append(prog.funcs, fn)
	}
	for _, pl := range p.Plans.Plans {
		n, err := maxLocal(pl.Blocks)
		if err != nil {
			return nil, fmt.Errorf("plan %s: %w", pl.Name, err)
		}
		prog.plans[pl.Name] = &plan{name: pl.Name, blocks: pl.Blocks, frame: max(n, int(ir.Data)) + 1}
	}
	if err := prog.resolveCalls(p); err != nil {
		return nil, err
	}
	reads := prog.readers()
	for _, fn := range prog.funcs {
		fn.constant = fn.memoized && !reads[fn.index]
		fn.pure = !fn.memoized && !reads[fn.index]
		if fn.memoized && !fn.constant {
			prog.perInput = append(prog.perInput, fn.index)
		}
	}
	return prog, nil
}

// readers tells, by function, whether a function may depend on the input:
// one of its statements names the input local other than to pass it on as
// the input of a function that does not (every call of a rule passes the
// input and data along), or it calls a non-deterministic built-in
// (time.now_ns, rand.intn) or a function that does.
func (p *Program) readers() []bool {
	reads := make([]bool, len(p.funcs))
	passes := make([][]*function, len(p.funcs))
	for _, fn := range p.funcs {
		in := fn.params[0]
		direct := !deterministic(fn.blocks)
		_ = walk(fn.blocks, func(s ir.Stmt) error {
			if c, ok := s.(*call); ok && c.fn != nil {
				for i, a := range c.Args {
					if l, ok := a.Value.(ir.Local); ok && l == in {
						if i == 0 {
							passes[fn.index] = append(passes[fn.index], c.fn)
						} else {
							direct = true
						}
					}
				}
				direct = direct || c.Result == in
				return nil
			}
			return stmtLocals(s, func(l ir.Local) { direct = direct || l == in })
		})
		reads[fn.index] = direct
	}
	// Rego has no recursion: the calls form a DAG, and this settles.
	for changed := true; changed; {
		changed = false
		for _, fn := range p.funcs {
			if !reads[fn.index] && slices.ContainsFunc(passes[fn.index], func(callee *function) bool { return reads[callee.index] }) {
				reads[fn.index], changed = true, true
			}
		}
	}
	return reads
}

// Has reports whether the program has a plan for the entrypoint.
func (p *Program) Has(entrypoint string) bool {
	_, ok := p.plans[entrypoint]
	return ok
}

// deterministic reports whether the blocks call no built-in whose result
// may differ between calls with the same arguments (time.now_ns, rand.intn).
func deterministic(blocks []*ir.Block) bool {
	ok := true
	_ = walk(blocks, func(s ir.Stmt) error {
		if c, isCall := s.(*call); isCall && c.fn == nil {
			if b, known := ast.BuiltinMap[c.Func]; !known || b.Nondeterministic {
				ok = false
			}
		}
		return nil
	})
	return ok
}
