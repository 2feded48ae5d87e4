package casetest

import (
	"context"
	"regexp"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/engine/requirements"
	"github.com/shipshape-dev/shipshape/library"
)

const noLatestPolicy = `# METADATA
# title: No latest tag
# custom:
#   id: ACME-001
#   severity: high
#   kinds: [workloads]
#   parameters:
#     type: object
#     properties:
#       tag: {type: string, default: latest}
package shipshape.acme.no_latest

import rego.v1

violation contains {"msg": msg, "details": {}} if {
	some c in data.lib.pods.containers
	endswith(c.value.image, concat(":", ["", input.parameters.tag]))
	msg := sprintf("%s uses the %s tag", [data.lib.pods.label(c), input.parameters.tag])
}
`

func load(t *testing.T, cases string) *policy.Library {
	t.Helper()
	cat, err := requirements.Default()
	require.NoError(t, err)
	fsys := fstest.MapFS{
		"acme/no_latest/policy.rego":     {Data: []byte(noLatestPolicy)},
		"acme/no_latest/cases.yaml":      {Data: []byte(cases)},
		"acme/no_latest/fixtures/x.yaml": {Data: []byte("apiVersion: v1\nkind: Pod\nmetadata: {name: f}\nspec: {containers: [{name: a, image: 'x:latest'}]}\n")},
	}
	lib, err := policy.Load(context.Background(), cat,
		policy.Source{Name: "library", FS: library.FS, Builtin: true},
		policy.Source{Name: "acme", FS: fsys})
	require.NoError(t, err)
	return lib
}

func run(t *testing.T, cases string) ControlResult {
	t.Helper()
	results, err := Run(context.Background(), load(t, cases), Options{Run: regexp.MustCompile(`^ACME-001/`)})
	require.NoError(t, err)
	for _, r := range results {
		if r.Control.ID == "ACME-001" {
			return r
		}
	}
	t.Fatal("no result for ACME-001")
	return ControlResult{}
}

func TestPassingCases(t *testing.T) {
	r := run(t, `
- name: pinned
  object: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: a, image: "x:1.0"}]}}
  expect: allow
- name: latest
  object: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: a, image: "x:latest"}]}}
  expect: {violations: ['container "a" in Pod "p" uses the latest tag']}
- name: from a file
  file: fixtures/x.yaml
  expect: {violations: 1}
- name: parameters override defaults
  object: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: a, image: "x:dev"}]}}
  parameters: {tag: dev}
  expect: {violations: 1}
- name: raw YAML with a List
  object: |
    apiVersion: v1
    kind: List
    items:
    - {apiVersion: v1, kind: Pod, metadata: {name: a}, spec: {containers: [{name: a, image: "x:latest"}]}}
    - {apiVersion: v1, kind: Pod, metadata: {name: b}, spec: {containers: [{name: a, image: "x:latest"}]}}
  expect: {violations: 2}
`)
	require.NoError(t, r.Err)
	assert.True(t, r.Passed())
	assert.Len(t, r.Outcomes, 5)
}

func TestFailingCasesAreReported(t *testing.T) {
	r := run(t, `
- name: wrongly expects allow
  object: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: a, image: "x:latest"}]}}
  expect: allow
- name: wrong count
  object: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: a, image: "x:1"}]}}
  expect: {violations: 2}
- name: wrong message
  object: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: a, image: "x:latest"}]}}
  expect: {violations: [nothing like this]}
- name: not an object
  object: "just: text"
  expect: {violations: 1}
- name: invalid parameter
  object: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: a, image: "x:1"}]}}
  parameters: {tag: 5}
  expect: allow
- name: judges nothing
  object: {apiVersion: v1, kind: ConfigMap, metadata: {name: c}, data: {image: "x:latest"}}
  expect: allow
`)
	require.NoError(t, r.Err)
	require.Len(t, r.Outcomes, 6)
	assert.False(t, r.Passed())
	problems := map[string]string{}
	for _, o := range r.Outcomes {
		assert.False(t, o.Passed, o.Case)
		problems[o.Case] = o.Problem
	}
	assert.Contains(t, problems["wrongly expects allow"], "expected allow, got 1")
	assert.Contains(t, problems["wrong count"], "expected 2 violation(s), got 0")
	assert.Contains(t, problems["wrong message"], `no violation contains ["nothing like this"]`)
	assert.Contains(t, problems["not an object"], "holds no Kubernetes object")
	assert.Contains(t, problems["invalid parameter"], "parameters of ACME-001")
	assert.Contains(t, problems["judges nothing"], "ACME-001 judges none of the case's objects (ConfigMap)")
}

func TestCasesFileProblems(t *testing.T) {
	tests := []struct {
		name, cases, want string
	}{
		{"needs a denied case", "- {name: a, object: {apiVersion: v1, kind: Pod, metadata: {name: p}}, expect: allow}\n", "needs at least one allowed and one denied case"},
		{"duplicate names", "- {name: a, object: {apiVersion: v1, kind: Pod}, expect: allow}\n- {name: a, object: {apiVersion: v1, kind: Pod}, expect: allow}\n", `cases.yaml:2: case name "a" is already used on line 1`},
		{"unknown key", "- {name: a, object: {}, expect: allow, expected: allow}\n", `cases.yaml:1: [0].expected: unknown key "expected"`},
		{"bad expect", "- {name: a, object: {}, expect: deny}\n", "cases.yaml:1: [0].expect"},
		{"object and file", "- {name: a, object: {}, file: x.yaml, expect: allow}\n", "cases.yaml:1"},
		{"not a list", "name: a\n", "expected array"},
		{"misspelt parameter", "- name: a\n  object: {apiVersion: v1, kind: Pod}\n  expect: allow\n- name: b\n  object: {apiVersion: v1, kind: Pod}\n  parameters:\n    tag: dev\n    tagg: dev\n  expect: {violations: 1}\n",
			`cases.yaml:8: case "b": parameters.tagg: unknown parameter "tagg" of ACME-001 (did you mean tag?); its parameters are tag`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, tt.cases)
			require.Error(t, r.Err)
			assert.Contains(t, r.Err.Error(), tt.want)
			assert.False(t, r.Passed())
		})
	}
}

func TestRunFilter(t *testing.T) {
	lib := load(t, `
- {name: one, object: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: a, image: "x:1"}]}}, expect: allow}
- {name: two, object: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: a, image: "x:latest"}]}}, expect: {violations: 1}}
`)
	results, err := Run(context.Background(), lib, Options{Run: regexp.MustCompile(`ACME-001/two`)})
	require.NoError(t, err)
	var ran []string
	for _, r := range results {
		for _, o := range r.Outcomes {
			ran = append(ran, r.Control.ID+"/"+o.Case)
		}
	}
	assert.Equal(t, []string{"ACME-001/two"}, ran)
}

func TestUnmatched(t *testing.T) {
	assert.Empty(t, unmatched([]string{"a", "ab"}, []string{"ab", "a"}), "needs the second message for the first substring")
	assert.Equal(t, []string{"a"}, unmatched([]string{"a", "a"}, []string{"ab"}))
	assert.Equal(t, []string{"z"}, unmatched([]string{"z"}, []string{"ab"}))
}

const scopedPolicy = `# METADATA
# title: Only web Pods
# custom:
#   id: ACME-002
#   severity: low
#   kinds: [Pod]
package shipshape.acme.scoped

import rego.v1

applies if input.review.object.metadata.labels.tier == "web"

violation contains {"msg": "web Pods need a probe", "details": {}} if {
	some c in input.review.object.spec.containers
	not c.readinessProbe
}
`

// TestNotApplicable: a case can state that the control's applies rule
// leaves the object alone (reported as not evaluated, not as a pass).
func TestNotApplicable(t *testing.T) {
	cat, err := requirements.Default()
	require.NoError(t, err)
	fsys := fstest.MapFS{
		"acme/scoped/policy.rego": {Data: []byte(scopedPolicy)},
		"acme/scoped/cases.yaml": {Data: []byte(`
- name: a batch Pod is not this control's
  object: {apiVersion: v1, kind: Pod, metadata: {name: b, labels: {tier: batch}}, spec: {containers: [{name: a, image: x, readinessProbe: {}}]}}
  expect: not-applicable
- name: a web Pod with a probe is judged and allowed, so not-applicable is wrong
  object: {apiVersion: v1, kind: Pod, metadata: {name: w, labels: {tier: web}}, spec: {containers: [{name: a, image: x, readinessProbe: {}}]}}
  expect: not-applicable
- name: a web Pod without a probe is denied
  object: {apiVersion: v1, kind: Pod, metadata: {name: w, labels: {tier: web}}, spec: {containers: [{name: a, image: x}]}}
  expect: {violations: 1}
`)},
	}
	lib, err := policy.Load(context.Background(), cat,
		policy.Source{Name: "library", FS: library.FS, Builtin: true, Keep: func(string) bool { return false }},
		policy.Source{Name: "acme", FS: fsys})
	require.NoError(t, err)
	results, err := Run(context.Background(), lib, Options{Run: regexp.MustCompile(`^ACME-002/`)})
	require.NoError(t, err)
	var r ControlResult
	for _, res := range results {
		if res.Control.ID == "ACME-002" {
			r = res
		}
	}
	require.NoError(t, r.Err)
	require.Len(t, r.Outcomes, 3)
	assert.True(t, r.Outcomes[0].Passed, r.Outcomes[0].Problem)
	assert.False(t, r.Outcomes[1].Passed)
	assert.Contains(t, r.Outcomes[1].Problem, `expected not-applicable, but ACME-002 judged Pod "w"`)
	assert.True(t, r.Outcomes[2].Passed, r.Outcomes[2].Problem)

	_, err = parseExpectation([]byte(`"alow"`))
	assert.ErrorContains(t, err, `"alow": want allow, not-applicable`)
}
