// Package library embeds shipshape's built-in Rego library: shared helpers
// under lib/ and one folder per control (policy.rego + cases.yaml).
package library

import "embed"

// FS holds lib/*.rego and every <area>/<name>/{policy.rego,cases.yaml}.
//
//go:embed lib/*.rego */*/*.rego */*/*.yaml
var FS embed.FS
