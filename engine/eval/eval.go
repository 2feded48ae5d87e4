// Package eval judges objects with the library's controls the way
// Gatekeeper does: each object becomes an admission-style input
// (input.review, input.parameters), referential controls read
// data.inventory in Gatekeeper's sync layout, and every control that
// applies to an object's kind runs in one prepared query.
package eval

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/topdown"

	"github.com/shipshape-dev/shipshape/engine/input"
	"github.com/shipshape-dev/shipshape/engine/internal/parallel"
	"github.com/shipshape-dev/shipshape/engine/ireval"
	"github.com/shipshape-dev/shipshape/engine/policy"
)

// Binding is a control chosen for evaluation with its parameters.
type Binding struct {
	Control    *policy.Control
	Parameters map[string]any
	// ExcludedNamespaces are namespaces whose objects this control does not
	// judge (Gatekeeper's match.excludedNamespaces).
	ExcludedNamespaces []string
}

// Excludes reports whether the binding skips objects in namespace ns.
// Patterns follow Gatekeeper's: "kube-*" matches a prefix, "*-system" a
// suffix, "*mid*" a substring; anything else matches exactly.
func (b Binding) Excludes(ns string) bool {
	return ns != "" && slices.ContainsFunc(b.ExcludedNamespaces, func(pattern string) bool {
		return NamespaceMatches(pattern, ns)
	})
}

// NamespaceMatches reports whether namespace ns matches a Gatekeeper
// namespace pattern.
func NamespaceMatches(pattern, ns string) bool {
	prefix, suffix := strings.HasPrefix(pattern, "*"), strings.HasSuffix(pattern, "*")
	switch {
	case prefix && suffix:
		return strings.Contains(ns, strings.TrimSuffix(strings.TrimPrefix(pattern, "*"), "*"))
	case prefix:
		return strings.HasSuffix(ns, strings.TrimPrefix(pattern, "*"))
	case suffix:
		return strings.HasPrefix(ns, strings.TrimSuffix(pattern, "*"))
	}
	return pattern == ns
}

// Finding is one violation a control reported for an object.
type Finding struct {
	Control *policy.Control
	Message string
	// Details is the violation's details object.
	Details map[string]any
	// Field is details.field: the path of the offending field inside the
	// object, nil when the control gave none.
	Field []any
}

// Judgement is what the evaluator concluded about one object.
type Judgement struct {
	Object *input.Object
	// Old is the object before the change when the judgement is of an
	// update (JudgeUpdate); nil for the creation every scan judges.
	Old      *input.Object
	Findings []Finding
	// Judged lists the IDs of the controls that judged the object: their
	// kinds match, and their `applies` rule, if they have one, holds.
	Judged []string
	// Excluded lists the IDs of controls that match the object's kind but
	// skip its namespace.
	Excluded []string
	// NotApplicable lists the IDs of controls that match the object's kind
	// but whose `applies` rule says the object is not theirs to judge.
	NotApplicable []string
	// Errors holds controls that failed on this object.
	Errors []error
}

// ControlError is a control that failed while judging an object.
type ControlError struct {
	Control string
	Source  input.Source
	Err     error
}

func (e *ControlError) Error() string {
	return fmt.Sprintf("%s: control %s failed: %v", e.Source, e.Control, e.Err)
}

func (e *ControlError) Unwrap() error { return e.Err }

// Evaluator judges objects against a fixed set of bindings. It is safe for
// concurrent use.
type Evaluator struct {
	lib      *policy.Library
	bindings []Binding
	store    storage.Store
	tracer   topdown.QueryTracer
	// inventory is data.inventory (Gatekeeper's sync layout), built from
	// inventoryObjects.
	inventory        map[string]any
	inventoryObjects []*input.Object

	mu      sync.Mutex
	queries map[string]*query

	// program, when set, evaluates the bindings' controls in place of
	// OPA's evaluator (see WithProgram); data is the data document it reads.
	program *ireval.Program
	data    ast.Value
	// entrypoints are each binding's plan entrypoints, by binding.
	entrypoints []entrypoints
	// evaluations are the program's evaluations, reused object after
	// object.
	evaluations sync.Pool
}

// Option configures an Evaluator.
type Option func(*Evaluator)

// WithInventory provides the objects referential controls see under
// data.inventory. Only the types the bindings' controls declare in
// custom.sync are kept, as Gatekeeper replicates only those: a control that
// reads an undeclared type sees none, at admission and offline alike.
func WithInventory(objects []*input.Object) Option {
	return func(e *Evaluator) { e.inventoryObjects = objects }
}

// WithTracer traces every evaluation (for coverage).
func WithTracer(t topdown.QueryTracer) Option {
	return func(e *Evaluator) { e.tracer = t }
}

// WithProgram evaluates the controls with a plan of the library
// (engine/ireval) instead of OPA's topdown evaluator, when the plan has
// every binding's entrypoints and no tracer is asked for. Verdicts are the
// same: a differential test holds the two to it.
func WithProgram(p *ireval.Program) Option {
	return func(e *Evaluator) { e.program = p }
}

// Entrypoints returns the plan entrypoints that evaluate the controls: each
// one's violation set and, for controls that have one, its applies rule.
func Entrypoints(controls []*policy.Control) []string {
	var out []string
	for _, c := range controls {
		out = append(out, violationEntrypoint(c))
		if c.Applicability {
			out = append(out, appliesEntrypoint(c))
		}
	}
	return out
}

// entrypoints are a control's plan entrypoints, named once rather than for
// every object.
type entrypoints struct{ violation, applies string }

func violationEntrypoint(c *policy.Control) string {
	return strings.ReplaceAll(c.Package, ".", "/") + "/violation"
}

func appliesEntrypoint(c *policy.Control) string {
	return strings.ReplaceAll(c.Package, ".", "/") + "/applies"
}

// New prepares an evaluator. Parameters are validated against each
// control's schema.
func New(lib *policy.Library, bindings []Binding, opts ...Option) (*Evaluator, error) {
	e := &Evaluator{lib: lib, bindings: slices.Clone(bindings), queries: map[string]*query{}}
	for _, o := range opts {
		o(e)
	}
	e.inventory = Inventory(TypesRead(e.bindings).Keep(e.inventoryObjects))
	e.inventoryObjects = nil
	var errs []error
	params := map[string]any{}
	for _, b := range e.bindings {
		if err := b.Control.ValidateParameters(b.Parameters); err != nil {
			errs = append(errs, err)
		}
		p := b.Parameters
		if p == nil {
			p = map[string]any{}
		}
		params[b.Control.ID] = p
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	// Parameters are data, not a `with` on input: see policy.ParametersRoot.
	data := map[string]any{"inventory": e.inventory, policy.ParametersRoot: params}
	if e.program != nil && (e.tracer != nil || !e.planned()) {
		e.program = nil
	}
	if e.program == nil {
		e.store = inmem.NewFromObjectWithOpts(data, inmem.OptReturnASTValuesOnRead(true), inmem.OptRoundTripOnWrite(false))
		return e, nil
	}
	for _, b := range e.bindings {
		e.entrypoints = append(e.entrypoints, entrypoints{violation: violationEntrypoint(b.Control), applies: appliesEntrypoint(b.Control)})
	}
	// The plan reads data as one value; a store would be a second copy of
	// the inventory that nothing reads.
	v, err := ast.InterfaceToValue(data)
	if err != nil {
		return nil, fmt.Errorf("data for the planned evaluator: %w", err)
	}
	e.data = v
	return e, nil
}

// Bindings returns the evaluator's bindings.
func (e *Evaluator) Bindings() []Binding { return slices.Clone(e.bindings) }

// NeedsInventory reports whether any binding reads data.inventory.
func NeedsInventory(bindings []Binding) bool {
	return slices.ContainsFunc(bindings, func(b Binding) bool { return b.Control.Referential })
}

// Judge evaluates every applicable control against one object. An Azure
// object whose settings are template parameters with allowedValues is also
// judged for each other allowed value (judgeChoices).
func (e *Evaluator) Judge(ctx context.Context, obj *input.Object) Judgement {
	j := e.judge(ctx, obj, nil)
	e.judgeChoices(ctx, &j)
	return j
}

// JudgeUpdate judges a change of old into obj, as admission reviews an
// UPDATE: every control that judges obj, and the controls that judge the
// change itself (custom.operations: [UPDATE]), which read old.
func (e *Evaluator) JudgeUpdate(ctx context.Context, obj, old *input.Object) Judgement {
	return e.judge(ctx, obj, old)
}

func (e *Evaluator) judge(ctx context.Context, obj, old *input.Object) Judgement {
	j := Judgement{Object: obj, Old: old}
	ns := obj.EffectiveNamespace()
	if obj.Kind() == "Namespace" && obj.Group() == "" {
		ns = obj.Name() // Gatekeeper matches a Namespace by its own name
	}
	var selected []int
	for i, b := range e.bindings {
		if !b.Control.Matches(obj.Group(), obj.Kind()) {
			continue
		}
		if b.Control.UpdateOnly && old == nil {
			// A creation has no old object: such a control is the
			// scan's to list as not evaluated, not a pass.
			continue
		}
		if b.Excludes(ns) {
			j.Excluded = append(j.Excluded, b.Control.ID)
			continue
		}
		selected = append(selected, i)
		j.Judged = append(j.Judged, b.Control.ID)
	}
	if len(selected) == 0 {
		return j
	}
	if e.program != nil {
		e.judgePlanned(ctx, &j, selected)
		return j
	}
	q, err := e.query(ctx, selected)
	if err != nil {
		j.Errors = append(j.Errors, err)
		return j
	}
	in, err := reviewInput(obj, old)
	if err != nil {
		j.Errors = append(j.Errors, &ControlError{Control: "*", Source: obj.Source, Err: err})
		return j
	}
	findings, notApplicable, err := q.run(ctx, in, e.tracer)
	if err == nil {
		j.Findings = findings
		j.Judged = withoutIDs(j.Judged, notApplicable)
		j.NotApplicable = notApplicable
		return j
	}
	// Isolate the failing control so the others still report.
	notApplicable = nil
	for _, i := range selected {
		single, qerr := e.query(ctx, []int{i})
		if qerr != nil {
			j.Errors = append(j.Errors, qerr)
			continue
		}
		f, na, ferr := single.run(ctx, in, e.tracer)
		if ferr != nil {
			j.Errors = append(j.Errors, &ControlError{Control: e.bindings[i].Control.ID, Source: obj.Source, Err: ferr})
			continue
		}
		j.Findings = append(j.Findings, f...)
		notApplicable = append(notApplicable, na...)
	}
	j.Judged = withoutIDs(j.Judged, notApplicable)
	j.NotApplicable = notApplicable
	sortFindings(j.Findings)
	return j
}

func withoutIDs(ids, drop []string) []string {
	return slices.DeleteFunc(ids, func(id string) bool { return slices.Contains(drop, id) })
}

// query returns the prepared query that evaluates the given bindings,
// building it on first use.
func (e *Evaluator) query(ctx context.Context, selected []int) (*query, error) {
	key := fmt.Sprint(selected)
	e.mu.Lock()
	defer e.mu.Unlock()
	if q, ok := e.queries[key]; ok {
		return q, nil
	}
	q, err := prepare(ctx, e.lib, e.store, e.bindings, selected)
	if err != nil {
		return nil, err
	}
	e.queries[key] = q
	return q, nil
}

// query is one prepared evaluation of several controls; variable xN holds
// the violation set of controls[N].
type query struct {
	prepared rego.PreparedEvalQuery
	controls []*policy.Control
}

func prepare(ctx context.Context, lib *policy.Library, store storage.Store, bindings []Binding, selected []int) (*query, error) {
	var body []string
	q := &query{}
	for n, i := range selected {
		b := bindings[i]
		body = append(body, fmt.Sprintf("x%d := %s", n, b.Control.ViolationRef()))
		if b.Control.Applicability {
			// A comprehension, so an undefined `applies` does not make the
			// whole query undefined.
			body = append(body, fmt.Sprintf("a%d := [1 | data.%s.applies]", n, b.Control.Package))
		}
		q.controls = append(q.controls, b.Control)
	}
	parsed, err := ast.ParseBody(strings.Join(body, "; "))
	if err != nil {
		return nil, fmt.Errorf("building query: %w", err)
	}
	compiler, err := lib.Compiler()
	if err != nil {
		return nil, err
	}
	pq, err := rego.New(
		rego.ParsedQuery(parsed),
		rego.Compiler(compiler),
		rego.Store(store),
	).PrepareForEval(ctx)
	if err != nil {
		return nil, fmt.Errorf("preparing query: %w", err)
	}
	q.prepared = pq
	return q, nil
}

// run evaluates the query and returns the findings, and the IDs of the
// controls whose `applies` rule says the object is not theirs to judge.
func (q *query) run(ctx context.Context, in ast.Value, tracer topdown.QueryTracer) ([]Finding, []string, error) {
	opts := []rego.EvalOption{rego.EvalParsedInput(in)}
	if tracer != nil {
		opts = append(opts, rego.EvalQueryTracer(tracer))
	}
	rs, err := q.prepared.Eval(ctx, opts...)
	if err != nil {
		return nil, nil, err
	}
	if len(rs) != 1 {
		return nil, nil, fmt.Errorf("query returned %d results, want 1", len(rs))
	}
	var (
		findings      []Finding
		notApplicable []string
	)
	for n, c := range q.controls {
		set, ok := rs[0].Bindings[fmt.Sprintf("x%d", n)].([]any)
		if !ok {
			return nil, nil, fmt.Errorf("control %s: violation is not a set", c.ID)
		}
		for _, v := range set {
			f, err := newFinding(c, v)
			if err != nil {
				return nil, nil, err
			}
			findings = append(findings, f)
		}
		if applies, ok := rs[0].Bindings[fmt.Sprintf("a%d", n)].([]any); ok && len(applies) == 0 && len(set) == 0 {
			notApplicable = append(notApplicable, c.ID)
		}
	}
	sortFindings(findings)
	return findings, notApplicable, nil
}

func newFinding(c *policy.Control, v any) (Finding, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return Finding{}, fmt.Errorf("control %s: violation %v is not an object with msg and details", c.ID, v)
	}
	msg, ok := m["msg"].(string)
	if !ok {
		return Finding{}, fmt.Errorf("control %s: violation has no string msg", c.ID)
	}
	f := Finding{Control: c, Message: msg}
	if d, ok := m["details"].(map[string]any); ok {
		f.Details = d
		if field, ok := d["field"].([]any); ok {
			f.Field = field
		}
	}
	return f, nil
}

func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].Control.ID != fs[j].Control.ID {
			return fs[i].Control.ID < fs[j].Control.ID
		}
		return fs[i].Message < fs[j].Message
	})
}

// reviewInput builds Gatekeeper's input for an object: the admission
// review of a CREATE, or of an UPDATE from old when old is not nil. As in an
// admission request, review.namespace is where the object lands ("default"
// when a namespaced object names none).
func reviewInput(obj, old *input.Object) (ast.Value, error) {
	review := map[string]any{
		"kind": map[string]any{
			"group":   obj.Group(),
			"version": obj.Version(),
			"kind":    obj.Kind(),
		},
		"name":      obj.Name(),
		"namespace": obj.EffectiveNamespace(),
		"operation": "CREATE",
		"object":    obj.Value,
		"userInfo":  map[string]any{"username": "", "groups": []any{}},
	}
	if old != nil {
		review["operation"] = "UPDATE"
		review["oldObject"] = old.Value
	}
	return ast.InterfaceToValue(map[string]any{"review": review, "parameters": map[string]any{}})
}

// JudgeAll judges objects on the given number of workers and returns the
// judgements in input order. When ctx ends first, some objects were not
// judged: it returns ctx's error and no judgements.
func (e *Evaluator) JudgeAll(ctx context.Context, objects []*input.Object, workers int) ([]Judgement, error) {
	out := make([]Judgement, len(objects))
	if err := parallel.ForEach(ctx, len(objects), workers, func(i int) {
		out[i] = e.Judge(ctx, objects[i])
	}); err != nil {
		return nil, fmt.Errorf("judging %d objects: %w", len(objects), err)
	}
	return out, nil
}
