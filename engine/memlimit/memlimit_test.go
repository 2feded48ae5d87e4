package memlimit

import (
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTuneLeavesTheUsersSettingsAlone(t *testing.T) {
	t.Setenv("GOGC", "200")
	assert.False(t, Tune())
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "1GiB")
	assert.False(t, Tune())
}

func TestTuneSetsTheFootprintAndFollowsTheLiveHeap(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	assert.True(t, Tune())
	assert.Equal(t, int64(Footprint), debug.SetMemoryLimit(-1))
	assert.Equal(t, -1, debug.SetGCPercent(-1), "the limit alone decides when to collect")

	// A live heap past half the footprint raises the limit to twice it.
	live := make([][]byte, 0, 100)
	for range 100 {
		live = append(live, make([]byte, 1<<20))
	}
	runtime.GC()
	runtime.GC() // the finalizer of the first runs before the second ends
	assert.Eventually(t, func() bool {
		runtime.GC()
		return debug.SetMemoryLimit(-1) > Footprint
	}, 5e9, 1e7)
	runtime.KeepAlive(live)
}
