// Command gencorpus writes the determinism corpus (tests/determinism) to a
// directory, so anyone can scan the same files:
//
//	go run ./tests/determinism/gencorpus -n 50000 -o /tmp/corpus
//	cd /tmp/corpus && shipshape scan --evidence evidence manifests
//
// -shards splits it into repositories as the test does
// (manifests/repo-000, ...).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/shipshape-dev/shipshape/library"
	"github.com/shipshape-dev/shipshape/tests/determinism/corpus"
)

func main() {
	n := flag.Int("n", 50000, "number of objects (at least; every case of the library is written once whatever the number)")
	out := flag.String("o", "corpus", "output directory")
	seed := flag.Uint64("seed", 1, "random seed")
	shards := flag.Int("shards", 1, "repositories to split the corpus into (directories of manifests/, each scanned as a whole by the determinism test)")
	flag.Parse()
	if err := run(corpus.Options{Objects: *n, Seed: *seed, Shards: *shards}, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
}

func run(opts corpus.Options, out string) error {
	lib, err := library.Load(context.Background())
	if err != nil {
		return err
	}
	seeds, err := corpus.Seeds(lib)
	if err != nil {
		return err
	}
	c, err := corpus.Generate(seeds, opts)
	if err != nil {
		return err
	}
	if err := c.Write(out, corpus.Sorted, opts.Seed); err != nil {
		return err
	}
	fmt.Printf("wrote %d objects in %d files, %d repositories, under %s (%s for the scan, %s for --evidence)\n", c.Objects, len(c.Files), len(c.Shards), out, corpus.ManifestsDir, corpus.EvidenceDir)
	return nil
}
