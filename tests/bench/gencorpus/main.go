// Command gencorpus writes the benchmark corpus to a directory, so anyone
// can scan the same files with shipshape or another tool:
//
//	go run ./tests/bench/gencorpus -n 10000 -o /tmp/corpus
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/shipshape-dev/shipshape/tests/bench/corpus"
)

func main() {
	n := flag.Int("n", 10000, "number of objects")
	out := flag.String("o", "corpus", "output directory")
	perFile := flag.Int("per-file", 5, "largest number of documents per file")
	seed := flag.Uint64("seed", 1, "random seed")
	pods := flag.Bool("pods", false, "write only Pods")
	flag.Parse()
	files, err := corpus.Write(*out, corpus.Options{Objects: *n, PerFile: *perFile, Seed: *seed, PodsOnly: *pods})
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %d objects in %d files under %s\n", *n, len(files), *out)
}
