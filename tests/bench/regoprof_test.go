package bench

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"testing"

	"github.com/open-policy-agent/opa/v1/profiler"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/engine/eval"
)

// TestRegoProfile runs OPA's profiler over a sample of the corpus with every
// control and prints the expressions evaluated most often: the count per
// object is the number to drive down (make bench-cost).
func TestRegoProfile(t *testing.T) {
	if os.Getenv("SHIPSHAPE_COST") == "" {
		t.Skip("set SHIPSHAPE_COST=1")
	}
	f := setup(t)
	objs := sampleObjects(t, f, 300)
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
	byFile := map[string]struct{ ns, evals int64 }{}
	for _, s := range p.ReportTopNResults(100000, []string{"num_eval"}) {
		name := s.Location.File
		if name == "" {
			name = "(the query: one expression per control)"
		}
		c := byFile[name]
		c.ns += s.ExprTimeNs
		c.evals += int64(s.NumEval)
		byFile[name] = c
	}
	files := slices.Collect(maps.Keys(byFile))
	slices.SortFunc(files, func(a, b string) int { return cmp.Compare(byFile[b].ns, byFile[a].ns) })
	var selfNs int64
	for _, c := range byFile {
		selfNs += c.ns
	}
	fmt.Printf("%.0f µs of evaluation per object (with the profiler's overhead); by file, most first:\n", float64(selfNs)/1000/float64(len(objs)))
	for _, name := range files[:min(25, len(files))] {
		c := byFile[name]
		fmt.Printf("%8.1f µs/obj  %6.1f evals/obj  %s\n", float64(c.ns)/1000/float64(len(objs)), float64(c.evals)/float64(len(objs)), name)
	}
	fmt.Println("expressions evaluated most:")
	for _, s := range p.ReportTopNResults(40, []string{"num_eval"}) {
		fmt.Printf("%8.1f µs/obj  evals=%-6d %s:%d\n", float64(s.ExprTimeNs)/1000/float64(len(objs)), s.NumEval, s.Location.File, s.Location.Row)
	}
}
