package export

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/shipshape-dev/shipshape/engine/casetest"
	"github.com/shipshape-dev/shipshape/engine/eval"
	"github.com/shipshape-dev/shipshape/engine/input"
	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/engine/profile"
)

// gator's Suite format (test.gatekeeper.sh/v1alpha1).
type (
	gatorSuite struct {
		APIVersion string      `yaml:"apiVersion"`
		Kind       string      `yaml:"kind"`
		Metadata   objectMeta  `yaml:"metadata"`
		Tests      []gatorTest `yaml:"tests"`
	}
	gatorTest struct {
		Name       string      `yaml:"name"`
		Template   string      `yaml:"template"`
		Constraint string      `yaml:"constraint"`
		Cases      []gatorCase `yaml:"cases"`
	}
	gatorCase struct {
		Name       string           `yaml:"name"`
		Object     string           `yaml:"object"`
		Inventory  []string         `yaml:"inventory,omitempty"`
		Assertions []gatorAssertion `yaml:"assertions"`
	}
	gatorAssertion struct {
		Violations any    `yaml:"violations"`
		Message    string `yaml:"message,omitempty"`
	}
)

// AdmissionCase is one object of a control's case as an admission
// controller receives it, with what the case expects.
type AdmissionCase struct {
	// Name is the case name, with the object's index when the case holds
	// several objects.
	Name string
	// Object is the object as the API server passes it to admission: a
	// namespaced object without a namespace lands in "default".
	Object map[string]any
	// Inventory holds the case's inventory objects that Gatekeeper would
	// replicate (the control's sync types), namespaced the same way.
	Inventory []map[string]any
	// Parameters are the control's defaults overlaid with the case's.
	Parameters map[string]any
	// Expect is the case's expectation when it holds one object; for the
	// objects of a multi-object case it is the offline engine's verdict
	// (Messages exact), which `shipshape test` has proven sums to the
	// case's expectation.
	Expect casetest.Expectation
	// Exact marks Expect.Messages as whole messages rather than substrings.
	Exact bool
	// Source is the object as the case gives it, and FullInventory the
	// whole inventory: what the offline engine judges.
	Source        *input.Object
	FullInventory []*input.Object
	// OldObject, when set, makes the case an UPDATE from it (OldSource as
	// the case gives it).
	OldObject map[string]any
	OldSource *input.Object
}

// AdmissionCases returns every case of an admission control, one entry per
// object.
func AdmissionCases(ctx context.Context, lib *policy.Library, c *policy.Control) ([]AdmissionCase, error) {
	cases, err := casetest.Cases(c)
	if err != nil {
		return nil, err
	}
	var out []AdmissionCase
	for _, tc := range cases {
		objs, err := tc.Objects(c)
		if err != nil {
			return nil, fmt.Errorf("%s case %q: %w", c.ID, tc.Name, err)
		}
		inv, err := tc.InventoryObjects(c)
		if err != nil {
			return nil, fmt.Errorf("%s case %q: %w", c.ID, tc.Name, err)
		}
		old, err := tc.OldObjects(c, len(objs))
		if err != nil {
			return nil, fmt.Errorf("%s case %q: %w", c.ID, tc.Name, err)
		}
		params := tc.ResolvedParameters(c)
		var synced []map[string]any
		for _, o := range inv {
			if syncs(c, o) {
				synced = append(synced, AdmissionObject(o))
			}
		}
		var ev *eval.Evaluator
		if len(objs) > 1 {
			if ev, err = eval.New(lib, []eval.Binding{{Control: c, Parameters: params}}, eval.WithInventory(inv)); err != nil {
				return nil, err
			}
		}
		for i, o := range objs {
			ac := AdmissionCase{
				Name: tc.Name, Object: AdmissionObject(o), Inventory: synced, Parameters: params, Expect: tc.Expectation,
				Source: o, FullInventory: inv,
			}
			if old != nil {
				ac.OldObject, ac.OldSource = AdmissionObject(old[i]), old[i]
			}
			if len(objs) > 1 {
				ac.Name = fmt.Sprintf("%s [%d]", tc.Name, i)
				j := ac.judge(ctx, ev)
				if len(j.Errors) > 0 {
					return nil, fmt.Errorf("%s case %q: %w", c.ID, ac.Name, errors.Join(j.Errors...))
				}
				ac.Expect, ac.Exact = casetest.Expectation{Allow: len(j.Findings) == 0, Count: len(j.Findings)}, true
				for _, f := range j.Findings {
					ac.Expect.Messages = append(ac.Expect.Messages, f.Message)
				}
			}
			out = append(out, ac)
			if ac.OldObject != nil && c.UpdateOnly {
				// The same object created rather than changed: a control
				// that judges changes must let it through.
				created := ac.Created()
				created.Name = ac.Name + " (created as it is)"
				created.Expect, created.Exact = casetest.Expectation{Allow: true}, true
				out = append(out, created)
			}
		}
	}
	return out, nil
}

// Created is the case's object judged as created rather than changed (the
// same case when it is not an update): what an entrypoint that sees one
// object must report.
func (ac AdmissionCase) Created() AdmissionCase {
	ac.OldObject, ac.OldSource = nil, nil
	return ac
}

// judge judges the case's object: as an update when it has an old object.
func (ac AdmissionCase) judge(ctx context.Context, ev *eval.Evaluator) eval.Judgement {
	if ac.OldSource != nil {
		return ev.JudgeUpdate(ctx, ac.Source, ac.OldSource)
	}
	return ev.Judge(ctx, ac.Source)
}

// Offline returns the messages the offline engine reports for the case's
// object with the case's parameters and whole inventory, sorted: the
// verdict every other enforcement point must reproduce.
func (ac AdmissionCase) Offline(ctx context.Context, lib *policy.Library, c *policy.Control, opts ...eval.Option) ([]string, error) {
	ev, err := eval.New(lib, []eval.Binding{{Control: c, Parameters: ac.Parameters}}, append(opts, eval.WithInventory(ac.FullInventory))...)
	if err != nil {
		return nil, err
	}
	j := ac.judge(ctx, ev)
	if len(j.Errors) > 0 {
		return nil, errors.Join(j.Errors...)
	}
	var msgs []string // nil when allowed
	for _, f := range j.Findings {
		msgs = append(msgs, f.Message)
	}
	sort.Strings(msgs)
	return msgs, nil
}

// syncs reports whether Gatekeeper replicates o for control c. The library
// looks objects up by group and kind whatever their version, and the API
// server serves every version, so the version does not matter.
func syncs(c *policy.Control, o *input.Object) bool {
	for _, t := range c.Sync {
		if t.Group == o.Group() && t.Kind == o.Kind() {
			return true
		}
	}
	return false
}

// AdmissionObject returns a copy of o as the API server hands it to
// admission webhooks: a namespaced object created without a namespace has
// the request's namespace filled in ("default" for kubectl).
func AdmissionObject(o *input.Object) map[string]any {
	v := copyJSON(o.Value)
	if input.ClusterScoped(o.Group(), o.Kind()) || o.Namespace() != "" {
		return v
	}
	meta, ok := v["metadata"].(map[string]any)
	if !ok {
		meta = map[string]any{}
		v["metadata"] = meta
	}
	meta["namespace"] = o.EffectiveNamespace()
	return v
}

// copyJSON deep-copies a decoded JSON value, keeping numbers exact.
func copyJSON(v map[string]any) map[string]any {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("re-encoding a decoded object: %v", err)) // decoded JSON always encodes
	}
	var out map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		panic(fmt.Sprintf("decoding re-encoded object: %v", err))
	}
	return out
}

// Assertions turns an expectation into gator assertions: the number of
// violations, and for each expected message (a substring, or the whole
// message when exact) that a violation matches it.
func (ac AdmissionCase) Assertions() []gatorAssertion {
	if ac.Expect.Allow {
		return []gatorAssertion{{Violations: "no"}}
	}
	out := []gatorAssertion{{Violations: ac.Expect.Count}}
	counts := map[string]int{}
	for _, m := range ac.Expect.Messages {
		counts[m]++
	}
	msgs := make([]string, 0, len(counts))
	for m := range counts {
		msgs = append(msgs, m)
	}
	sort.Strings(msgs)
	for _, m := range msgs {
		if ac.Exact {
			out = append(out, gatorAssertion{Violations: counts[m], Message: "^" + regexp.QuoteMeta(m) + "$"})
		} else {
			out = append(out, gatorAssertion{Violations: "yes", Message: regexp.QuoteMeta(m)})
		}
	}
	return out
}

// Suite writes a gator suite (tests/suite.yaml) that runs every case of the
// controls against their exported templates, one test per control and set
// of parameters, with the constraint that set calls for.
func Suite(ctx context.Context, lib *policy.Library, controls []*policy.Control) ([]File, error) {
	suite := gatorSuite{APIVersion: SuiteAPIVersion, Kind: "Suite", Metadata: objectMeta{Name: "shipshape"}}
	var files []File
	for _, c := range controls {
		tests, cases, err := controlSuite(ctx, lib, c, ConstraintName(c)+"/", "../"+TemplatePath(c))
		if err != nil {
			return nil, err
		}
		suite.Tests = append(suite.Tests, tests...)
		for _, f := range cases {
			files = append(files, File{"tests/" + f.Path, f.Data})
		}
	}
	data, err := marshalYAML(suite)
	if err != nil {
		return nil, err
	}
	return append(files, File{"tests/suite.yaml", data}), nil
}

// controlSuite builds a control's gator tests, one per set of parameters,
// and the constraint, object and inventory files they name, at paths
// relative to the suite and under caseDir; template is the template's path
// relative to the suite.
func controlSuite(ctx context.Context, lib *policy.Library, c *policy.Control, caseDir, template string) ([]gatorTest, []File, error) {
	cases, err := AdmissionCases(ctx, lib, c)
	if err != nil {
		return nil, nil, err
	}
	var (
		tests []gatorTest
		files []File
	)
	byParameters := map[string]int{} // parameters → index in tests
	for i, ac := range cases {
		key, err := json.Marshal(ac.Parameters)
		if err != nil {
			return nil, nil, err
		}
		ti, ok := byParameters[string(key)]
		if !ok {
			ti = len(tests)
			byParameters[string(key)] = ti
			cpath := fmt.Sprintf("%sconstraint-%d.yaml", caseDir, len(byParameters))
			cons, err := Constraint(eval.Binding{Control: c, Parameters: ac.Parameters}, profile.ActionDeny)
			if err != nil {
				return nil, nil, err
			}
			files = append(files, File{cpath, cons})
			name := c.ID
			if len(byParameters) > 1 {
				name = fmt.Sprintf("%s parameters %d", c.ID, len(byParameters))
			}
			tests = append(tests, gatorTest{Name: name, Template: template, Constraint: cpath})
		}
		gc := gatorCase{Name: ac.Name, Object: fmt.Sprintf("%scase-%03d.yaml", caseDir, i+1), Assertions: ac.Assertions()}
		obj, err := jsonStream(ac.Review(i + 1))
		if err != nil {
			return nil, nil, err
		}
		files = append(files, File{gc.Object, obj})
		if len(ac.Inventory) > 0 {
			inv, err := jsonStream(ac.Inventory...)
			if err != nil {
				return nil, nil, err
			}
			p := fmt.Sprintf("%scase-%03d-inventory.yaml", caseDir, i+1)
			files = append(files, File{p, inv})
			gc.Inventory = []string{p}
		}
		tests[ti].Cases = append(tests[ti].Cases, gc)
	}
	return tests, files, nil
}

// Review is what gator reviews for the case: the object itself for a
// creation, or an AdmissionReview of the UPDATE from the old object (gator
// reviews an AdmissionReview as the API server would send it).
func (ac AdmissionCase) Review(n int) map[string]any {
	if ac.OldObject == nil {
		return ac.Object
	}
	o := ac.Source
	meta, _ := ac.Object["metadata"].(map[string]any)
	ns, _ := meta["namespace"].(string)
	return map[string]any{
		"apiVersion": "admission.k8s.io/v1",
		"kind":       "AdmissionReview",
		"request": map[string]any{
			"uid":       fmt.Sprintf("shipshape-case-%03d", n),
			"kind":      map[string]any{"group": o.Group(), "version": o.Version(), "kind": o.Kind()},
			"resource":  map[string]any{"group": o.Group(), "version": o.Version(), "resource": strings.ToLower(o.Kind()) + "s"},
			"name":      o.Name(),
			"namespace": ns,
			"operation": "UPDATE",
			"userInfo":  map[string]any{"username": "shipshape"},
			"object":    ac.Object,
			"oldObject": ac.OldObject,
		},
	}
}

// jsonStream writes objects as a YAML stream of JSON documents, which keeps
// every number and string exactly as decoded.
func jsonStream(objs ...map[string]any) ([]byte, error) {
	docs := make([][]byte, 0, len(objs))
	for _, o := range objs {
		b, err := json.MarshalIndent(o, "", "  ")
		if err != nil {
			return nil, err
		}
		docs = append(docs, append(b, '\n'))
	}
	return yamlStream(docs...), nil
}
