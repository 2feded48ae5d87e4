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
	"github.com/shipshape-dev/shipshape/engine/requirements"
	"github.com/shipshape-dev/shipshape/library"
)

func fixture(t *testing.T, name string) (*policy.Library, *profile.Selection) {
	t.Helper()
	cat, err := requirements.Default()
	require.NoError(t, err)
	lib, err := policy.Load(context.Background(), cat, policy.Source{Name: "library", FS: library.FS, Builtin: true})
	require.NoError(t, err)
	schemas, err := profile.NewSchemas()
	require.NoError(t, err)
	profiles, err := schemas.LoadProfiles(bundles.FS, "bundles")
	require.NoError(t, err)
	sel, err := schemas.Select(lib, profiles[name], nil)
	require.NoError(t, err)
	return lib, sel
}

func read(t *testing.T, data []byte) opabundle.Bundle {
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
			ev, err := eval.New(lib, []eval.Binding{{Control: c, Parameters: ac.Parameters}}, eval.WithInventory(ac.FullInventory))
			require.NoError(t, err)
			j := ev.Judge(ctx, ac.Source)
			require.Empty(t, j.Errors)
			var want []string
			for _, f := range j.Findings {
				want = append(want, f.Message)
			}
			slices.Sort(want)

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
