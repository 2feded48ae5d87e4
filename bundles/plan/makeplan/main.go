// Command makeplan plans the built-in library for engine/ireval and writes
// the plan in its binary form: `go run ./bundles/plan/makeplan -o FILE`.
// `make build` runs it before compiling shipshape.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/shipshape-dev/shipshape/engine/eval"
	"github.com/shipshape-dev/shipshape/engine/ireval"
	"github.com/shipshape-dev/shipshape/library"
)

func main() {
	out := flag.String("o", "bundles/plan/built/library.plan", "write the plan to `FILE`")
	flag.Parse()
	if err := run(context.Background(), *out); err != nil {
		fmt.Fprintln(os.Stderr, "makeplan:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out string) error {
	lib, err := library.Load(ctx)
	if err != nil {
		return err
	}
	p, err := eval.PlanLibrary(ctx, lib)
	if err != nil {
		return err
	}
	digest, err := library.Digest()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := ireval.Encode(&buf, p, ireval.Header{Digest: digest, Facts: lib.Facts()}); err != nil {
		return err
	}
	// Prove the plan loads before a binary embeds it.
	if _, _, err := ireval.Load(buf.Bytes(), digest); err != nil {
		return fmt.Errorf("the plan does not load: %w", err)
	}
	if old, err := os.ReadFile(out); err == nil && bytes.Equal(old, buf.Bytes()) {
		return nil // unchanged: keep the file's time, so go build reuses its cache
	}
	// Written aside and renamed, so a build running at the same time reads
	// the old plan or the new one, never half of one.
	tmp, err := os.CreateTemp(filepath.Dir(out), ".library.plan-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), out)
}
