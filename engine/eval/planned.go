package eval

import (
	"context"
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/ir"

	"github.com/shipshape-dev/shipshape/engine/ireval"
	"github.com/shipshape-dev/shipshape/engine/policy"
)

// PlanLibrary plans every control of lib (its violation and applies rules)
// for the planned evaluator.
func PlanLibrary(ctx context.Context, lib *policy.Library) (*ir.Policy, error) {
	mods, err := lib.EvaluatedModules()
	if err != nil {
		return nil, err
	}
	return ireval.Plan(ctx, mods, Entrypoints(lib.Controls()))
}

// CompileLibrary plans lib and loads the plan, for WithProgram.
func CompileLibrary(ctx context.Context, lib *policy.Library) (*ireval.Program, error) {
	p, err := PlanLibrary(ctx, lib)
	if err != nil {
		return nil, err
	}
	return ireval.New(p)
}

// planned reports whether the program has every entrypoint the bindings
// need.
func (e *Evaluator) planned() bool {
	for _, b := range e.bindings {
		for _, ep := range Entrypoints([]*policy.Control{b.Control}) {
			if !e.program.Has(ep) {
				return false
			}
		}
	}
	return true
}

// judgePlanned evaluates the selected bindings with the program. A control
// that fails is reported and the others still judge.
func (e *Evaluator) judgePlanned(ctx context.Context, j *Judgement, selected []int) {
	in, err := reviewInput(j.Object, j.Old)
	if err != nil {
		j.Errors = append(j.Errors, &ControlError{Control: "*", Source: j.Object.Source, Err: err})
		return
	}
	ev, _ := e.evaluations.Get().(*ireval.Evaluation)
	if ev == nil {
		ev = e.program.NewEvaluation(ctx, in, e.data)
	} else {
		ev.Reset(ctx, in)
	}
	defer e.evaluations.Put(ev)
	var notApplicable []string
	for _, i := range selected {
		c := e.bindings[i].Control
		findings, applies, err := judgeControl(ev, c)
		if err != nil {
			j.Errors = append(j.Errors, &ControlError{Control: c.ID, Source: j.Object.Source, Err: err})
			continue
		}
		if !applies && len(findings) == 0 {
			notApplicable = append(notApplicable, c.ID)
		}
		j.Findings = append(j.Findings, findings...)
	}
	j.Judged = withoutIDs(j.Judged, notApplicable)
	j.NotApplicable = notApplicable
	sortFindings(j.Findings)
}

// judgeControl returns a control's findings and whether its applies rule,
// if it has one, holds.
func judgeControl(ev *ireval.Evaluation, c *policy.Control) ([]Finding, bool, error) {
	results, err := ev.Eval(violationEntrypoint(c))
	if err != nil {
		return nil, false, err
	}
	var findings []Finding
	for _, r := range results {
		set, ok := r.Value.(ast.Set)
		if !ok {
			return nil, false, fmt.Errorf("violation is %s, not a set", ast.ValueName(r.Value))
		}
		v, err := ast.JSONWithOpt(set, ast.JSONOpt{SortSets: true})
		if err != nil {
			return nil, false, err
		}
		for _, x := range v.([]any) {
			f, err := newFinding(c, x)
			if err != nil {
				return nil, false, err
			}
			findings = append(findings, f)
		}
	}
	if !c.Applicability {
		return findings, true, nil
	}
	results, err = ev.Eval(appliesEntrypoint(c))
	if err != nil {
		return nil, false, err
	}
	applies := false
	for _, r := range results {
		applies = applies || !ast.Boolean(false).Equal(r.Value)
	}
	return findings, applies, nil
}

// Planned reports whether the evaluator runs the library's plan rather
// than OPA's evaluator.
func (e *Evaluator) Planned() bool { return e.program != nil }
