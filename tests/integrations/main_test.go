// Package integrations tests what users wire shipshape into, the way their
// tools run it: the pre-commit hooks, the GitHub Action's script steps,
// the container image's Dockerfile and the release build.
package integrations

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/tests/internal/testbin"
)

var binary string

func TestMain(m *testing.M) { testbin.Main(m, &binary) }

// result is a finished command.
type result struct {
	code           int
	stdout, stderr string
}

// runIn runs a command in dir with env added to the environment.
func runIn(t *testing.T, dir string, env []string, name string, args ...string) result {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if err != nil {
		exit, ok := err.(*exec.ExitError)
		require.True(t, ok, "%s: %v", name, err)
		code = exit.ExitCode()
	}
	return result{code, stdout.String(), stderr.String()}
}

// writeFiles writes files (slash paths relative to dir).
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	}
}

// pathWith returns a PATH whose first entry holds the built binary.
func pathWith(t *testing.T) string {
	t.Helper()
	return "PATH=" + filepath.Dir(binary) + string(os.PathListSeparator) + os.Getenv("PATH")
}
