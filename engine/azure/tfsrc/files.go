package tfsrc

import "github.com/shipshape-dev/shipshape/engine/azure/source"

// files is where source is read: the disk, or an fs.FS (the library's
// embedded case fixtures).
type files = source.Files

// globFiles is Glob without the directories it matches: a folder named
// like a file (fixtures.tf/) is not Terraform source, as for terraform.
func globFiles(src files, pattern string) ([]string, error) {
	names, err := src.Glob(pattern)
	if err != nil {
		return nil, err
	}
	out := names[:0]
	for _, n := range names {
		if info, err := src.Stat(n); err == nil && info.IsDir() {
			continue
		}
		out = append(out, n)
	}
	return out, nil
}
