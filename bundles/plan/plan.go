// Package plan embeds the built-in library's plan: the library compiled by
// OPA's planner into its intermediate representation, in engine/ireval's
// binary form. `make build` writes it (go run ./bundles/plan/makeplan)
// before compiling the binary; it is build output, not kept in git. A
// binary built without it, or with one made from other sources, evaluates
// with OPA's topdown evaluator instead, with the same verdicts.
package plan

import "embed"

// built holds README.md and, after `make build`, library.plan.
//
//go:embed all:built
var built embed.FS

// File is the plan file's path inside this directory.
const File = "built/library.plan"

// Library returns the embedded plan, nil when the binary was built without
// one.
func Library() []byte {
	data, err := built.ReadFile(File)
	if err != nil {
		return nil
	}
	return data
}
