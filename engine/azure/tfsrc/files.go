package tfsrc

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
)

// files is where a module's files are read: the disk, or an fs.FS (the
// library's embedded case fixtures).
type files interface {
	ReadFile(name string) ([]byte, error)
	Stat(name string) (fs.FileInfo, error)
	Glob(pattern string) ([]string, error)
	Join(elem ...string) string
}

// disk reads the operating system's files.
type disk struct{}

func (disk) ReadFile(name string) ([]byte, error)  { return os.ReadFile(name) }
func (disk) Stat(name string) (fs.FileInfo, error) { return os.Stat(name) }
func (disk) Glob(pattern string) ([]string, error) { return filepath.Glob(pattern) }
func (disk) Join(elem ...string) string            { return filepath.Join(elem...) }

// fsFiles reads an fs.FS, with slash-separated names.
type fsFiles struct{ fsys fs.FS }

func (f fsFiles) ReadFile(name string) ([]byte, error)  { return fs.ReadFile(f.fsys, name) }
func (f fsFiles) Stat(name string) (fs.FileInfo, error) { return fs.Stat(f.fsys, name) }
func (f fsFiles) Glob(pattern string) ([]string, error) { return fs.Glob(f.fsys, pattern) }
func (fsFiles) Join(elem ...string) string              { return path.Join(elem...) }

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
