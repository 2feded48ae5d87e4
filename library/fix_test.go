package library_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pmezard/go-difflib/difflib"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/shipshape-dev/shipshape/engine/casetest"
	"github.com/shipshape-dev/shipshape/engine/eval"
	"github.com/shipshape-dev/shipshape/engine/fix"
	"github.com/shipshape-dev/shipshape/engine/input"
	"github.com/shipshape-dev/shipshape/engine/policy"
)

// caseText is a case's object as a manifest file: its YAML text as the
// case gives it, its fixture file, or the inline mapping in block style.
func caseText(t *testing.T, c *policy.Control, tc casetest.Case) string {
	t.Helper()
	switch v := tc.Object.(type) {
	case string:
		return v
	case nil:
		data, err := fs.ReadFile(c.FS(), path.Join(c.Dir(), tc.File))
		require.NoError(t, err)
		return string(data)
	default:
		data, err := yaml.Marshal(v)
		require.NoError(t, err)
		return string(data)
	}
}

// failing returns the IDs of the controls with a finding on the objects.
func failing(ctx context.Context, t *testing.T, ev *eval.Evaluator, objs []*input.Object) []string {
	t.Helper()
	var ids []string
	for _, o := range objs {
		j := ev.Judge(ctx, o)
		require.Empty(t, j.Errors)
		for _, f := range j.Findings {
			if !slices.Contains(ids, f.Control.ID) {
				ids = append(ids, f.Control.ID)
			}
		}
	}
	sort.Strings(ids)
	return ids
}

// TestFixesMakeDeniedCasesPass is the proof of every fix.yaml: each denied
// case of a fixable control, written as a manifest and fixed, is allowed by
// the control (but for the findings fix says it leaves to people), fails
// no control it did not fail before, and differs from the original only on
// lines that keep their key and gain a new value, or on added lines.
func TestFixesMakeDeniedCasesPass(t *testing.T) {
	ctx := context.Background()
	lib := loadLibrary(t)
	rules, err := fix.LoadLibrary(lib)
	require.NoError(t, err)
	require.NotEmpty(t, rules)
	var everything []eval.Binding
	for _, c := range lib.Controls() {
		everything = append(everything, eval.Binding{Control: c, Parameters: c.Defaults()})
	}
	others, err := eval.New(lib, everything)
	require.NoError(t, err)

	fixed, partly := 0, 0
	for id := range rules {
		c, ok := lib.Control(id)
		require.True(t, ok, id)
		cases, err := casetest.Cases(c)
		require.NoError(t, err)
		t.Run(id, func(t *testing.T) {
			denied := 0
			for i, tc := range cases {
				if tc.Expectation.Allow || tc.Expectation.NotApplicable {
					continue
				}
				denied++
				text := caseText(t, c, tc)
				file := filepath.Join(t.TempDir(), fmt.Sprintf("case-%d.yaml", i))
				require.NoError(t, os.WriteFile(file, []byte(text), 0o644))
				inventory, err := tc.InventoryObjects(c)
				require.NoError(t, err)
				binding := []eval.Binding{{Control: c, Parameters: tc.ResolvedParameters(c)}}
				before := input.ReadFile(context.Background(), file, input.Options{})
				require.Empty(t, before.Errors, tc.Name)

				plan, err := fix.Fix(ctx, lib, binding, []*input.File{before}, rules, fix.Options{Inventory: inventory})
				require.NoError(t, err, tc.Name)
				for _, u := range plan.Unfixed {
					assert.Contains(t, u.Reason, "no automatic fix for this field", "case %q: %s %s", tc.Name, u.Field, u.Reason)
				}
				if len(plan.Results) == 0 {
					assert.NotEmpty(t, plan.Unfixed, "case %q: nothing fixed and nothing said", tc.Name)
					t.Logf("case %q: nothing to fix: %+v", tc.Name, plan.Unfixed)
					continue
				}
				require.Len(t, plan.Results, 1)
				after := plan.Results[0].After
				require.NoError(t, os.WriteFile(file, after, 0o644))
				afterFile := input.ReadFile(context.Background(), file, input.Options{})
				require.Empty(t, afterFile.Errors, "case %q: the fixed file does not read:\n%s", tc.Name, after)

				// The control: allowed, but for the findings fix leaves.
				ev, err := eval.New(lib, binding, eval.WithInventory(append(slices.Clone(inventory), afterFile.Objects...)))
				require.NoError(t, err)
				var left []string
				for _, o := range afterFile.Objects {
					for _, f := range ev.Judge(ctx, o).Findings {
						left = append(left, f.Message)
					}
				}
				assert.Len(t, left, len(plan.Unfixed), "case %q: after the fix\n%s\nthe control still reports %v", tc.Name, after, left)
				if len(left) == 0 {
					fixed++
				} else {
					partly++
				}

				// No control fails that did not before.
				newly := slices.DeleteFunc(failing(ctx, t, others, afterFile.Objects), func(id string) bool {
					return slices.Contains(failing(ctx, t, others, before.Objects), id)
				})
				assert.Empty(t, newly, "case %q: the fix makes other controls fail:\n%s", tc.Name, after)

				// Only changed lines differ.
				assertOnlyChangedLines(t, tc.Name, text, string(after), len(plan.Results[0].Changes))
			}
			assert.Positive(t, denied, "a fixable control has denied cases")
		})
	}
	t.Logf("denied cases fixed: %d whole, %d but for findings left to people", fixed, partly)
}

// assertOnlyChangedLines holds an edit to lines added and lines whose key
// (or list dash) stays and whose value changes: no line is removed, and
// every other byte is the original's.
func assertOnlyChangedLines(t *testing.T, name, before, after string, changes int) {
	t.Helper()
	a, b := difflib.SplitLines(before), difflib.SplitLines(after)
	replaced := 0
	for _, op := range difflib.NewMatcher(a, b).GetOpCodes() {
		switch op.Tag {
		case 'd':
			t.Errorf("case %q: the fix removes lines %d-%d", name, op.I1+1, op.I2)
		case 'r':
			if op.J2-op.J1 < op.I2-op.I1 {
				t.Errorf("case %q: the fix removes lines %d-%d", name, op.I1+1, op.I2)
				continue
			}
			for k := op.I1; k < op.I2; k++ {
				replaced++
				old, new := a[k], b[op.J1+k-op.I1]
				assert.Equal(t, keyPrefix(old), keyPrefix(new), "case %q: line %d changes its key:\n-%s+%s", name, k+1, old, new)
			}
		}
	}
	assert.LessOrEqual(t, replaced, changes, "case %q: more lines changed than fixes made", name)
}

// keyPrefix is a line up to its first ": " (its indentation, dash and
// key), or up to a flow collection's opening bracket.
func keyPrefix(line string) string {
	if i := strings.Index(line, ": "); i >= 0 {
		return line[:i]
	}
	if i := strings.IndexAny(line, "{["); i >= 0 {
		return line[:i]
	}
	return strings.TrimRight(line, "\r\n")
}
