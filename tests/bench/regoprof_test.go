package bench

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/open-policy-agent/opa/v1/profiler"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/engine/eval"
	"github.com/shipshape-dev/shipshape/engine/input"
)

// TestRegoProfile runs OPA's profiler over a sample of the corpus with every
// control and prints the expressions evaluated most often: the count per
// object is the number to drive down (make bench-cost).
func TestRegoProfile(t *testing.T) {
	if os.Getenv("SHIPSHAPE_COST") == "" {
		t.Skip("set SHIPSHAPE_COST=1")
	}
	f := setup(t)
	var objs []*input.Object
	for _, file := range f.files[:300] {
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		objs = append(objs, input.ParseBytes(file, data).Objects...)
	}
	p := profiler.New()
	ev, err := eval.New(f.lib, f.bindings["all"], eval.WithTracer(p))
	require.NoError(t, err)
	for _, o := range objs {
		ev.Judge(context.Background(), o)
	}
	total := 0
	for _, s := range p.ReportTopNResults(100000, []string{"num_eval"}) {
		total += s.NumEval
	}
	fmt.Printf("%d expression evaluations per object\n", total/len(objs))
	for _, s := range p.ReportTopNResults(40, []string{"num_eval"}) {
		fmt.Printf("%8.1f µs/obj  evals=%-6d %s:%d\n", float64(s.ExprTimeNs)/1000/float64(len(objs)), s.NumEval, s.Location.File, s.Location.Row)
	}
}
