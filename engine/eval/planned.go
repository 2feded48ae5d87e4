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
		findings, applies, err := judgeControl(ev, c, e.entrypoints[i])
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
// if it has one, holds. ep are the control's plan entrypoints.
func judgeControl(ev *ireval.Evaluation, c *policy.Control, ep entrypoints) ([]Finding, bool, error) {
	results, err := ev.Eval(ep.violation)
	if err != nil {
		return nil, false, err
	}
	var findings []Finding
	for _, r := range results {
		set, ok := r.Value.(ast.Set)
		if !ok {
			return nil, false, fmt.Errorf("violation is %s, not a set", ast.ValueName(r.Value))
		}
		// In the order JSON with sorted sets gives, as topdown's results.
		sorted := set.Sorted()
		for i := range sorted.Len() {
			f, err := findingOf(c, sorted.Elem(i).Value)
			if err != nil {
				return nil, false, err
			}
			findings = append(findings, f)
		}
	}
	if !c.Applicability {
		return findings, true, nil
	}
	results, err = ev.Eval(ep.applies)
	if err != nil {
		return nil, false, err
	}
	applies := false
	for _, r := range results {
		applies = applies || !ast.Boolean(false).Equal(r.Value)
	}
	return findings, applies, nil
}

// findingOf reads a violation of the plan's result as newFinding reads
// topdown's, converting only its details to Go values.
func findingOf(c *policy.Control, v ast.Value) (Finding, error) {
	obj, ok := v.(ast.Object)
	if !ok {
		return Finding{}, fmt.Errorf("control %s: violation %v is not an object with msg and details", c.ID, v)
	}
	msg, ok := termValue(obj, "msg").(ast.String)
	if !ok {
		return Finding{}, fmt.Errorf("control %s: violation has no string msg", c.ID)
	}
	f := Finding{Control: c, Message: string(msg)}
	if d, ok := termValue(obj, "details").(ast.Object); ok {
		details, err := ast.JSONWithOpt(d, ast.JSONOpt{SortSets: true})
		if err != nil {
			return Finding{}, err
		}
		f.Details = details.(map[string]any)
		if field, ok := f.Details["field"].([]any); ok {
			f.Field = field
		}
	}
	return f, nil
}

// termValue is obj[key]'s value, nil when obj has no such key.
func termValue(obj ast.Object, key string) ast.Value {
	if t := obj.Get(ast.InternedTerm(key)); t != nil {
		return t.Value
	}
	return nil
}

// Planned reports whether the evaluator runs the library's plan rather
// than OPA's evaluator.
func (e *Evaluator) Planned() bool { return e.program != nil }
