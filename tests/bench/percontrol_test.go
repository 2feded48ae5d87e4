package bench

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/engine/eval"
)

// TestCostPerControl prints each control's evaluation time over a sample of
// the corpus, most expensive first: where to look when the scan slows down.
// Each control runs alone with the library's plan, as scans run it, so a
// helper that controls share is counted in each of them.
// It runs only with SHIPSHAPE_COST=1 (make bench-cost).
func TestCostPerControl(t *testing.T) {
	if os.Getenv("SHIPSHAPE_COST") == "" {
		t.Skip("set SHIPSHAPE_COST=1")
	}
	f := setup(t)
	objs := sampleObjects(t, f, 300)
	type cost struct {
		id string
		d  time.Duration
	}
	var costs []cost
	var total time.Duration
	for _, b := range f.bindings["all"] {
		ev, err := eval.New(f.lib, []eval.Binding{b}, eval.WithProgram(f.program))
		require.NoError(t, err)
		for _, o := range objs[:10] {
			ev.Judge(context.Background(), o) // warm up
		}
		start := time.Now()
		for range 3 {
			for _, o := range objs {
				ev.Judge(context.Background(), o)
			}
		}
		d := time.Since(start) / 3
		total += d
		costs = append(costs, cost{b.Control.ID, d})
	}
	slices.SortFunc(costs, func(a, b cost) int { return int(b.d - a.d) })
	fmt.Printf("%d objects, sum of per-control times %v (%.0f µs/object)\n", len(objs), total, float64(total.Microseconds())/float64(len(objs)))
	for _, c := range costs {
		fmt.Printf("%-14s %8.1f µs/object\n", c.id, float64(c.d.Microseconds())/float64(len(objs)))
	}
}
