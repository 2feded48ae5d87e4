// Package memlimit tunes Go's collector for a scan: the heap may grow to a
// fixed footprint before it is collected, instead of being collected each
// time it doubles, and the footprint follows the live heap when a scan
// needs more.
//
// A scan's live heap is small and steady (files are judged a few at a time
// and findings move to disk), so with the default GOGC=100 the collector
// runs every few megabytes of garbage: a quarter of the CPU on 10,000 Pods.
// With a 128 MiB footprint it runs a third as often and the peak stays
// flat as the corpus grows. When the live heap passes half the footprint
// (a large inventory, or standard input held whole), the limit rises to
// twice the live heap after each collection, which is GOGC=100 again,
// never a collector that runs without pause.
package memlimit

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// Footprint is the heap size below which the collector does not run
// (about 180 MiB of resident memory for the whole process).
const Footprint = 128 << 20

// Tune applies the footprint, unless GOGC or GOMEMLIMIT is set (the user's
// choice wins). It returns false when it left the settings alone.
func Tune() bool {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return false
	}
	// The limit alone decides when to collect. A finite GOGC would collect
	// first whenever the live heap is small (at 400, every 65 MB of garbage
	// over a 13 MB live heap), which is the common case.
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(Footprint)
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var follow func()
	follow = func() {
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 {
			live := int64(sample[0].Value.Uint64())
			debug.SetMemoryLimit(max(Footprint, 2*live))
		}
		armAfterGC(follow)
	}
	armAfterGC(follow)
	return true
}

// armAfterGC runs f after the next collection: the finalizer of an object
// nothing references runs once the collector has found it unreachable.
func armAfterGC(f func()) {
	sentinel := new([16]byte)
	runtime.SetFinalizer(sentinel, func(*[16]byte) { f() })
}
