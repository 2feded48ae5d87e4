// Package scan runs a whole scan: it discovers the inputs, reads and judges
// them in parallel, and assembles the report in a deterministic order. When
// no selected control reads data.inventory, each file is judged as soon as
// it is read and its objects are released, so memory stays flat in the
// number of files; otherwise every object is read first to build the
// inventory.
package scan

import (
	"context"
	"errors"
	"io"
	"runtime"

	"github.com/shipshape-dev/shipshape/engine/eval"
	"github.com/shipshape-dev/shipshape/engine/input"
	"github.com/shipshape-dev/shipshape/engine/internal/parallel"
	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/engine/report"
)

// Options says what to scan and how.
type Options struct {
	// Paths are files, directories or "-" for standard input.
	Paths []string
	// Stdin replaces os.Stdin for "-".
	Stdin io.Reader
	// Workers bounds parallelism (GOMAXPROCS when zero).
	Workers int
	// MaxFileSize bounds each file (input.DefaultMaxFileSize when zero).
	MaxFileSize int64
	// Profile names the profile in the report.
	Profile string
}

func (o Options) workers() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// Run scans opts.Paths with the given bindings. Input problems do not stop
// the scan: they are recorded in the report (and make its exit code 2).
func Run(ctx context.Context, lib *policy.Library, bindings []eval.Binding, opts Options) (*report.Report, error) {
	controls := make([]*policy.Control, len(bindings))
	for i, b := range bindings {
		controls[i] = b.Control
	}
	builder := report.NewBuilder(controls, opts.Profile)

	var files []string
	for _, p := range opts.Paths {
		found, err := input.Discover([]string{p})
		if err != nil {
			builder.AddError(err)
			continue
		}
		if len(found) == 0 {
			// A gate that scans nothing must not pass quietly.
			builder.AddError(&input.Error{File: p, Document: -1, Err: errors.New("no .yaml, .yml or .json files found")})
			continue
		}
		files = append(files, found...)
	}
	readOpts := input.Options{Stdin: opts.Stdin, MaxFileSize: opts.MaxFileSize, Workers: opts.workers()}

	var parts []*report.Part
	var err error
	if eval.NeedsInventory(bindings) {
		parts, err = judgeWithInventory(ctx, lib, bindings, files, readOpts, opts.workers())
	} else {
		parts, err = judgeStreaming(ctx, lib, bindings, files, readOpts, opts.workers())
	}
	if err != nil {
		return nil, err
	}
	for _, p := range parts {
		builder.Add(p)
	}
	return builder.Finish(), nil
}

// judgeStreaming reads and judges files independently.
func judgeStreaming(ctx context.Context, lib *policy.Library, bindings []eval.Binding, files []string, readOpts input.Options, workers int) ([]*report.Part, error) {
	ev, err := eval.New(lib, bindings)
	if err != nil {
		return nil, err
	}
	parts := make([]*report.Part, len(files))
	err = parallel.ForEach(ctx, len(files), workers, func(i int) {
		f := input.ReadFile(files[i], readOpts)
		parts[i] = report.NewPart(f, ev.JudgeAll(ctx, f.Objects, workers))
	})
	return parts, err
}

// judgeWithInventory reads every file first, so referential controls see
// every object in data.inventory.
func judgeWithInventory(ctx context.Context, lib *policy.Library, bindings []eval.Binding, files []string, readOpts input.Options, workers int) ([]*report.Part, error) {
	read, err := input.ReadAll(ctx, files, readOpts)
	if err != nil {
		return nil, err
	}
	var all []*input.Object
	for _, f := range read {
		all = append(all, f.Objects...)
	}
	ev, err := eval.New(lib, bindings, eval.WithInventory(all))
	if err != nil {
		return nil, err
	}
	judged := ev.JudgeAll(ctx, all, workers)
	parts := make([]*report.Part, len(read))
	next := 0
	for i, f := range read {
		parts[i] = report.NewPart(f, judged[next:next+len(f.Objects)])
		next += len(f.Objects)
	}
	return parts, ctx.Err()
}
