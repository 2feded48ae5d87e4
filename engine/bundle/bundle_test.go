package bundle

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	opabundle "github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/bundles"
	"github.com/shipshape-dev/shipshape/engine/eval"
	"github.com/shipshape-dev/shipshape/engine/export"
	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/engine/profile"
	"github.com/shipshape-dev/shipshape/library"
)

func fixture(t testing.TB, name string) (*policy.Library, *profile.Selection) {
	t.Helper()
	lib, err := library.Load(context.Background())
	require.NoError(t, err)
	schemas, err := profile.NewSchemas()
	require.NoError(t, err)
	profiles, err := schemas.LoadProfiles(bundles.FS, "bundles")
	require.NoError(t, err)
	sel, err := schemas.Select(lib, profiles[name], nil)
	require.NoError(t, err)
	return lib, sel
}

func read(t testing.TB, data []byte) opabundle.Bundle {
	t.Helper()
	b, err := opabundle.NewReader(bytes.NewReader(data)).WithSkipBundleVerification(true).Read()
	require.NoError(t, err)
	return b
}

func TestEntrypointsDecideLikeScan(t *testing.T) {
	lib, sel := fixture(t, "all")
	data, err := Build(lib, sel, Options{Version: "test"})
	require.NoError(t, err)
	b := read(t, data)
	ctx := context.Background()
	pq, err := rego.New(
		rego.ParsedBundle("shipshape", &b),
		rego.Query(`v := data.shipshape.violations with data.shipshape_parameters as input.parameters with data.inventory as input.inventory with input as input.object`),
	).PrepareForEval(ctx)
	require.NoError(t, err)
	compared := 0
	for _, c := range lib.Controls() {
		if !c.Admission {
			continue
		}
		cases, err := export.AdmissionCases(ctx, lib, c)
		require.NoError(t, err)
		for _, ac := range cases {
			// The violations entrypoint judges one object as created,
			// and leaves the namespaces the control's binding excludes
			// alone, as admission does (Gatekeeper's excludedNamespaces).
			want, err := ac.Created().Offline(ctx, lib, c)
			require.NoError(t, err)
			if excludes(sel, c.ID, ac.Source.Namespace()) {
				want = nil
			}

			params := map[string]any{}
			for id, p := range b.Data[ParametersRoot].(map[string]any) {
				params[id] = p
			}
			params[c.ID] = ac.Parameters
			rs, err := pq.Eval(ctx, rego.EvalInput(map[string]any{
				"parameters": params, "object": ac.Source.Value, "inventory": eval.Inventory(ac.FullInventory),
			}))
			require.NoError(t, err)
			require.Len(t, rs, 1, "%s %q: no decision", c.ID, ac.Name)
			var got []string
			for _, f := range rs[0].Bindings["v"].([]any) {
				m := f.(map[string]any)
				if m["control"] == c.ID {
					got = append(got, m["message"].(string))
					assert.Equal(t, string(c.Severity), m["severity"])
				}
			}
			slices.Sort(got)
			assert.Equal(t, want, got, "%s %q", c.ID, ac.Name)
			compared++
		}
	}
	assert.Greater(t, compared, 500)
}

func TestBuildIsReproducibleAndScoped(t *testing.T) {
	lib, sel := fixture(t, "pss-restricted")
	a, err := Build(lib, sel, Options{Version: "1.0.0"})
	require.NoError(t, err)
	again, err := Build(lib, sel, Options{Version: "1.0.0"})
	require.NoError(t, err)
	assert.Equal(t, a, again, "the same inputs give the same bytes")
	other, err := Build(lib, sel, Options{Version: "1.0.1"})
	require.NoError(t, err)
	b, o := read(t, a), read(t, other)
	assert.NotEqual(t, b.Manifest.Revision, o.Manifest.Revision, "the version is part of the revision")
	assert.ElementsMatch(t, Roots(), *b.Manifest.Roots)
	for _, m := range b.Modules {
		for _, root := range []string{"lib", "inventory"} {
			assert.False(t, m.Parsed.Package.Path.HasPrefix(ast.MustParseRef("data."+root)), "%s claims %s", m.Path, root)
		}
	}
	raw, _ := json.Marshal(b.Data)
	assert.Contains(t, string(raw), `"SS-PSS-003"`)
	assert.NotContains(t, string(raw), `"SS-IAM-001"`, "only the profile's controls")
}

func admissionDecision(t *testing.T, data []byte, review map[string]any) map[string]any {
	t.Helper()
	b := read(t, data)
	rs, err := rego.New(rego.ParsedBundle("shipshape", &b), rego.Query("x := data.shipshape.admission"), rego.Input(review)).Eval(context.Background())
	require.NoError(t, err)
	require.Len(t, rs, 1)
	return rs[0].Bindings["x"].(map[string]any)
}

func privilegedPodReview(uid, namespace, operation string) map[string]any {
	pod := map[string]any{
		"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": "p", "namespace": namespace},
		"spec": map[string]any{"containers": []any{map[string]any{"name": "c", "image": "x", "securityContext": map[string]any{"privileged": true}}}},
	}
	req := map[string]any{
		"uid": uid, "kind": map[string]any{"group": "", "version": "v1", "kind": "Pod"},
		"name": "p", "namespace": namespace, "operation": operation,
	}
	if operation == "DELETE" {
		req["oldObject"] = pod
	} else {
		req["object"] = pod
	}
	return map[string]any{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": req}
}

func TestAdmissionEntrypoint(t *testing.T) {
	lib, sel := fixture(t, "pss-baseline")
	data, err := Build(lib, sel, Options{Version: "test"})
	require.NoError(t, err)

	out := admissionDecision(t, data, privilegedPodReview("u-1", "team", "CREATE"))
	assert.Equal(t, "admission.k8s.io/v1", out["apiVersion"])
	assert.Equal(t, "AdmissionReview", out["kind"])
	resp := out["response"].(map[string]any)
	assert.Equal(t, "u-1", resp["uid"])
	assert.Equal(t, false, resp["allowed"])
	status := resp["status"].(map[string]any)
	assert.EqualValues(t, json.Number("403"), status["code"])
	assert.Contains(t, status["message"], `[SS-PSS-003] container "c" in Pod "p" sets securityContext.privileged to true`)
	assert.Nil(t, resp["warnings"])

	resp = admissionDecision(t, data, privilegedPodReview("u-2", "kube-system", "CREATE"))["response"].(map[string]any)
	assert.Equal(t, true, resp["allowed"], "system namespaces are excluded")
	assert.Nil(t, resp["status"])

	resp = admissionDecision(t, data, privilegedPodReview("u-3", "team", "DELETE"))["response"].(map[string]any)
	assert.Equal(t, true, resp["allowed"], "a deletion creates nothing to judge")

	warn := *sel.Profile
	warn.EnforcementAction = profile.ActionWarn
	sel.Profile = &warn
	data, err = Build(lib, sel, Options{Version: "test"})
	require.NoError(t, err)
	resp = admissionDecision(t, data, privilegedPodReview("u-4", "team", "UPDATE"))["response"].(map[string]any)
	assert.Equal(t, true, resp["allowed"], "warn admits")
	assert.Contains(t, resp["warnings"], `[SS-PSS-003] container "c" in Pod "p" sets securityContext.privileged to true; remove it or set it to false`)

	dry := warn
	dry.EnforcementAction = profile.ActionDryRun
	sel.Profile = &dry
	data, err = Build(lib, sel, Options{Version: "test"})
	require.NoError(t, err)
	resp = admissionDecision(t, data, privilegedPodReview("u-5", "team", "CREATE"))["response"].(map[string]any)
	assert.Equal(t, map[string]any{"uid": "u-5", "allowed": true}, resp, "dryrun only records")
}

func TestViolationsOfCommonObjects(t *testing.T) {
	lib, sel := fixture(t, "pss-baseline")
	data, err := Build(lib, sel, Options{Version: "test"})
	require.NoError(t, err)
	b := read(t, data)
	pq, err := rego.New(rego.ParsedBundle("shipshape", &b), rego.Query("x := data.shipshape.violations")).PrepareForEval(context.Background())
	require.NoError(t, err)
	for name, tc := range map[string]struct {
		obj  any
		want int
	}{
		"a privileged pod without namespace lands in default": {map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": "p"}, "spec": map[string]any{"containers": []any{map[string]any{"name": "c", "image": "x", "securityContext": map[string]any{"privileged": true}}}}}, 1},
		"the same pod in kube-system is excluded":             {map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": "p", "namespace": "kube-system"}, "spec": map[string]any{"containers": []any{map[string]any{"name": "c", "image": "x", "securityContext": map[string]any{"privileged": true}}}}}, 0},
		"a ConfigMap is judged by no pod control":             {map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "c"}}, 0},
		"input that is not an object decides nothing":         {"just a string", -1},
	} {
		t.Run(name, func(t *testing.T) {
			rs, err := pq.Eval(context.Background(), rego.EvalInput(tc.obj))
			require.NoError(t, err)
			if tc.want < 0 {
				assert.Empty(t, rs)
				return
			}
			require.Len(t, rs, 1)
			assert.Len(t, rs[0].Bindings["x"], tc.want)
		})
	}
}

func TestBundleHoldsOnlyTheProfilesControls(t *testing.T) {
	lib, sel := fixture(t, "pss-baseline")
	data, err := Build(lib, sel, Options{Version: "test"})
	require.NoError(t, err)
	info, err := Inspect(data)
	require.NoError(t, err)
	assert.Contains(t, info.Modules, "library/pss/privileged/policy.rego")
	assert.Contains(t, info.Modules, "library/lib/pods.rego")
	assert.Contains(t, info.Modules, EntrypointsFile)
	assert.NotContains(t, info.Modules, "library/ha/disruption_budget/policy.rego")
	assert.Len(t, info.Controls, 13)
	assert.False(t, info.Signed)
}

// excludes reports whether the selection's binding of the control leaves
// the namespace alone at admission.
func excludes(sel *profile.Selection, id, ns string) bool {
	for _, b := range sel.Bindings {
		if b.Control.ID == id {
			return b.Excludes(ns)
		}
	}
	return false
}
