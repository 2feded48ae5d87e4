package ireval

import (
	"encoding/json"
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/ir"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// call is a CallStmt with its callee resolved: a planned function or a
// built-in. It replaces the CallStmt in the plan, so a call does not look a
// name up.
type call struct {
	ir.Location
	*ir.CallStmt
	fn      *function
	builtin topdown.BuiltinFunc
	// void built-ins return nothing; a call of one is defined.
	void bool
}

// resolveCalls replaces every call statement with a call.
func (p *Program) resolveCalls(pol *ir.Policy) error {
	byName := make(map[string]*function, len(p.funcs))
	for _, f := range p.funcs {
		byName[f.name] = f
	}
	resolve := func(s ir.Stmt) (ir.Stmt, error) {
		c, ok := s.(*ir.CallStmt)
		if !ok {
			return s, nil
		}
		if f, ok := byName[c.Func]; ok {
			if len(c.Args) != len(f.params) {
				return nil, fmt.Errorf("call of %s with %d arguments, want %d", c.Func, len(c.Args), len(f.params))
			}
			return &call{CallStmt: c, fn: f}, nil
		}
		bf := topdown.GetBuiltin(c.Func)
		if bf == nil {
			return nil, fmt.Errorf("call of unknown function %q", c.Func)
		}
		decl, ok := ast.BuiltinMap[c.Func]
		return &call{CallStmt: c, builtin: bf, void: ok && decl.Decl.Result() == nil}, nil
	}
	return eachBody(pol, func(blocks []*ir.Block) error { return replace(blocks, resolve) })
}

// eachBody runs f on the blocks of every function and plan of p, naming
// the one it failed on.
func eachBody(p *ir.Policy, f func([]*ir.Block) error) error {
	for _, fn := range p.Funcs.Funcs {
		if err := f(fn.Blocks); err != nil {
			return fmt.Errorf("function %s: %w", fn.Name, err)
		}
	}
	for _, pl := range p.Plans.Plans {
		if err := f(pl.Blocks); err != nil {
			return fmt.Errorf("plan %s: %w", pl.Name, err)
		}
	}
	return nil
}

// replace puts f's result in place of every statement of the blocks.
func replace(blocks []*ir.Block, f func(ir.Stmt) (ir.Stmt, error)) error {
	for _, b := range blocks {
		for i, s := range b.Stmts {
			r, err := f(s)
			if err != nil {
				return err
			}
			b.Stmts[i] = r
			if err := replace(nestedBlocks(r), f); err != nil {
				return err
			}
		}
	}
	return nil
}

// walk visits every statement of the blocks, nested ones included.
func walk(blocks []*ir.Block, visit func(ir.Stmt) error) error {
	for _, b := range blocks {
		for _, s := range b.Stmts {
			if err := visit(s); err != nil {
				return err
			}
			if err := walk(nestedBlocks(s), visit); err != nil {
				return err
			}
		}
	}
	return nil
}

// nestedBlocks are the blocks a statement holds.
func nestedBlocks(s ir.Stmt) []*ir.Block {
	switch s := s.(type) {
	case *ir.BlockStmt:
		return s.Blocks
	case *ir.ScanStmt:
		return []*ir.Block{s.Block}
	case *ir.NotStmt:
		return []*ir.Block{s.Block}
	case *ir.WithStmt:
		return []*ir.Block{s.Block}
	}
	return nil
}

// maxLocal returns the highest local the blocks use, and fails on a
// statement the evaluator does not implement.
func maxLocal(blocks []*ir.Block) (int, error) {
	high := 0
	err := eachLocal(blocks, func(l ir.Local) { high = max(high, int(l)) })
	return high, err
}

// eachLocal calls use with every local the blocks' statements read or
// write, and fails on a statement the evaluator does not implement.
func eachLocal(blocks []*ir.Block, use func(ir.Local)) error {
	return walk(blocks, func(stmt ir.Stmt) error { return stmtLocals(stmt, use) })
}

// stmtLocals calls use with every local one statement reads or writes
// (not those of the blocks it holds).
func stmtLocals(stmt ir.Stmt, use func(ir.Local)) error {
	operand := func(os ...ir.Operand) {
		for _, o := range os {
			if l, ok := o.Value.(ir.Local); ok {
				use(l)
			}
		}
	}
	locals := func(ls ...ir.Local) {
		for _, l := range ls {
			use(l)
		}
	}
	switch s := stmt.(type) {
	case *ir.CallStmt:
		operand(s.Args...)
		locals(s.Result)
	case *call:
		operand(s.Args...)
		locals(s.Result)
	case *ir.DotStmt:
		operand(s.Source, s.Key)
		locals(s.Target)
	case *ir.AssignVarStmt:
		operand(s.Source)
		locals(s.Target)
	case *ir.AssignVarOnceStmt:
		operand(s.Source)
		locals(s.Target)
	case *ir.ScanStmt:
		locals(s.Source, s.Key, s.Value)
	case *ir.EqualStmt:
		operand(s.A, s.B)
	case *ir.NotEqualStmt:
		operand(s.A, s.B)
	case *ir.IsDefinedStmt:
		locals(s.Source)
	case *ir.IsUndefinedStmt:
		locals(s.Source)
	case *ir.ResetLocalStmt:
		locals(s.Target)
	case *ir.IsArrayStmt:
		operand(s.Source)
	case *ir.IsObjectStmt:
		operand(s.Source)
	case *ir.IsSetStmt:
		operand(s.Source)
	case *ir.LenStmt:
		operand(s.Source)
		locals(s.Target)
	case *ir.MakeNullStmt:
		locals(s.Target)
	case *ir.MakeNumberIntStmt:
		locals(s.Target)
	case *ir.AssignIntStmt:
		locals(s.Target)
	case *ir.MakeNumberRefStmt:
		locals(s.Target)
	case *ir.MakeArrayStmt:
		locals(s.Target)
	case *ir.MakeObjectStmt:
		locals(s.Target)
	case *ir.MakeSetStmt:
		locals(s.Target)
	case *ir.ArrayAppendStmt:
		operand(s.Value)
		locals(s.Array)
	case *ir.ObjectInsertStmt:
		operand(s.Key, s.Value)
		locals(s.Object)
	case *ir.ObjectInsertOnceStmt:
		operand(s.Key, s.Value)
		locals(s.Object)
	case *ir.ObjectMergeStmt:
		locals(s.A, s.B, s.Target)
	case *ir.SetAddStmt:
		operand(s.Value)
		locals(s.Set)
	case *ir.ResultSetAddStmt:
		locals(s.Value)
	case *ir.ReturnLocalStmt:
		locals(s.Source)
	case *ir.BlockStmt, *ir.BreakStmt, *ir.NotStmt, *ir.NopStmt:
	default:
		return fmt.Errorf("unsupported statement %T", stmt)
	}
	return nil
}

func decodePolicy(raw []byte, p *ir.Policy) error {
	if err := json.Unmarshal(raw, p); err != nil {
		return fmt.Errorf("reading the plan: %w", err)
	}
	return eachBody(p, func(blocks []*ir.Block) error { return walk(blocks, normalise) })
}

// normalise turns the pointer operands that decoding a JSON plan yields
// (*ir.Local, *ir.StringIndex, *ir.Bool) into the values the planner
// produces, so the evaluator switches on one form.
func normalise(stmt ir.Stmt) error {
	var ops []*ir.Operand
	switch s := stmt.(type) {
	case *ir.CallStmt:
		for i := range s.Args {
			ops = append(ops, &s.Args[i])
		}
	case *ir.DotStmt:
		ops = append(ops, &s.Source, &s.Key)
	case *ir.AssignVarStmt:
		ops = append(ops, &s.Source)
	case *ir.AssignVarOnceStmt:
		ops = append(ops, &s.Source)
	case *ir.EqualStmt:
		ops = append(ops, &s.A, &s.B)
	case *ir.NotEqualStmt:
		ops = append(ops, &s.A, &s.B)
	case *ir.IsArrayStmt:
		ops = append(ops, &s.Source)
	case *ir.IsObjectStmt:
		ops = append(ops, &s.Source)
	case *ir.IsSetStmt:
		ops = append(ops, &s.Source)
	case *ir.LenStmt:
		ops = append(ops, &s.Source)
	case *ir.ArrayAppendStmt:
		ops = append(ops, &s.Value)
	case *ir.ObjectInsertStmt:
		ops = append(ops, &s.Key, &s.Value)
	case *ir.ObjectInsertOnceStmt:
		ops = append(ops, &s.Key, &s.Value)
	case *ir.SetAddStmt:
		ops = append(ops, &s.Value)
	}
	for _, o := range ops {
		switch v := o.Value.(type) {
		case *ir.Local:
			o.Value = *v
		case *ir.StringIndex:
			o.Value = *v
		case *ir.Bool:
			o.Value = *v
		case ir.Local, ir.StringIndex, ir.Bool:
		default:
			return fmt.Errorf("%T: operand of type %T", stmt, o.Value)
		}
	}
	return nil
}
