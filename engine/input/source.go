package input

import (
	"github.com/shipshape-dev/shipshape/engine/azure"
	"github.com/shipshape-dev/shipshape/engine/azure/source"
)

// sourceError is the File of infrastructure source that could not be read.
func sourceError(name string, err error) *File {
	return &File{Name: name, Errors: []error{&Error{File: name, Document: -1, Err: err}}}
}

// sourceObjects are the objects of resources read from infrastructure
// source (Terraform, Bicep), each field on the file and line that place
// gives for its path in the source document; format, when set, names the
// source format in place of the document's.
func sourceObjects(name string, resources []azure.Resource, format string, place func([]any) (string, int, bool), notRead []Ignored, files int) *File {
	f := &File{Name: name, Ignored: notRead, Documents: files}
	for i, r := range resources {
		inDeployment(r.Value, name)
		locate := r.Locate
		file, line, _ := place(locate(nil))
		if format != "" {
			r.Value["format"] = format
		}
		o := &Object{Source: Source{File: file, Line: line, Item: []int{i}}, Value: r.Value}
		o.place = func(path []any) Location {
			pf, pl, ok := place(locate(path))
			switch {
			case !ok:
				return Location{Line: o.Line}
			case pf != o.File:
				return Location{File: pf, Line: pl}
			}
			return Location{Line: pl}
		}
		f.Objects = append(f.Objects, o)
	}
	return f
}

// located adapts a source reader's Place method and its list of what it
// did not read (Terraform's and Bicep's share engine/azure/source).
func located(place func([]any) (source.Place, bool), skipped []source.Skipped) (func([]any) (string, int, bool), []Ignored) {
	var notRead []Ignored
	for _, s := range skipped {
		notRead = append(notRead, Ignored{Path: s.Path, Reason: s.Reason})
	}
	return func(path []any) (string, int, bool) {
		p, ok := place(path)
		return p.File, p.Line, ok
	}, notRead
}
