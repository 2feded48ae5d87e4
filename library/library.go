// Package library embeds shipshape's built-in Rego library: shared helpers
// under lib/ and one folder per control (policy.rego + cases.yaml).
package library

import "embed"

// FS holds lib/ and every <area>/<name>/ folder (policy.rego, cases.yaml
// and any fixture files the cases name).
//
//go:embed lib */*
var FS embed.FS
