// Package library embeds shipshape's built-in Rego library: shared helpers
// under lib/ and one folder per control (policy.rego + cases.yaml).
package library

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"strings"

	"github.com/open-policy-agent/opa/v1/version"

	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/engine/requirements"
)

// FS holds lib/ and every <area>/<name>/ folder (policy.rego, cases.yaml
// and any fixture files the cases name).
//
//go:embed lib */*
var FS embed.FS

// Load compiles the built-in library, checking requirement IDs against the
// embedded catalogue, plus any extra sources.
func Load(ctx context.Context, extra ...policy.Source) (*policy.Library, error) {
	return LoadKeeping(ctx, nil, extra...)
}

// LoadKeeping is Load compiling only the built-in controls keep chooses
// (nil: all) and every helper; the extra sources are compiled whole.
func LoadKeeping(ctx context.Context, keep func(id string) bool, extra ...policy.Source) (*policy.Library, error) {
	return LoadPrepared(ctx, keep, nil, extra...)
}

// LoadPrepared is LoadKeeping with the facts compiling the built-in library
// gives, recorded with its plan (nil: unknown): a load of it alone does not
// compile it until OPA's evaluator is needed (policy.Source.Facts).
func LoadPrepared(ctx context.Context, keep func(id string) bool, facts *policy.Facts, extra ...policy.Source) (*policy.Library, error) {
	catalogue, err := requirements.Default()
	if err != nil {
		return nil, err
	}
	sources := append([]policy.Source{{Name: "library", FS: FS, Builtin: true, Keep: keep, Facts: facts}}, extra...)
	return policy.Load(ctx, catalogue, sources...)
}

// Digest identifies the built-in library's Rego sources (and the OPA
// version that plans them): a plan made from other sources is not used.
func Digest() (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "opa %s\n", version.Version)
	err := fs.WalkDir(FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".rego") {
			return err
		}
		data, err := fs.ReadFile(FS, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d\n", p, len(data))
		h.Write(data)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("reading the library: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
