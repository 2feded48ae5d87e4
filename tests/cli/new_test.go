package cli

import (
	"encoding/json"
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

// TestMutate measures a user library's cases with mutants.
func TestMutate(t *testing.T) {
	r := shipshape(t, "", "", "test", "--mutate", "--library", "tests/cli/testdata/userlib", "--run", "ACME", "-o", "json")
	require.Equal(t, 0, r.code, r.stderr)
	var doc struct {
		Controls []struct {
			ID      string `json:"id"`
			Mutants []struct {
				Line     int    `json:"line"`
				Operator string `json:"operator"`
				Killed   bool   `json:"killed"`
			} `json:"mutants"`
		} `json:"controls"`
		Total struct{ Killed, Counted int } `json:"total"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc), r.stdout)
	require.Len(t, doc.Controls, 1)
	assert.Equal(t, "ACME-001", doc.Controls[0].ID)
	assert.NotEmpty(t, doc.Controls[0].Mutants)
	assert.Positive(t, doc.Total.Counted)

	r = shipshape(t, "", "", "test", "--mutate", "--library", "tests/cli/testdata/userlib", "--run", "ACME")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "family ACME")

	r = shipshape(t, "", "", "test", "--mutate", "--run", "NOPE-")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "matches no control")
}
