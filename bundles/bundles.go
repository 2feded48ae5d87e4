// Package bundles embeds shipshape's profiles: named sets of controls with
// settings and parameters (one <name>.yaml each), buildable into an OPA
// bundle and exportable to Gatekeeper and Azure Policy.
package bundles

import "embed"

// FS holds every profile file.
//
//go:embed *.yaml
var FS embed.FS
