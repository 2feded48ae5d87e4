package library_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/engine/casetest"
	"github.com/shipshape-dev/shipshape/engine/eval"
	"github.com/shipshape-dev/shipshape/engine/input"
	"github.com/shipshape-dev/shipshape/engine/ireval"
	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/library"
)

// planLibrary plans every control of the library for the IR evaluator.
func planLibrary(t testing.TB, lib *policy.Library) *ireval.Program {
	t.Helper()
	prog, err := eval.CompileLibrary(context.Background(), lib)
	require.NoError(t, err)
	return prog
}

// TestPlannedEvaluatorAgreesWithTopdown judges every object of every case
// with OPA's topdown evaluator and with the planned one, and requires the
// same findings (message and details), the same not-applicable verdicts and
// the same failures.
func TestPlannedEvaluatorAgreesWithTopdown(t *testing.T) {
	ctx := context.Background()
	lib := loadLibrary(t)
	prog := planLibrary(t, lib)
	for _, c := range lib.Controls() {
		t.Run(c.ID, func(t *testing.T) {
			cases, err := casetest.Cases(c)
			require.NoError(t, err)
			for _, tc := range cases {
				objects, err := tc.Objects(c)
				require.NoError(t, err, tc.Name)
				inventory, err := tc.InventoryObjects(c)
				require.NoError(t, err, tc.Name)
				bindings := []eval.Binding{{Control: c, Parameters: tc.ResolvedParameters(c)}}
				reference, err := eval.New(lib, bindings, eval.WithInventory(inventory))
				require.NoError(t, err)
				planned, err := eval.New(lib, bindings, eval.WithInventory(inventory), eval.WithProgram(prog))
				require.NoError(t, err)
				require.True(t, planned.Planned(), "the plan lacks %s's entrypoints", c.ID)
				for i, obj := range objects {
					want, got := reference.Judge(ctx, obj), planned.Judge(ctx, obj)
					where := fmt.Sprintf("%s case %q object %d", c.ID, tc.Name, i)
					assert.Equal(t, located(obj, want), located(obj, got), where)
				}
			}
		})
	}
}

// TestCasesPlanned runs every case with the planned evaluator, as
// `shipshape test` does.
func TestCasesPlanned(t *testing.T) {
	lib := loadLibrary(t)
	results, err := casetest.Run(context.Background(), lib, casetest.Options{Program: planLibrary(t, lib)})
	require.NoError(t, err)
	for _, r := range results {
		require.NoError(t, r.Err)
		for _, o := range r.Outcomes {
			assert.True(t, o.Passed, "%s:%d: case %q: %s", r.File, o.Line, o.Case, o.Problem)
		}
	}
}

type judged struct {
	Findings      []string
	Judged        []string
	NotApplicable []string
	Errors        []string
}

// summary is everything a judgement says: each finding's control, message
// and details (its field among them), the verdicts and the errors' text.
func summary(j eval.Judgement) judged {
	out := judged{Judged: j.Judged, NotApplicable: j.NotApplicable}
	for _, f := range j.Findings {
		out.Findings = append(out.Findings, fmt.Sprintf("%s %q %v", f.Control.ID, f.Message, f.Details))
	}
	for _, err := range j.Errors {
		out.Errors = append(out.Errors, err.Error())
	}
	return out
}

// located is summary with each finding's line and field path as a scan
// reports them.
func located(obj *input.Object, j eval.Judgement) judged {
	out := summary(j)
	for i, f := range j.Findings {
		out.Findings[i] += fmt.Sprintf(" at %v", casetest.Locate(obj, f))
	}
	return out
}

// TestLoadWithFactsIsTheCompiledLoad loads the library with the facts its
// plan records, which skips compiling, and requires the same controls as a
// compiled load; OPA's evaluator still gets a compiler on demand.
func TestLoadWithFactsIsTheCompiledLoad(t *testing.T) {
	ctx := context.Background()
	compiled := loadLibrary(t)
	facts := compiled.Facts()
	require.NotEmpty(t, facts.Referential)
	require.NotEmpty(t, facts.Applicability)
	prepared, err := library.LoadPrepared(ctx, nil, &facts)
	require.NoError(t, err)
	require.Equal(t, len(compiled.Controls()), len(prepared.Controls()))
	for i, c := range compiled.Controls() {
		assert.Equal(t, c, prepared.Controls()[i], c.ID)
	}
	compiler, err := prepared.Compiler()
	require.NoError(t, err)
	assert.False(t, compiler.Failed())

	// A referential control loaded without its fact would judge without
	// the inventory: facts that contradict a control's custom.sync are an
	// error.
	wrong := policy.Facts{Applicability: facts.Applicability}
	_, err = library.LoadPrepared(ctx, nil, &wrong)
	assert.ErrorContains(t, err, "declares custom.sync but never reads data.inventory")
}
