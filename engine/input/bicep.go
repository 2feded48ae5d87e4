package input

import (
	"io/fs"
	"os"
	"path/filepath"

	"github.com/shipshape-dev/shipshape/engine/azure"
	"github.com/shipshape-dev/shipshape/engine/azure/bicep"
)

// FormatBicep is the format of objects read from Bicep source, which
// messages name as `ManagedCluster "x" (bicep)`.
const FormatBicep = "bicep"

// readBicep reads a .bicep file (and the local modules it calls), or a
// .bicepparam file and the Bicep file it uses, as a deployment would
// evaluate it, and judges its AKS and ACR resources, each on the .bicep
// line that writes it.
func readBicep(name string, opts Options) *File {
	cfg, err := bicep.Load(name, bicep.Options{MaxFileSize: opts.maxFileSize()})
	return bicepObjects(name, cfg, err)
}

// ReadBicepFS reads the Bicep file name of fsys (a case fixture of the
// embedded library) as readBicep reads one on disk.
func ReadBicepFS(fsys fs.FS, name string) *File {
	cfg, err := bicep.LoadFS(fsys, name, bicep.Options{})
	return bicepObjects(name, cfg, err)
}

// IsBicep reports whether a file is Bicep source (.bicep, .bicepparam).
func IsBicep(name string) bool { return bicep.IsSource(name) }

func bicepObjects(name string, cfg *bicep.Config, err error) *File {
	if err != nil {
		return sourceError(name, err)
	}
	place, notRead := located(cfg.Place, cfg.NotRead)
	return sourceObjects(name, azure.NormalizeWith(cfg.Template, nil), FormatBicep, place, notRead, len(cfg.Files))
}

// calledBicep lists the Bicep files that other Bicep sources among files
// call as local modules, or that a .bicepparam file uses: they are read
// through them, not on their own.
func calledBicep(files []string) map[string]bool {
	called := map[string]bool{}
	for _, f := range files {
		if !bicep.IsSource(f) {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, ref := range bicep.References(f, data, filepath.Dir, filepath.Join) {
			called[filepath.Clean(ref)] = true
		}
	}
	return called
}
