package bicep

import "github.com/shipshape-dev/shipshape/engine/azure/source"

// files is where source is read: the disk, or an fs.FS (the library's
// embedded case fixtures).
type files = source.Files
