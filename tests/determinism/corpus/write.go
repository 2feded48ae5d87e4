package corpus

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Order is the order in which Write creates the files and directories: the
// bytes written are the same, but a directory's entries are listed (by
// getdents, before anything sorts them) in another order.
type Order int

// Orders of creation.
const (
	Sorted Order = iota
	Reversed
	Shuffled
)

func (o Order) String() string {
	switch o {
	case Reversed:
		return "reversed"
	case Shuffled:
		return "shuffled"
	}
	return "sorted"
}

// Write writes the corpus under dir, creating its files in order (Shuffled
// with rand seeded by seed).
func (c *Corpus) Write(dir string, order Order, seed uint64) error {
	files := slices.Clone(c.Files)
	switch order {
	case Reversed:
		slices.Reverse(files)
	case Shuffled:
		r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
		r.Shuffle(len(files), func(i, j int) { files[i], files[j] = files[j], files[i] })
	}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("writing the corpus: %w", err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return fmt.Errorf("writing the corpus: %w", err)
		}
	}
	return nil
}

// Paths lists the files the scan reads under dir (ManifestsDir or a
// shard's), in path order, slash-separated and relative to the corpus's
// root.
func (c *Corpus) Paths(dir string) []string {
	var out []string
	for _, f := range c.Files {
		if !f.Type.IsEvidence() && strings.HasPrefix(f.Path, dir+"/") {
			out = append(out, f.Path)
		}
	}
	return out
}
