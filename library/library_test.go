package library_test

import (
	"context"
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/engine/casetest"
	"github.com/shipshape-dev/shipshape/engine/input"
	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/engine/requirements"
	"github.com/shipshape-dev/shipshape/library"
)

func loadLibrary(t *testing.T) *policy.Library {
	t.Helper()
	catalogue, err := requirements.Default()
	require.NoError(t, err)
	lib, err := policy.Load(context.Background(), catalogue, policy.Source{Name: "library", FS: library.FS, Builtin: true})
	require.NoError(t, err)
	return lib
}

// TestCases runs every control's cases.yaml, as `shipshape test` does.
func TestCases(t *testing.T) {
	lib := loadLibrary(t)
	results, err := casetest.Run(context.Background(), lib, casetest.Options{})
	require.NoError(t, err)
	require.Len(t, results, len(lib.Controls()))
	for _, r := range results {
		t.Run(r.Control.ID, func(t *testing.T) {
			require.NoError(t, r.Err)
			for _, o := range r.Outcomes {
				assert.True(t, o.Passed, "%s:%d: case %q: %s", r.File, o.Line, o.Case, o.Problem)
			}
		})
	}
}

// TestControlConventions holds every built-in control to the library's
// contract: package shipshape.<area>.<name> in library/<area>/<name>/, an ID
// SS-<AREA>-NNN, a description, a fix, at least one requirement and one
// framework mapping.
func TestControlConventions(t *testing.T) {
	lib := loadLibrary(t)
	idPattern := regexp.MustCompile(`^SS-[A-Z0-9]+-\d{3}$`)
	for _, c := range lib.Controls() {
		t.Run(c.ID, func(t *testing.T) {
			assert.Regexp(t, idPattern, c.ID)
			assert.Equal(t, "library/"+strings.ReplaceAll(strings.TrimPrefix(c.Package, "shipshape."), ".", "/")+"/policy.rego", c.File, "package and folder must agree")
			assert.NotEmpty(t, c.Description)
			if c.Admission {
				assert.LessOrEqual(t, len(c.Description), 512, "an Azure Policy definition's description takes 512 characters")
			}
			assert.NotEmpty(t, c.Remediation)
			assert.NotEmpty(t, c.Requirements)
			assert.NotEmpty(t, c.Frameworks)
			for _, k := range c.Kinds {
				assert.NotEmpty(t, k.Kind)
			}
		})
	}
}

// TestLibraryIsStrict compiles the built-in library with OPA's strict mode
// (no unused variables, imports or shadowing).
func TestLibraryIsStrict(t *testing.T) {
	modules := map[string]*ast.Module{}
	err := fs.WalkDir(library.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".rego") {
			return err
		}
		data, err := library.FS.ReadFile(p)
		if err != nil {
			return err
		}
		m, err := ast.ParseModuleWithOpts(p, string(data), ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true})
		modules[p] = m
		return err
	})
	require.NoError(t, err)
	c := ast.NewCompiler().WithStrict(true)
	c.Compile(modules)
	require.False(t, c.Failed(), "%v", c.Errors)
}

// TestWorkloadKindsMatchRego keeps the Go alias "workloads" and the Rego
// helper lib.pods.template_paths in agreement.
func TestWorkloadKindsMatchRego(t *testing.T) {
	lib := loadLibrary(t)
	compiler, err := lib.Compiler()
	require.NoError(t, err)
	rs, err := rego.New(rego.Query("data.lib.pods.template_paths"), rego.Compiler(compiler)).Eval(context.Background())
	require.NoError(t, err)
	paths := rs[0].Expressions[0].Value.(map[string]any)
	var fromRego []string
	for group, kinds := range paths {
		for kind := range kinds.(map[string]any) {
			fromRego = append(fromRego, policy.Kind{Group: group, Kind: kind}.String())
		}
	}
	var fromGo []string
	for _, k := range policy.WorkloadKinds() {
		fromGo = append(fromGo, k.String())
	}
	assert.ElementsMatch(t, fromGo, fromRego)
}

// TestEveryControlLocatesAFinding holds every built-in control to a case
// that asserts the line and the field path of its findings, so a control
// that points at the wrong line (a NetworkPolicy rule reported at its
// apiVersion) cannot land.
func TestEveryControlLocatesAFinding(t *testing.T) {
	lib := loadLibrary(t)
	for _, c := range lib.Controls() {
		cases, err := casetest.Cases(c)
		require.NoError(t, err)
		located := 0
		for _, tc := range cases {
			if tc.Expectation.Locates() {
				located++
			}
		}
		assert.Positive(t, located, "%s: add a case with expect: {findings: [{line: N, field: path}]} to %s", c.ID, casetest.CasesPath(c))
	}
}

// TestLegacyGroupsMatchRego keeps the Go table of legacy API groups (kind
// matching) and lib.k8s.legacy_groups (the group controls see) equal.
func TestLegacyGroupsMatchRego(t *testing.T) {
	lib := loadLibrary(t)
	compiler, err := lib.Compiler()
	require.NoError(t, err)
	rs, err := rego.New(rego.Query("data.lib.k8s.legacy_groups"), rego.Compiler(compiler)).Eval(context.Background())
	require.NoError(t, err)
	fromRego := map[string]map[string]string{}
	for group, kinds := range rs[0].Expressions[0].Value.(map[string]any) {
		fromRego[group] = map[string]string{}
		for kind, current := range kinds.(map[string]any) {
			fromRego[group][kind] = current.(string)
		}
	}
	assert.Equal(t, input.LegacyGroupTable(), fromRego)
}
