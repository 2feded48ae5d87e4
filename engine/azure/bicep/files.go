package bicep

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
)

// files is where a Bicep file and its modules are read: the disk, or an fs.FS (the
// library's embedded case fixtures).
type files interface {
	ReadFile(name string) ([]byte, error)
	Stat(name string) (fs.FileInfo, error)
	Join(elem ...string) string
	Dir(name string) string
}

// disk reads the operating system's files.
type disk struct{}

func (disk) ReadFile(name string) ([]byte, error)  { return os.ReadFile(name) }
func (disk) Stat(name string) (fs.FileInfo, error) { return os.Stat(name) }
func (disk) Join(elem ...string) string            { return filepath.Join(elem...) }
func (disk) Dir(name string) string                { return filepath.Dir(name) }

// fsFiles reads an fs.FS, with slash-separated names.
type fsFiles struct{ fsys fs.FS }

func (f fsFiles) ReadFile(name string) ([]byte, error)  { return fs.ReadFile(f.fsys, name) }
func (f fsFiles) Stat(name string) (fs.FileInfo, error) { return fs.Stat(f.fsys, name) }
func (fsFiles) Join(elem ...string) string              { return path.Join(elem...) }
func (fsFiles) Dir(name string) string                  { return path.Dir(name) }
