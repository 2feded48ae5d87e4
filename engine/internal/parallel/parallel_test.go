package parallel

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestForEachVisitsEveryIndexOnce(t *testing.T) {
	seen := make([]int32, 1000)
	var running, peak atomic.Int32
	err := ForEach(context.Background(), len(seen), 3, func(i int) {
		n := running.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		atomic.AddInt32(&seen[i], 1)
		running.Add(-1)
	})
	require.NoError(t, err)
	for i, n := range seen {
		assert.Equal(t, int32(1), n, "index %d", i)
	}
	assert.LessOrEqual(t, peak.Load(), int32(3))
}

func TestForEachStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var calls atomic.Int32
	err := ForEach(ctx, 1000, 1, func(int) {
		if calls.Add(1) == 5 {
			cancel()
		}
	})
	assert.ErrorIs(t, err, context.Canceled)
	assert.Less(t, calls.Load(), int32(1000))
}

func TestForEachZero(t *testing.T) {
	require.NoError(t, ForEach(context.Background(), 0, 4, func(int) { t.Fatal("called") }))
}
