// Package parallel runs indexed work on a bounded number of goroutines.
package parallel

import (
	"context"
	"runtime"
	"sync"
)

// ForEach calls fn(i) for i in [0, n) on up to workers goroutines
// (GOMAXPROCS when workers < 1) and waits for them. It stops handing out
// work once ctx is done and returns ctx.Err().
func ForEach(ctx context.Context, n, workers int, fn func(i int)) error {
	if workers < 1 {
		workers = runtime.GOMAXPROCS(0)
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, max(n, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	return ctx.Err()
}
