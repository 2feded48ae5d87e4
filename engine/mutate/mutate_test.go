package mutate

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/engine/requirements"
	"github.com/shipshape-dev/shipshape/library"
)

const weakPolicy = `# METADATA
# title: Images are not tagged latest
# description: A user control whose cases miss a condition.
# custom:
#   id: ACME-001
#   severity: high
#   requirements: [IMG-02]
#   kinds: [Pod]
#   remediation: Pin the image.
package shipshape.acme.no_latest

import rego.v1

banned := {"latest", "edge"}

violation contains {"msg": msg, "details": {"field": ["spec", "containers", i, "image"]}} if {
	some i, c in input.review.object.spec.containers
	tag := split(c.image, ":")[1]
	tag in banned
	count(c.image) > 0
	msg := sprintf("container %s uses the tag %s", [c.name, tag])
}
`

const weakCases = `- name: a pinned image is allowed
  object: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: a, image: "x:1.0"}]}}
  expect: allow
- name: latest is denied
  object: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: a, image: "x:latest"}]}}
  expect: {violations: ['container a uses the tag latest']}
`

func TestMutantsCoverTheOperators(t *testing.T) {
	mod := ast.MustParseModuleWithOpts(weakPolicy, ast.ParserOptions{RegoVersion: ast.RegoV1})
	byOperator := map[string][]string{}
	for _, m := range Mutants(weakPolicy, mod) {
		byOperator[m.Operator] = append(byOperator[m.Operator], m.Change)
		assert.NotEqual(t, weakPolicy, m.source)
	}
	assert.Contains(t, byOperator[EmptySet], `{"latest", "edge"} → set()`)
	assert.Contains(t, byOperator[Negate], "tag in banned → not tag in banned")
	assert.Contains(t, byOperator[Drop], "count(c.image) > 0 → true")
	assert.Contains(t, byOperator[Swap], "> → >=")
	assert.Contains(t, byOperator[String], `":" → "shipshape-mutant"`)
	for _, c := range byOperator[String] {
		assert.NotContains(t, c, "uses the tag", "message formats are not mutated")
	}
	for _, c := range byOperator[Drop] {
		assert.NotContains(t, c, ":=", "assignments are not dropped")
	}
}

func TestRunFindsWhatTheCasesMiss(t *testing.T) {
	ctx := context.Background()
	user := fstest.MapFS{
		"acme/no_latest/policy.rego": {Data: []byte(weakPolicy)},
		"acme/no_latest/cases.yaml":  {Data: []byte(weakCases)},
	}
	sources := []policy.Source{{Name: "library", FS: library.FS, Builtin: true}, {Name: "user", FS: user}}
	catalogue, err := requirements.Default()
	require.NoError(t, err)
	lib, err := policy.Load(ctx, catalogue, sources...)
	require.NoError(t, err)
	c, ok := lib.Control("ACME-001")
	require.True(t, ok)

	reports, err := Run(ctx, catalogue, sources, []*policy.Control{c})
	require.NoError(t, err)
	require.Len(t, reports, 1)
	require.NoError(t, reports[0].Err)
	survivors := map[string]bool{}
	for _, o := range reports[0].Outcomes {
		if o.Survived() {
			survivors[o.Change] = true
		}
	}
	// No case has an empty image or "edge": those changes go unnoticed.
	assert.True(t, survivors["count(c.image) > 0 → true"])
	assert.True(t, survivors["> → >="])
	assert.False(t, survivors["tag in banned → not tag in banned"], "negating the condition fails the denied case")
	killed, counted := reports[0].Score()
	assert.Less(t, killed, counted)

	// A mutants.yaml beside the control takes an equivalent mutant out of
	// the count, and must say why.
	user["acme/no_latest/mutants.yaml"] = &fstest.MapFile{Data: []byte("- {line: 20, operator: drop, why: an image in a Pod is never empty}\n")}
	reports, err = Run(ctx, catalogue, sources, []*policy.Control{c})
	require.NoError(t, err)
	_, countedAfter := reports[0].Score()
	assert.Less(t, countedAfter, counted)

	user["acme/no_latest/mutants.yaml"] = &fstest.MapFile{Data: []byte("- {line: 20, operator: drop}\n")}
	reports, err = Run(ctx, catalogue, sources, []*policy.Control{c})
	require.NoError(t, err)
	assert.ErrorContains(t, reports[0].Err, "say why")

	// Cases that fail before mutation make every mutant meaningless.
	user["acme/no_latest/mutants.yaml"] = nil
	delete(user, "acme/no_latest/mutants.yaml")
	user["acme/no_latest/cases.yaml"] = &fstest.MapFile{Data: []byte("- name: wrong\n  object: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: a, image: \"x:1\"}]}}\n  expect: {violations: 1}\n")}
	reports, err = Run(ctx, catalogue, sources, []*policy.Control{c})
	require.NoError(t, err)
	assert.ErrorContains(t, reports[0].Err, "do not pass before mutation")
}

const tagsHelper = `package lib.tags

import rego.v1

# mutable is true for a tag that moves: latest, edge, or none.
mutable(image) if endswith(image, ":latest")

mutable(image) if endswith(image, ":edge")

mutable(image) if not contains(image, ":")
`

const helperPolicy = `# METADATA
# title: Images are pinned
# description: A control that reads a helper.
# custom:
#   id: ACME-002
#   severity: high
#   requirements: [IMG-02]
#   kinds: [Pod]
#   remediation: Pin the image.
package shipshape.acme.pinned

import rego.v1

violation contains {"msg": msg, "details": {"field": ["spec", "containers", i, "image"]}} if {
	some i, c in input.review.object.spec.containers
	data.lib.tags.mutable(c.image)
	msg := sprintf("container %s is not pinned", [c.name])
}
`

func TestRunHelpersJudgesHelpersThroughTheirControls(t *testing.T) {
	ctx := context.Background()
	builtin := fstest.MapFS{
		"lib/tags.rego":           {Data: []byte(tagsHelper)},
		"acme/pinned/policy.rego": {Data: []byte(helperPolicy)},
		"acme/pinned/cases.yaml": {Data: []byte(`- name: a pinned image is allowed
  object: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: a, image: "x:1.0"}]}}
  expect: allow
- name: latest is denied
  object: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: a, image: "x:latest"}]}}
  expect: {violations: ['container a is not pinned']}
`)},
	}
	sources := []policy.Source{{Name: "library", FS: builtin, Builtin: true}}
	catalogue, err := requirements.Default()
	require.NoError(t, err)
	lib, err := policy.Load(ctx, catalogue, sources...)
	require.NoError(t, err)
	all := func(string) bool { return true }

	reports, err := RunHelpers(ctx, catalogue, sources, lib.Controls(), all)
	require.NoError(t, err)
	require.Len(t, reports, 1)
	require.NoError(t, reports[0].Err)
	assert.Equal(t, "lib/tags", reports[0].ID)
	assert.Equal(t, "library/lib/tags.rego", reports[0].File)
	assert.True(t, outcomeOf(reports[0], `":latest" → "shipshape-mutant"`).Killed, "the denied case notices latest no longer matching")
	assert.True(t, outcomeOf(reports[0], `":edge" → "shipshape-mutant"`).Survived(), "no case has an edge tag")
	assert.True(t, outcomeOf(reports[0], `not contains(image, ":") → contains(image, ":")`).Killed, "the pinned image becomes mutable")

	// lib/mutants.yaml takes equivalent mutants out of the count; each names
	// its file and says why.
	builtin["lib/mutants.yaml"] = &fstest.MapFile{Data: []byte("- {file: tags.rego, line: 8, operator: string, why: for the test}\n")}
	reports, err = RunHelpers(ctx, catalogue, sources, lib.Controls(), all)
	require.NoError(t, err)
	assert.Equal(t, "for the test", outcomeOf(reports[0], `":edge" → "shipshape-mutant"`).Equivalent)
	builtin["lib/mutants.yaml"] = &fstest.MapFile{Data: []byte("- {line: 8, operator: string, why: no file}\n")}
	_, err = RunHelpers(ctx, catalogue, sources, lib.Controls(), all)
	assert.ErrorContains(t, err, "name the helper file")
	delete(builtin, "lib/mutants.yaml")

	// keep picks helper files by ID.
	reports, err = RunHelpers(ctx, catalogue, sources, lib.Controls(), func(id string) bool { return id != "lib/tags" })
	require.NoError(t, err)
	assert.Empty(t, reports)
}

// outcomeOf is the outcome of the mutant that makes change.
func outcomeOf(r Report, change string) Outcome {
	for _, o := range r.Outcomes {
		if o.Change == change {
			return o
		}
	}
	return Outcome{}
}

func TestReadsHelperFollowsHelpers(t *testing.T) {
	reads := map[string][]string{"pods": {"k8s"}, "k8s": {"quantities"}, "rbac": {"k8s", "rbac"}}
	assert.True(t, readsHelper([]string{"pods"}, "quantities", reads), "through k8s")
	assert.True(t, readsHelper([]string{"rbac"}, "quantities", reads), "a helper that reads itself ends")
	assert.False(t, readsHelper([]string{"pods"}, "rbac", reads))
	assert.Equal(t, []string{"pods", "k8s"}, libPackages("x := data.lib.pods.containers\ny := data.lib.k8s.name(data.lib.pods.x)"))
}
