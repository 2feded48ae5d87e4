// Package testbin builds the shipshape binary for the suites that test it
// end to end, the way a user runs it.
package testbin

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// RepoRoot is the repository's root directory.
func RepoRoot() string {
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		return filepath.Join(filepath.Dir(file), "..", "..", "..")
	}
	// Built with -trimpath: every suite runs two levels below the root.
	wd, _ := os.Getwd()
	return filepath.Join(wd, "..", "..")
}

// Build builds cmd/shipshape into dir, with the library's plan embedded as
// `make build` does, and returns the executable's path. It compiles as
// `make release` does (static, -trimpath), so the suites share the build
// cache with the release test and run what users download.
func Build(dir string) (string, error) {
	makeplan := exec.Command("go", "run", "./bundles/plan/makeplan")
	makeplan.Dir = RepoRoot()
	if out, err := makeplan.CombinedOutput(); err != nil {
		return "", fmt.Errorf("planning the library: %w\n%s", err, out)
	}
	bin := filepath.Join(dir, "shipshape")
	build := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-o", bin, "./cmd/shipshape")
	build.Dir = RepoRoot()
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building shipshape: %w\n%s", err, out)
	}
	return bin, nil
}

// BuildT builds the binary into the test's temporary directory.
func BuildT(t testing.TB) string {
	t.Helper()
	bin, err := Build(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// Main is a TestMain body: it builds the binary once, stores its path in
// *binary, runs the tests and exits with their code.
func Main(m *testing.M, binary *string) {
	dir, err := os.MkdirTemp("", "shipshape-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	*binary, err = Build(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.RemoveAll(dir)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
