package eval

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/engine/input"
	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/engine/requirements"
	"github.com/shipshape-dev/shipshape/library"
)

// testControls are small controls that exercise the evaluator's contract.
var testControls = fstest.MapFS{
	"t/params/policy.rego": {Data: []byte(`# METADATA
# title: Echo parameters
# custom:
#   id: T-PARAMS
#   severity: low
#   kinds: [ConfigMap]
#   parameters:
#     type: object
#     properties:
#       word: {type: string, default: hello}
package shipshape.t.params

import rego.v1

violation contains {"msg": sprintf("%s %s/%s %s %s", [input.parameters.word, input.review.kind.kind, input.review.namespace, input.review.operation, input.review.object.metadata.name]), "details": {"field": ["data", "x"]}} if true
`)},
	"t/inventory/policy.rego": {Data: []byte(`# METADATA
# title: Needs a matching Service
# custom:
#   id: T-INVENTORY
#   severity: high
#   kinds: [apps/Deployment]
#   sync: [v1/Service]
package shipshape.t.inventory

import rego.v1

violation contains {"msg": "no Service in the namespace", "details": {}} if {
	ns := input.review.object.metadata.namespace
	not data.inventory.namespace[ns].v1.Service
}
`)},
	"t/applies/policy.rego": {Data: []byte(`# METADATA
# title: Judges only ConfigMaps labelled for it
# custom:
#   id: T-APPLIES
#   severity: low
#   kinds: [ConfigMap]
package shipshape.t.applies

import rego.v1

applies if input.review.object.metadata.labels.mine == "yes"

violation contains {"msg": "x is set", "details": {}} if {
	applies
	input.review.object.data.x
}
`)},
	"t/broken/policy.rego": {Data: []byte(`# METADATA
# title: Fails at runtime
# custom:
#   id: T-BROKEN
#   severity: medium
#   kinds: [ConfigMap]
package shipshape.t.broken

import rego.v1

value := input.review.object.data.x

value := input.review.object.data.q

violation contains {"msg": "never", "details": {}} if value == "z"
`)},
}

func load(t *testing.T) *policy.Library {
	t.Helper()
	cat, err := requirements.Default()
	require.NoError(t, err)
	lib, err := policy.Load(context.Background(), cat,
		policy.Source{Name: "library", FS: library.FS, Builtin: true},
		policy.Source{Name: "t", FS: testControls})
	require.NoError(t, err)
	return lib
}

func objects(t *testing.T, yaml string) []*input.Object {
	t.Helper()
	f := input.ParseBytes("in.yaml", []byte(yaml))
	require.Empty(t, f.Errors)
	return f.Objects
}

func binding(t *testing.T, lib *policy.Library, id string, params map[string]any) Binding {
	t.Helper()
	c, ok := lib.Control(id)
	require.True(t, ok, id)
	if params == nil {
		params = c.Defaults()
	}
	return Binding{Control: c, Parameters: params}
}

func TestGatekeeperInputAndParameters(t *testing.T) {
	lib := load(t)
	ev, err := New(lib, []Binding{binding(t, lib, "T-PARAMS", map[string]any{"word": "hi"})})
	require.NoError(t, err)
	objs := objects(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, namespace: ns}\ndata:\n  x: y\n")
	j := ev.Judge(context.Background(), objs[0])
	require.Empty(t, j.Errors)
	require.Len(t, j.Findings, 1)
	assert.Equal(t, "hi ConfigMap/ns CREATE cm", j.Findings[0].Message)
	assert.Equal(t, []any{"data", "x"}, j.Findings[0].Field)
	assert.Equal(t, []string{"T-PARAMS"}, j.Judged)
	assert.Equal(t, 5, objs[0].FieldLine(j.Findings[0].Field))
}

func TestParametersAreValidated(t *testing.T) {
	lib := load(t)
	_, err := New(lib, []Binding{binding(t, lib, "T-PARAMS", map[string]any{"word": 3})})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "parameters of T-PARAMS")
}

func TestKindsAndNamespacesSelectControls(t *testing.T) {
	lib := load(t)
	b := binding(t, lib, "SS-PSS-003", nil)
	b.ExcludedNamespaces = []string{"kube-system"}
	ev, err := New(lib, []Binding{b, binding(t, lib, "T-PARAMS", nil)})
	require.NoError(t, err)
	objs := objects(t, `apiVersion: v1
kind: Pod
metadata: {name: a, namespace: kube-system}
spec: {containers: [{name: c, image: x, securityContext: {privileged: true}}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b}
spec: {containers: [{name: c, image: x, securityContext: {privileged: true}}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: kube-system}
`)
	excluded := ev.Judge(context.Background(), objs[0])
	assert.Empty(t, excluded.Findings)
	assert.Equal(t, []string{"SS-PSS-003"}, excluded.Excluded)

	judged := ev.Judge(context.Background(), objs[1])
	assert.Len(t, judged.Findings, 1, "an object without a namespace lands in default, which is not excluded")
	assert.Equal(t, []string{"SS-PSS-003"}, judged.Judged)

	ns := ev.Judge(context.Background(), objs[2])
	assert.Empty(t, ns.Judged, "no control matches a Namespace")
}

func TestInventoryLayoutAndReferentialControls(t *testing.T) {
	lib := load(t)
	c, _ := lib.Control("T-INVENTORY")
	assert.True(t, c.Referential)
	all := objects(t, `apiVersion: apps/v1
kind: Deployment
metadata: {name: with-service, namespace: a}
---
apiVersion: v1
kind: Service
metadata: {name: s, namespace: a}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: alone, namespace: b}
---
apiVersion: v1
kind: Namespace
metadata: {name: a}
`)
	inv := Inventory(all)
	assert.Contains(t, inv["namespace"].(map[string]any)["a"].(map[string]any)["v1"].(map[string]any)["Service"], "s")
	assert.Contains(t, inv["cluster"].(map[string]any)["v1"].(map[string]any)["Namespace"], "a")
	assert.Contains(t, inv["namespace"].(map[string]any)["b"].(map[string]any)["apps/v1"].(map[string]any)["Deployment"], "alone")

	bindings := []Binding{binding(t, lib, "T-INVENTORY", nil)}
	assert.True(t, NeedsInventory(bindings))
	ev, err := New(lib, bindings, WithInventory(all))
	require.NoError(t, err)
	judged, err := ev.JudgeAll(context.Background(), all, 2)
	require.NoError(t, err)
	assert.Empty(t, judged[0].Findings, "a Service exists in namespace a")
	assert.Len(t, judged[2].Findings, 1, "namespace b has no Service")
}

func TestInventoryHoldsOnlyWhatTheJudgedKindsRead(t *testing.T) {
	lib := load(t)
	bindings := []Binding{binding(t, lib, "T-INVENTORY", nil), binding(t, lib, "SS-GOV-003", nil), binding(t, lib, "SS-GOV-004", nil)}
	kind := func(group, kind string) policy.Kind { return policy.Kind{Group: group, Kind: kind} }

	// Pods alone: only what a pod's references need, not the workloads a
	// Service's selector is matched against.
	pods := TypesReadJudging(bindings, map[policy.Kind]bool{kind("", "Pod"): true})
	assert.True(t, pods[kind("", "Secret")])
	assert.False(t, pods[kind("", "Pod")])
	assert.False(t, pods[kind("", "Service")])

	// A Service in the scan brings the workloads in.
	withService := TypesReadJudging(bindings, map[policy.Kind]bool{kind("", "Pod"): true, kind("", "Service"): true})
	assert.True(t, withService[kind("", "Pod")])
	assert.True(t, withService[kind("apps", "Deployment")])

	// A Deployment is judged by T-INVENTORY too, which reads Services.
	deployments := TypesReadJudging(bindings, map[policy.Kind]bool{kind("apps", "Deployment"): true})
	assert.True(t, deployments[kind("", "Service")])
	assert.Empty(t, TypesReadJudging(bindings, map[policy.Kind]bool{kind("", "ConfigMap"): true}))
}

func TestFailingControlIsIsolated(t *testing.T) {
	lib := load(t)
	ev, err := New(lib, []Binding{binding(t, lib, "T-BROKEN", nil), binding(t, lib, "T-PARAMS", nil)})
	require.NoError(t, err)
	objs := objects(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {x: a, q: b}\n")
	j := ev.Judge(context.Background(), objs[0])
	require.Len(t, j.Errors, 1)
	var ce *ControlError
	require.ErrorAs(t, j.Errors[0], &ce)
	assert.Equal(t, "T-BROKEN", ce.Control)
	assert.Contains(t, ce.Error(), "in.yaml:1 (document 0): control T-BROKEN failed")
	require.Len(t, j.Findings, 1, "the healthy control still reports")
	assert.Equal(t, "T-PARAMS", j.Findings[0].Control.ID)
}

func TestNamespacePatternsFollowGatekeeper(t *testing.T) {
	tests := []struct {
		pattern, ns string
		want        bool
	}{
		{"kube-system", "kube-system", true},
		{"kube-system", "kube-system2", false},
		{"kube-*", "kube-public", true},
		{"kube-*", "my-kube-public", false},
		{"*-system", "gatekeeper-system", true},
		{"*-system", "system-a", false},
		{"*mid*", "a-mid-b", true},
		{"*mid*", "a-b", false},
		{"*", "anything", true},
		{"KUBE-*", "kube-system", false},
	}
	for _, tt := range tests {
		t.Run(tt.pattern+"/"+tt.ns, func(t *testing.T) {
			assert.Equal(t, tt.want, NamespaceMatches(tt.pattern, tt.ns))
			assert.Equal(t, tt.want, Binding{ExcludedNamespaces: []string{"other", tt.pattern}}.Excludes(tt.ns))
		})
	}
	assert.False(t, Binding{ExcludedNamespaces: []string{"*"}}.Excludes(""), "cluster-scoped objects have no namespace to exclude")
}

func TestAppliesNarrowsWhatCountsAsJudged(t *testing.T) {
	lib := load(t)
	c, _ := lib.Control("T-APPLIES")
	assert.True(t, c.Applicability)
	p, _ := lib.Control("T-PARAMS")
	assert.False(t, p.Applicability)
	ev, err := New(lib, []Binding{binding(t, lib, "T-APPLIES", nil), binding(t, lib, "T-PARAMS", nil), binding(t, lib, "T-BROKEN", nil)})
	require.NoError(t, err)
	objs := objects(t, `apiVersion: v1
kind: ConfigMap
metadata: {name: theirs}
data: {x: a}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: mine, labels: {mine: "yes"}}
data: {x: a}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: mine-clean, labels: {mine: "yes"}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: theirs-broken}
data: {x: a, q: b}
`)
	theirs := ev.Judge(context.Background(), objs[0])
	assert.Equal(t, []string{"T-PARAMS", "T-BROKEN"}, theirs.Judged, "applies is false: not judged by T-APPLIES")

	mine := ev.Judge(context.Background(), objs[1])
	assert.Equal(t, []string{"T-APPLIES", "T-PARAMS", "T-BROKEN"}, mine.Judged)
	assert.Len(t, mine.Findings, 2)

	clean := ev.Judge(context.Background(), objs[2])
	assert.Contains(t, clean.Judged, "T-APPLIES", "applies holds and nothing is wrong: judged and passed")

	broken := ev.Judge(context.Background(), objs[3])
	require.Len(t, broken.Errors, 1)
	assert.NotContains(t, broken.Judged, "T-APPLIES", "the isolation path honours applies too")
}

func TestJudgeAllReportsAStoppedContext(t *testing.T) {
	lib := load(t)
	ev, err := New(lib, []Binding{binding(t, lib, "T-PARAMS", nil)})
	require.NoError(t, err)
	objs := objects(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	judged, err := ev.JudgeAll(ctx, objs, 2)
	require.ErrorIs(t, err, context.Canceled)
	assert.Nil(t, judged, "no half-filled judgements without their objects")

	judged, err = ev.JudgeAll(context.Background(), objs, 2)
	require.NoError(t, err)
	require.Len(t, judged, 2)
	assert.Same(t, objs[1], judged[1].Object)
}

func TestAzureExtensionResourcesOfOneNameAreKeptApart(t *testing.T) {
	// Templates name every diagnostic setting "default": Azure tells them
	// apart by the resource they extend, and so does the inventory.
	all := objects(t, `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0", "resources": [
  {"type": "Microsoft.Insights/diagnosticSettings", "name": "default", "scope": "Microsoft.ContainerService/managedClusters/aks", "properties": {}},
  {"type": "Microsoft.Insights/diagnosticSettings", "name": "default", "scope": "Microsoft.ContainerRegistry/registries/acr", "properties": {}},
  {"type": "Microsoft.ContainerService/managedClusters", "name": "aks", "properties": {}}]}`)
	require.Len(t, all, 3)
	kinds := Inventory(all)["cluster"].(map[string]any)["azure.shipshape.dev/v1"].(map[string]any)
	assert.Len(t, kinds["DiagnosticSetting"], 2)
	assert.Contains(t, kinds["ManagedCluster"], "aks", "a resource that extends none keeps its name")
}
