// Package casetest runs the table-driven policy tests that sit beside every
// control in cases.yaml. Each case gives an object (inline, as YAML text, or
// a file), optional parameters and inventory, and the expected verdict. Case
// objects go through the same loader and evaluator as `shipshape scan`, so a
// case proves what a scan would report.
package casetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/topdown"

	"github.com/shipshape-dev/shipshape/engine/eval"
	"github.com/shipshape-dev/shipshape/engine/evidence"
	"github.com/shipshape-dev/shipshape/engine/input"
	"github.com/shipshape-dev/shipshape/engine/internal/parallel"
	"github.com/shipshape-dev/shipshape/engine/ireval"
	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/engine/schema"
)

// CasesFile is the file beside policy.rego that holds a control's cases.
const CasesFile = "cases.yaml"

// Schema is cases.yaml's JSON Schema, reflected from Case (published as
// docs/schema/cases.schema.json).
func Schema() (map[string]any, error) {
	finding, err := schema.Reflect(reflect.TypeOf(ExpectedFinding{}), nil)
	if err != nil {
		return nil, err
	}
	finding["required"] = []any{"line", "field"}
	expect := map[string]any{
		"description": "The verdict: allow, not-applicable, {violations: N or [message parts]}, or {findings: [{line, field, message}]}.",
		"oneOf": []any{
			map[string]any{"enum": []any{"allow", "not-applicable"}},
			map[string]any{
				"type": "object", "additionalProperties": false, "required": []any{"violations"},
				"properties": map[string]any{"violations": map[string]any{
					"description": "How many violations, or one substring per violation's message.",
					"oneOf": []any{
						map[string]any{"type": "integer", "minimum": 1},
						map[string]any{"type": "array", "minItems": 1, "items": map[string]any{"type": "string", "minLength": 1}},
					},
				}},
			},
			map[string]any{
				"type": "object", "additionalProperties": false, "required": []any{"findings"},
				"properties": map[string]any{"findings": map[string]any{
					"description": "One entry per violation, with the line a scan reports and the field path.",
					"type":        "array", "minItems": 1, "items": finding,
				}},
			},
		},
	}
	item, err := schema.Reflect(reflect.TypeOf(Case{}), map[string]any{"expect": expect})
	if err != nil {
		return nil, err
	}
	return map[string]any{"type": "array", "minItems": 1, "items": item}, nil
}

// Case is one entry of cases.yaml.
type Case struct {
	Name string `json:"name" schema:"required;minLength=1;description=What the case shows; unique in the file (shipshape test --run matches it)."`
	// Object is an inline mapping or a YAML stream as text.
	Object any `json:"object,omitempty" schema:"type=object|string;description=The object judged: a mapping, or YAML text (one or more documents)."`
	// File is a manifest path relative to the control's folder.
	File string `json:"file,omitempty" schema:"minLength=1;description=A manifest beside cases.yaml, judged instead of object."`
	// OldObject makes the case an UPDATE from it to the object.
	OldObject  any             `json:"oldObject,omitempty" schema:"type=object|string;description=The object before the change: the case is judged as an admission UPDATE from it (controls with custom.operations [UPDATE] need one)."`
	Parameters map[string]any  `json:"parameters,omitempty" schema:"description=The control's parameters for this case, over its defaults."`
	Inventory  []any           `json:"inventory,omitempty" schema:"items.type=object|string;description=Other objects the control sees in data.inventory ({file: path} or {evidence: path} name fixture files)."`
	Expect     json.RawMessage `json:"expect" schema:"required;ref=expect"`
	// Expectation is Expect, parsed.
	Expectation Expectation `json:"-"`
	// Line is where the case starts in cases.yaml.
	Line int `json:"-"`
}

// Expectation is a case's expected verdict.
type Expectation struct {
	// Allow expects no violation.
	Allow bool
	// NotApplicable expects no violation because the control's applies
	// rule says the object is not its to judge (it is reported as not
	// evaluated, never as a pass).
	NotApplicable bool
	// Count expects exactly this many violations (when Messages is empty).
	Count int
	// Messages expects one violation per entry, each containing the entry.
	Messages []string
	// Findings expects one violation per entry, each at the entry's line
	// and field path (and containing its message, when given).
	Findings []ExpectedFinding
}

// ExpectedFinding is where a case expects a finding: the line a scan
// reports and the field path from the object's root.
type ExpectedFinding struct {
	Line    int    `json:"line" schema:"minimum=1;description=The line a scan reports, counted in the object's text."`
	Field   string `json:"field" schema:"description=The field path from the object's root (spec.containers[0].image)."`
	Message string `json:"message,omitempty" schema:"minLength=1;description=A substring of the message."`
}

func (f ExpectedFinding) String() string {
	s := fmt.Sprintf("line %d, field %s", f.Line, f.Field)
	if f.Message != "" {
		s += fmt.Sprintf(", message containing %q", f.Message)
	}
	return s
}

// Locates reports whether the expectation asserts lines and field paths.
func (e Expectation) Locates() bool { return len(e.Findings) > 0 }

func (e Expectation) String() string {
	switch {
	case e.NotApplicable:
		return "not-applicable"
	case e.Allow:
		return "allow"
	case len(e.Findings) > 0:
		return fmt.Sprintf("%d violation(s) located at %v", len(e.Findings), e.Findings)
	case len(e.Messages) > 0:
		return fmt.Sprintf("%d violation(s) matching %q", len(e.Messages), e.Messages)
	}
	return fmt.Sprintf("%d violation(s)", e.Count)
}

func parseExpectation(raw json.RawMessage) (Expectation, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		switch s {
		case "allow":
			return Expectation{Allow: true}, nil
		case "not-applicable":
			return Expectation{Allow: true, NotApplicable: true}, nil
		}
		return Expectation{}, fmt.Errorf("%q: want allow, not-applicable or {violations: ...} or {findings: ...}", s)
	}
	var v struct {
		Violations json.RawMessage   `json:"violations"`
		Findings   []ExpectedFinding `json:"findings"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return Expectation{}, err
	}
	if len(v.Findings) > 0 {
		return Expectation{Count: len(v.Findings), Findings: v.Findings}, nil
	}
	var n int
	if err := json.Unmarshal(v.Violations, &n); err == nil {
		return Expectation{Count: n}, nil
	}
	var msgs []string
	if err := json.Unmarshal(v.Violations, &msgs); err != nil {
		return Expectation{}, err
	}
	return Expectation{Count: len(msgs), Messages: msgs}, nil
}

// Outcome is the result of one case.
type Outcome struct {
	Case   string
	Line   int
	Expect Expectation
	Passed bool
	// Problem says why the case failed.
	Problem string
	// Messages are the violations the control reported.
	Messages []string
	// Located are the violations with the line and field path a scan
	// reports for them.
	Located []LocatedFinding
}

// LocatedFinding is a reported violation with its line and field path.
type LocatedFinding struct {
	Line    int
	Field   string
	Message string
}

func (f LocatedFinding) String() string {
	return fmt.Sprintf("line %d, field %s: %s", f.Line, f.Field, f.Message)
}

// ControlResult gathers one control's cases.
type ControlResult struct {
	Control *policy.Control
	// File is the display path of cases.yaml.
	File     string
	Outcomes []Outcome
	// Err is a problem with the cases file itself.
	Err error
}

// Passed reports whether the file loaded and every case passed.
func (r ControlResult) Passed() bool {
	if r.Err != nil {
		return false
	}
	for _, o := range r.Outcomes {
		if !o.Passed {
			return false
		}
	}
	return true
}

// Options tunes a run.
type Options struct {
	// Run, when set, keeps only cases whose "CONTROL/case name" matches.
	Run *regexp.Regexp
	// Tracer observes every evaluation (for coverage); it must be safe for
	// concurrent use.
	Tracer topdown.QueryTracer
	// Workers bounds how many controls run at once (GOMAXPROCS when zero).
	Workers int
	// Program, when set, evaluates the cases with the library's plan
	// (eval.WithProgram) instead of OPA's evaluator.
	Program *ireval.Program
}

// Run runs the cases of every control in the library, in ID order.
func Run(ctx context.Context, lib *policy.Library, opts Options) ([]ControlResult, error) {
	s, err := compiledSchema()
	if err != nil {
		return nil, err
	}
	controls := lib.Controls()
	results := make([]ControlResult, len(controls))
	err = parallel.ForEach(ctx, len(controls), opts.Workers, func(i int) {
		results[i] = runControl(ctx, lib, s, controls[i], opts)
	})
	return results, err
}

// Cases reads and checks a control's cases.yaml: the schema, unique case
// names, and at least one allowed and one denied case.
func Cases(c *policy.Control) ([]Case, error) {
	s, err := compiledSchema()
	if err != nil {
		return nil, err
	}
	return loadCases(s, c)
}

func compiledSchema() (*schema.Schema, error) {
	doc, err := Schema()
	if err != nil {
		return nil, err
	}
	return schema.Compile("cases.json", doc)
}

// CasesPath is the display path of a control's cases.yaml.
func CasesPath(c *policy.Control) string { return path.Join(path.Dir(c.File), CasesFile) }

func loadCases(s *schema.Schema, c *policy.Control) ([]Case, error) {
	display := CasesPath(c)
	data, err := fs.ReadFile(c.FS(), path.Join(c.Dir(), CasesFile))
	if err != nil {
		return nil, fmt.Errorf("%s: every control needs a %s with allowed and denied cases: %w", display, CasesFile, err)
	}
	var cases []Case
	doc, err := schema.DecodeFile(display, data, s, &cases)
	if err != nil {
		return nil, err
	}
	seen := map[string]int{}
	allows, denies := 0, 0
	for i := range cases {
		tc := &cases[i]
		tc.Line = doc.Line([]any{i})
		if first, dup := seen[tc.Name]; dup {
			return nil, fmt.Errorf("%s:%d: case name %q is already used on line %d", display, tc.Line, tc.Name, first)
		}
		seen[tc.Name] = tc.Line
		expect, err := parseExpectation(tc.Expect)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: case %q: expect: %w", display, tc.Line, tc.Name, err)
		}
		tc.Expectation = expect
		for _, key := range c.UnknownParameters(tc.Parameters) {
			// A misspelt parameter would leave the case testing the
			// default, silently.
			field := []any{i, "parameters", key}
			return nil, fmt.Errorf("%s:%d: case %q: parameters.%s: %w", display, doc.Line(field), tc.Name, key, c.UnknownParameterError(key))
		}
		if expect.Allow {
			allows++
		} else {
			denies++
		}
	}
	if allows == 0 || denies == 0 {
		return nil, fmt.Errorf("%s: needs at least one allowed and one denied case (has %d allowed, %d denied)", display, allows, denies)
	}
	return cases, nil
}

func runControl(ctx context.Context, lib *policy.Library, s *schema.Schema, c *policy.Control, opts Options) ControlResult {
	res := ControlResult{Control: c, File: CasesPath(c)}
	cases, err := loadCases(s, c)
	if err != nil {
		res.Err = err
		return res
	}
	for _, tc := range cases {
		if opts.Run != nil && !opts.Run.MatchString(c.ID+"/"+tc.Name) {
			continue
		}
		res.Outcomes = append(res.Outcomes, runCase(ctx, lib, c, tc, opts))
	}
	return res
}

func runCase(ctx context.Context, lib *policy.Library, c *policy.Control, tc Case, opts Options) Outcome {
	expect := tc.Expectation
	o := Outcome{Case: tc.Name, Line: tc.Line, Expect: expect}
	fail := func(format string, args ...any) Outcome {
		o.Problem = fmt.Sprintf(format, args...)
		return o
	}
	objects, err := tc.Objects(c)
	if err != nil {
		return fail("%v", err)
	}
	inventory, err := tc.InventoryObjects(c)
	if err != nil {
		return fail("%v", err)
	}
	params := tc.ResolvedParameters(c)
	evalOpts := []eval.Option{eval.WithInventory(inventory)}
	if opts.Tracer != nil {
		evalOpts = append(evalOpts, eval.WithTracer(opts.Tracer))
	}
	if opts.Program != nil {
		evalOpts = append(evalOpts, eval.WithProgram(opts.Program))
	}
	ev, err := eval.New(lib, []eval.Binding{{Control: c, Parameters: params}}, evalOpts...)
	if err != nil {
		return fail("%v", err)
	}
	old, err := tc.OldObjects(c, len(objects))
	if err != nil {
		return fail("%v", err)
	}
	judged := false
	for i, obj := range objects {
		var j eval.Judgement
		if old != nil {
			j = ev.JudgeUpdate(ctx, obj, old[i])
		} else {
			j = ev.Judge(ctx, obj)
		}
		if len(j.Errors) > 0 {
			return fail("evaluation failed: %v", errors.Join(j.Errors...))
		}
		if expect.NotApplicable && !slices.Contains(j.NotApplicable, c.ID) {
			return fail("expected not-applicable, but %s judged %s %q (its kinds match and its applies rule, if any, holds)", c.ID, obj.Kind(), obj.Name())
		}
		if !expect.NotApplicable && slices.Contains(j.NotApplicable, c.ID) {
			// An object the applies rule leaves alone is reported as not
			// evaluated, never as a pass: the case must say so.
			return fail("%s does not judge %s %q (its applies rule does not hold): expect not-applicable", c.ID, obj.Kind(), obj.Name())
		}
		judged = judged || slices.Contains(j.Judged, c.ID) || slices.Contains(j.NotApplicable, c.ID)
		for _, f := range j.Findings {
			o.Messages = append(o.Messages, f.Message)
			o.Located = append(o.Located, Locate(obj, f))
		}
	}
	if !judged {
		// A case whose objects the control never looks at passes whatever
		// the control says: it proves nothing.
		return fail("%s judges none of the case's objects (%s): give it an object of a kind the control judges (%s), or move the others to inventory", c.ID, kindsOf(objects), kindList(c.Kinds))
	}
	switch {
	case expect.Allow && len(o.Messages) > 0:
		return fail("expected allow, got %d violation(s):\n%s", len(o.Messages), bullet(o.Messages))
	case !expect.Allow && len(o.Messages) != expect.Count:
		return fail("expected %s, got %d:\n%s", expect, len(o.Messages), bullet(o.Messages))
	case len(expect.Messages) > 0:
		if missing := unmatched(expect.Messages, o.Messages); len(missing) > 0 {
			return fail("no violation contains %q; got:\n%s", missing, bullet(o.Messages))
		}
	case len(expect.Findings) > 0:
		if missing := unmatchedFindings(expect.Findings, o.Located); len(missing) > 0 {
			got := make([]string, len(o.Located))
			for i, l := range o.Located {
				got[i] = l.String()
			}
			return fail("no violation at %v; got:\n%s", missing, bullet(got))
		}
	}
	o.Passed = true
	return o
}

// Locate gives a finding the line and field path a scan reports for it.
func Locate(obj *input.Object, f eval.Finding) LocatedFinding {
	return LocatedFinding{Line: obj.Locate(f.Field).Line, Field: input.FieldPath(f.Field), Message: f.Message}
}

// unmatchedFindings pairs each expected finding with a distinct reported
// one at the same line and field (and containing its message) and returns
// the expectations left without one.
func unmatchedFindings(want []ExpectedFinding, got []LocatedFinding) []ExpectedFinding {
	used := make([]bool, len(got))
	var missing []ExpectedFinding
	for _, w := range want {
		found := false
		for i, g := range got {
			if !used[i] && g.Line == w.Line && g.Field == w.Field && strings.Contains(g.Message, w.Message) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			missing = append(missing, w)
		}
	}
	return missing
}

// Objects returns the objects the case judges, read by the scan's loader.
func (tc Case) Objects(c *policy.Control) ([]*input.Object, error) {
	objs, err := caseObjects(c, tc.Name, tc.Object, tc.File)
	if err != nil {
		return nil, fmt.Errorf("object: %w", err)
	}
	return objs, nil
}

// OldObjects returns the case's old objects, one for each of its n
// objects, or nil when the case is not an update.
func (tc Case) OldObjects(c *policy.Control, n int) ([]*input.Object, error) {
	if tc.OldObject == nil {
		if c.UpdateOnly {
			return nil, fmt.Errorf("%s judges updates only: give the case an oldObject", c.ID)
		}
		return nil, nil
	}
	old, err := caseObjects(c, tc.Name+" oldObject", tc.OldObject, "")
	if err != nil {
		return nil, fmt.Errorf("oldObject: %w", err)
	}
	if len(old) != n {
		return nil, fmt.Errorf("oldObject holds %d object(s) for %d object(s): give one old object per object, in order", len(old), n)
	}
	return old, nil
}

// InventoryObjects returns the case's inventory.
func (tc Case) InventoryObjects(c *policy.Control) ([]*input.Object, error) {
	var inventory []*input.Object
	for i, item := range tc.Inventory {
		var file string
		if m, ok := item.(map[string]any); ok && len(m) == 1 {
			// {file: path} names a fixture file instead of an inline
			// object; {evidence: path} an image evidence file, read as
			// --evidence reads it.
			if f, ok := m["file"].(string); ok {
				item, file = nil, f
			}
			if f, ok := m["evidence"].(string); ok {
				objs, err := evidenceObjects(c, f)
				if err != nil {
					return nil, fmt.Errorf("inventory[%d]: %w", i, err)
				}
				inventory = append(inventory, objs...)
				continue
			}
		}
		objs, err := caseObjects(c, fmt.Sprintf("%s inventory[%d]", tc.Name, i), item, file)
		if err != nil {
			return nil, fmt.Errorf("inventory[%d]: %w", i, err)
		}
		inventory = append(inventory, objs...)
	}
	return inventory, nil
}

// ResolvedParameters returns the control's defaults overlaid with the
// case's parameters: what the control receives.
func (tc Case) ResolvedParameters(c *policy.Control) map[string]any {
	params := c.Defaults()
	for k, v := range tc.Parameters {
		params[k] = v
	}
	return params
}

// evidenceObjects reads an evidence fixture beside the control.
func evidenceObjects(c *policy.Control, file string) ([]*input.Object, error) {
	display := path.Join(path.Dir(c.File), file)
	data, err := fs.ReadFile(c.FS(), path.Join(c.Dir(), file))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", display, err)
	}
	return evidence.Parse(display, data)
}

// caseObjects turns a case's object (mapping or YAML text) or file into
// objects, through the same loader as a scan.
func caseObjects(c *policy.Control, name string, object any, file string) ([]*input.Object, error) {
	var (
		display string
		data    []byte
	)
	switch v := object.(type) {
	case nil:
		display = path.Join(path.Dir(c.File), file)
		if dir := path.Join(c.Dir(), file); input.IsTerraformModuleFS(c.FS(), dir) {
			// A folder of .tf files: a Terraform module read from
			// source, as a scan reads it.
			return fileObjects(input.ReadTerraformFS(c.FS(), dir))
		}
		if input.IsBicep(file) {
			// A .bicep or .bicepparam file: read from source with its
			// modules, as a scan reads it.
			return fileObjects(input.ReadBicepFS(c.FS(), path.Join(c.Dir(), file)))
		}
		b, err := fs.ReadFile(c.FS(), path.Join(c.Dir(), file))
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", display, err)
		}
		data = b
	case string:
		display, data = "case "+name, []byte(v)
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		display, data = "case "+name, b
	}
	return fileObjects(input.ParseBytes(display, data))
}

// fileObjects are a read file's objects; a file that holds none, or that
// could not be read, is an error.
func fileObjects(f *input.File) ([]*input.Object, error) {
	if len(f.Errors) > 0 {
		return nil, errors.Join(f.Errors...)
	}
	if len(f.Objects) == 0 {
		reasons := make([]string, 0, len(f.Skipped))
		for _, s := range f.Skipped {
			reasons = append(reasons, s.Reason)
		}
		return nil, fmt.Errorf("holds no Kubernetes object (%s)", strings.Join(reasons, "; "))
	}
	return f.Objects, nil
}

// unmatched pairs each expected substring with a distinct message and
// returns the substrings left without one.
func unmatched(want, got []string) []string {
	owner := make([]int, len(got)) // message index → want index+1
	var try func(w int, seen []bool) bool
	try = func(w int, seen []bool) bool {
		for m, msg := range got {
			if seen[m] || !strings.Contains(msg, want[w]) {
				continue
			}
			seen[m] = true
			if owner[m] == 0 || try(owner[m]-1, seen) {
				owner[m] = w + 1
				return true
			}
		}
		return false
	}
	var missing []string
	for w := range want {
		if !try(w, make([]bool, len(got))) {
			missing = append(missing, want[w])
		}
	}
	return missing
}

func bullet(msgs []string) string {
	if len(msgs) == 0 {
		return "  (none)"
	}
	return "  - " + strings.Join(msgs, "\n  - ")
}

// SchemaExtras: a case gives its object inline or as a file, not both.
func (Case) SchemaExtras() map[string]any {
	return map[string]any{"oneOf": []any{
		map[string]any{"required": []any{"object"}},
		map[string]any{"required": []any{"file"}},
	}}
}

// kindsOf lists the objects' kinds for a message.
func kindsOf(objects []*input.Object) string {
	kinds := make([]string, len(objects))
	for i, o := range objects {
		kinds[i] = o.Kind()
	}
	return strings.Join(kinds, ", ")
}

// kindList lists a control's kinds for a message.
func kindList(kinds []policy.Kind) string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = k.String()
	}
	return strings.Join(out, ", ")
}
