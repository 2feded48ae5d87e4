package library_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/engine/casetest"
	"github.com/shipshape-dev/shipshape/engine/eval"
	"github.com/shipshape-dev/shipshape/engine/input"
)

// TestPlannedJudgementsDoNotDependOnOrder judges every object of every case,
// and each again with its numbers written another way (0 as -0, 1 as 1.0),
// with every control in one planned evaluator, in several orders: an
// object's findings must not depend on the objects judged before it, as
// the evaluator keeps helper results from object to object.
func TestPlannedJudgementsDoNotDependOnOrder(t *testing.T) {
	ctx := context.Background()
	lib := loadLibrary(t)
	prog := planLibrary(t, lib)
	var (
		bindings []eval.Binding
		objects  []*input.Object
	)
	for _, c := range lib.Controls() {
		bindings = append(bindings, eval.Binding{Control: c, Parameters: c.Defaults()})
		cases, err := casetest.Cases(c)
		require.NoError(t, err)
		for _, tc := range cases {
			objs, err := tc.Objects(c)
			require.NoError(t, err, tc.Name)
			objects = append(objects, objs...)
		}
	}
	var variants []*input.Object
	for _, rewrite := range []func(json.Number) json.Number{negativeZero, withFraction} {
		for _, o := range objects {
			v, changed := rewriteNumbers(o.Value, rewrite)
			if changed {
				variants = append(variants, o.WithValue(v.(map[string]any)))
			}
		}
	}
	objects = append(objects, variants...)
	require.NotEmpty(t, variants)

	judge := func(order []int) []string {
		ev, err := eval.New(lib, bindings, eval.WithProgram(prog))
		require.NoError(t, err)
		require.True(t, ev.Planned())
		out := make([]string, len(objects))
		for _, i := range order {
			j := summary(ev.Judge(ctx, objects[i]))
			out[i] = strings.Join(append(j.Findings, fmt.Sprint(j.Judged, j.NotApplicable, j.Errors)), "\n")
		}
		return out
	}
	forward := make([]int, len(objects))
	for i := range forward {
		forward[i] = i
	}
	want := judge(forward)
	reverse := slices.Clone(forward)
	slices.Reverse(reverse)
	shuffled := slices.Clone(forward)
	rand.New(rand.NewPCG(32, 32)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	for name, order := range map[string][]int{"reverse": reverse, "shuffled": shuffled} {
		got := judge(order)
		for i := range objects {
			if !assert.Equal(t, want[i], got[i], "%s order: object %d (%s)", name, i, objects[i].Source) {
				return
			}
		}
	}
}

// negativeZero writes a zero as -0.
func negativeZero(n json.Number) json.Number {
	if f, err := n.Float64(); err == nil && f == 0 {
		return "-0"
	}
	return n
}

// withFraction writes an integer with a fraction: 1 as 1.0.
func withFraction(n json.Number) json.Number {
	if _, err := n.Int64(); err == nil {
		return n + ".0"
	}
	return n
}

// rewriteNumbers returns a copy of v with every number rewritten, and
// whether any changed.
func rewriteNumbers(v any, rewrite func(json.Number) json.Number) (any, bool) {
	switch v := v.(type) {
	case map[string]any:
		out, changed := make(map[string]any, len(v)), false
		for k, x := range v {
			y, c := rewriteNumbers(x, rewrite)
			out[k], changed = y, changed || c
		}
		return out, changed
	case []any:
		out, changed := make([]any, len(v)), false
		for i, x := range v {
			y, c := rewriteNumbers(x, rewrite)
			out[i], changed = y, changed || c
		}
		return out, changed
	case json.Number:
		r := rewrite(v)
		return r, r != v
	case string:
		return strings.Clone(v), false
	}
	return v, false
}
