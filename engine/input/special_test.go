//go:build unix

package input

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDiscoverWalksOnPastUnreadableEntries: a directory that cannot be
// read is an error that names it, and the files beside it are still found.
// The walk reads directories through a function the test makes fail (the
// tests run as root, which permissions do not stop).
func TestDiscoverWalksOnPastUnreadableEntries(t *testing.T) {
	dir := t.TempDir()
	for _, rel := range []string{"a.yaml", "locked/hidden.yaml", "z/b.yaml"} {
		p := filepath.Join(dir, rel)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"), 0o644))
	}
	locked := filepath.Join(dir, "locked")
	readDir := func(name string) ([]fs.DirEntry, error) {
		if name == locked {
			return nil, &fs.PathError{Op: "open", Path: name, Err: syscall.EACCES}
		}
		return os.ReadDir(name)
	}
	files, errs := discover(context.Background(), []string{dir}, readDir)
	assert.Equal(t, []string{filepath.Join(dir, "a.yaml"), filepath.Join(dir, "z/b.yaml")}, files)
	require.Len(t, errs, 1)
	var ierr *Error
	require.ErrorAs(t, errs[0], &ierr)
	assert.Equal(t, locked, ierr.File)
	assert.ErrorIs(t, errs[0], syscall.EACCES)
	assert.Contains(t, errs[0].Error(), "permission denied")

	// A path that is not there is an error too, and the others are walked.
	files, errs = Discover(context.Background(), []string{filepath.Join(dir, "missing"), filepath.Join(dir, "z")})
	assert.Equal(t, []string{filepath.Join(dir, "z/b.yaml")}, files)
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0].Error(), "missing")

	// A walk stops when its context ends.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	files, _ = Discover(ctx, []string{dir})
	assert.Empty(t, files)
}

// guard runs f and fails the test if it has not returned in time: what it
// tests is that nothing waits forever.
func guard(t *testing.T, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("still waiting after 30s: hung")
	}
}

// TestSpecialFilesAreListedNotRead: a named pipe among the files is not
// opened for reading, which would wait for a writer forever; it is listed
// as not read, with why, and the files beside it are read.
func TestSpecialFilesAreListedNotRead(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.yaml")
	require.NoError(t, syscall.Mkfifo(fifo, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "good.yaml"), []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"), 0o644))

	files, errs := Discover(context.Background(), []string{dir})
	require.Empty(t, errs)
	require.Equal(t, []string{filepath.Join(dir, "good.yaml"), fifo}, files)
	var read []*File
	guard(t, func() {
		var err error
		read, err = ReadAll(context.Background(), files, Options{})
		assert.NoError(t, err)
	})
	require.Len(t, read, 2)
	assert.Len(t, read[0].Objects, 1)
	assert.Empty(t, read[1].Objects)
	assert.Empty(t, read[1].Errors)
	require.Len(t, read[1].Ignored, 1)
	assert.Equal(t, fifo, read[1].Ignored[0].Path)
	assert.Contains(t, read[1].Ignored[0].Reason, "a named pipe (FIFO), not a regular file: not read")

	// A device named on the command line is not read either.
	var dev *File
	guard(t, func() { dev = ReadFile(context.Background(), os.DevNull, Options{}) })
	require.Len(t, dev.Ignored, 1)
	assert.Contains(t, dev.Ignored[0].Reason, "a character device")
}

// TestReadingStopsWithTheContext: standard input that no writer closes
// does not hold a read that was told to stop.
func TestReadingStopsWithTheContext(t *testing.T) {
	r, w := io.Pipe()
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	var f *File
	guard(t, func() { f = ReadFile(ctx, Stdin, Options{Stdin: r}) })
	require.Len(t, f.Errors, 1)
	assert.True(t, errors.Is(f.Errors[0], context.Canceled), "%v", f.Errors[0])
}
