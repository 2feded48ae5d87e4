package library_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/engine/casetest"
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
