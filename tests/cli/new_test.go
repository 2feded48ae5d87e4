package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNewControlInAUserLibrary scaffolds two controls into a user library:
// they take consecutive IDs, and their cases pass as written.
func TestNewControlInAUserLibrary(t *testing.T) {
	lib := t.TempDir()
	r := shipshape(t, "", "", "new", "control", "pod/no_example", "--dir", lib, "--id-prefix", "ACME",
		"--requirement", "POD-01", "--framework", "cis-k8s=5.2.1", "--severity", "high")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "(ACME-001)")
	r = shipshape(t, "", "", "new", "control", "pod/no_other", "--dir", lib, "--id-prefix", "ACME", "--requirement", "POD-01")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "(ACME-002)", "the next free number")

	policy, err := os.ReadFile(filepath.Join(lib, "pod", "no_example", "policy.rego"))
	require.NoError(t, err)
	assert.Contains(t, string(policy), "package shipshape.pod.no_example")
	assert.Contains(t, string(policy), "#   severity: high")

	r = shipshape(t, "", "", "test", "--library", lib, "--run", "ACME")
	assert.Equal(t, 0, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "PASS: 4 cases of ")

	r = shipshape(t, "", "", "new", "control", "pod/no_example", "--dir", lib, "--id-prefix", "ACME", "--requirement", "POD-01")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "already exists")
	r = shipshape(t, "", "", "new", "control", "pod/x", "--dir", lib, "--requirement", "NOPE-1")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "--requirement NOPE-1: not in the requirements catalogue")
	r = shipshape(t, "", "", "new", "control", "pod/x", "--dir", lib, "--requirement", "POD-01", "--framework", "cis-dockr=4.1")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, `--framework "cis-dockr=4.1": want KEY=REF`)
	r = shipshape(t, "", "", "new", "control", "Pod-Things", "--dir", lib, "--requirement", "POD-01")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "want AREA/NAME")
}
