// Command shipshape is a policy-as-code engine for container and Kubernetes
// security: it scans manifests offline with a curated Rego library, runs
// the library's table-driven tests, and lists its controls.
//
// This package holds the cobra commands only; everything they do lives in
// the engine packages.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/shipshape-dev/shipshape/engine/memlimit"
)

func main() {
	// Helm's packages report values they ignore (a --set value where the
	// chart has a table) through the standard logger, once per merge pass:
	// say who speaks, once.
	log.SetFlags(0)
	log.SetPrefix("shipshape: helm: ")
	log.SetOutput(&onceWriter{w: os.Stderr, seen: map[string]bool{}})
	memlimit.Tune()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := make(chan int, 1)
	go func() { code <- run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr) }()
	select {
	case c := <-code:
		stop()
		os.Exit(c)
	case <-ctx.Done():
	}
	// SIGINT or SIGTERM: the command stops at its next look at ctx. A
	// second signal ends the process at once, and so does the grace
	// period, should a read be stuck where ctx cannot reach it.
	stop()
	select {
	case c := <-code:
		os.Exit(c)
	case <-time.After(interruptGrace):
		fmt.Fprintln(os.Stderr, "shipshape: interrupted")
		os.Exit(2)
	}
}

// interruptGrace is how long a signalled command has to stop on its own.
const interruptGrace = 5 * time.Second

// onceWriter writes each distinct line once.
type onceWriter struct {
	mu   sync.Mutex
	w    io.Writer
	seen map[string]bool
}

func (o *onceWriter) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.seen[string(p)] {
		return len(p), nil
	}
	o.seen[string(p)] = true
	return o.w.Write(p)
}

// exitError carries an exit code out of a command without printing more.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// run executes the CLI and returns its exit code: 0 success, 1 violations
// or failed tests, 2 usage or input errors.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCommand(&env{stdin: stdin, stdout: stdout, stderr: stderr})
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	var ee exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.code
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		fmt.Fprintln(stderr, "shipshape: interrupted before the command finished")
		return 2
	}
	fmt.Fprintf(stderr, "shipshape: %v\n", err)
	return 2
}
