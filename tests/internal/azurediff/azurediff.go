// Package azurediff holds what the differential tests of the Azure source
// readers share (tests/terraform: source against its plan; tests/bicep:
// Bicep against its ARM template): scanning a path with the whole library,
// and checking that the fixtures between them deny under every AKS and ACR
// control.
package azurediff

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/engine/eval"
	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/engine/report"
	"github.com/shipshape-dev/shipshape/engine/requirements"
	"github.com/shipshape-dev/shipshape/engine/scan"
	"github.com/shipshape-dev/shipshape/library"
)

// UnresolvedControl reports the values known only at deployment; each
// language writes their expressions its own way, so the tests compare its
// findings apart.
const UnresolvedControl = "SS-AKS-023"

// Judge loads the built-in library with every control at its defaults and
// returns it with a function that scans one path, requiring that the scan
// had no error and left nothing unread.
func Judge(t *testing.T) (*policy.Library, func(t *testing.T, path string) []report.Result) {
	t.Helper()
	ctx := context.Background()
	catalogue, err := requirements.Default()
	require.NoError(t, err)
	lib, err := policy.Load(ctx, catalogue, policy.Source{Name: "library", FS: library.FS, Builtin: true})
	require.NoError(t, err)
	var bindings []eval.Binding
	for _, c := range lib.Controls() {
		bindings = append(bindings, eval.Binding{Control: c, Parameters: c.Defaults()})
	}
	return lib, func(t *testing.T, path string) []report.Result {
		t.Helper()
		r, err := scan.Run(ctx, lib, bindings, scan.Options{Paths: []string{path}, Workers: 1})
		require.NoError(t, err)
		require.Empty(t, r.Errors, path)
		require.Empty(t, r.Ignored, "%s: nothing is left unread", path)
		return r.All()
	}
}

// DeniesEveryControl checks that the fixtures between them denied (denied
// holds the control IDs) under every AKS and ACR control but those
// excepted.
func DeniesEveryControl(t *testing.T, lib *policy.Library, denied map[string]bool, except []string) {
	t.Helper()
	for _, c := range lib.Controls() {
		if strings.HasPrefix(c.ID, "SS-AKS-") || strings.HasPrefix(c.ID, "SS-ACR-") {
			if !slices.Contains(except, c.ID) {
				assert.True(t, denied[c.ID], "no fixture denies under %s", c.ID)
			}
		}
	}
}
