package main

import (
	"github.com/spf13/cobra"

	"github.com/shipshape-dev/shipshape/engine/input"
	"github.com/shipshape-dev/shipshape/engine/scan"
)

// limitFlags are the input limits of the commands that read manifests.
type limitFlags struct {
	limits     input.Limits
	maxObjects int
}

func (f *limitFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.Int64Var(&f.limits.MaxFileSize, "max-file-size", input.DefaultMaxFileSize, "refuse files larger than `BYTES`")
	fl.IntVar(&f.limits.MaxDocuments, "max-documents", input.DefaultMaxDocuments, "refuse files with more than `N` YAML documents")
	fl.IntVar(&f.limits.MaxDepth, "max-depth", input.DefaultMaxDepth, "refuse documents nested more than `N` levels deep")
	fl.IntVar(&f.limits.MaxAliasExpansion, "max-alias-expansion", input.DefaultMaxAliasExpansion,
		"refuse documents whose YAML aliases would add more than `N` nodes when expanded (billion laughs)")
	fl.IntVar(&f.maxObjects, "max-objects", scan.DefaultMaxObjects, "stop with an error when the input holds more than `N` objects in all")
}

// apply sets the limits on scan options.
func (f *limitFlags) apply(o *scan.Options) {
	o.Limits = f.limits
	o.MaxObjects = f.maxObjects
}
