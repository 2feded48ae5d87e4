// Package source holds what the readers of infrastructure source share
// (Terraform's, engine/azure/tfsrc, and Bicep's, engine/azure/bicep): where
// each value of the document they build is written, what they did not
// read and why, and the files they read, from the disk or from an fs.FS
// (the library's embedded case fixtures).
package source

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Place is where a value is written.
type Place struct {
	File string
	Line int
}

// Skipped is a path that was not read, and why.
type Skipped struct {
	Path, Reason string
}

// Places maps paths of a built document to where their values are
// written.
type Places map[string]Place

// Set records where the value at path is written.
func (p Places) Set(path []any, at Place) { p[key(path)] = at }

// Find returns where the value at path is written: the path itself or its
// nearest ancestor that has a place.
func (p Places) Find(path []any) (Place, bool) {
	for n := len(path); n > 0; n-- {
		if at, ok := p[key(path[:n])]; ok {
			return at, true
		}
	}
	return Place{}, false
}

func key(path []any) string {
	var b strings.Builder
	for _, p := range path {
		fmt.Fprintf(&b, "%v\x00", p)
	}
	return b.String()
}

// Files is where source files are read.
type Files interface {
	ReadFile(name string) ([]byte, error)
	Stat(name string) (fs.FileInfo, error)
	Glob(pattern string) ([]string, error)
	Join(elem ...string) string
	Dir(name string) string
}

// Disk reads the operating system's files.
type Disk struct{}

func (Disk) ReadFile(name string) ([]byte, error)  { return os.ReadFile(name) }
func (Disk) Stat(name string) (fs.FileInfo, error) { return os.Stat(name) }
func (Disk) Glob(pattern string) ([]string, error) { return filepath.Glob(pattern) }
func (Disk) Join(elem ...string) string            { return filepath.Join(elem...) }
func (Disk) Dir(name string) string                { return filepath.Dir(name) }

// FS reads an fs.FS, with slash-separated names.
type FS struct{ FS fs.FS }

func (f FS) ReadFile(name string) ([]byte, error)  { return fs.ReadFile(f.FS, name) }
func (f FS) Stat(name string) (fs.FileInfo, error) { return fs.Stat(f.FS, name) }
func (f FS) Glob(pattern string) ([]string, error) { return fs.Glob(f.FS, pattern) }
func (FS) Join(elem ...string) string              { return path.Join(elem...) }
func (FS) Dir(name string) string                  { return path.Dir(name) }
