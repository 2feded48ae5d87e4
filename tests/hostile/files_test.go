//go:build unix

package hostile

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\nspec: {containers: [{name: c, image: x}]}\n"

// scanDir runs `shipshape scan -o json` on a directory.
func scanDir(t *testing.T, dir string) outcome {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, "scan", "-o", "json", "--scope", "manifests", dir)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	require.NoError(t, ctx.Err(), "the scan of %s did not finish: hung", dir)
	o := outcome{stderr: errb.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		o.code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &o.report), "the report is JSON: %s", o.stderr)
	return o
}

func (o outcome) summary(key string) float64 {
	return o.report["summary"].(map[string]any)[key].(float64)
}

// TestANamedPipeIsListedNotWaitedOn: a FIFO among the scanned files would
// block a read until some process writes to it; the scan lists it as not
// read and judges the rest.
func TestANamedPipeIsListedNotWaitedOn(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "pipe.yaml"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "pod.yaml"), []byte(pod), 0o644))
	o := scanDir(t, dir)
	assert.Equal(t, 1, o.code, o.stderr)
	assert.Equal(t, 1.0, o.summary("objects"))
	assert.Equal(t, 1.0, o.summary("ignored"))
	ignored := o.report["ignored"].([]any)
	require.Len(t, ignored, 1)
	assert.Equal(t, filepath.Join(dir, "pipe.yaml"), ignored[0].(map[string]any)["path"])
	assert.Contains(t, ignored[0].(map[string]any)["reason"], "named pipe")
}

// TestSignalsStopAScan: SIGTERM or SIGINT stop a scan that waits on input
// (standard input no writer closes), promptly and with a failing exit code.
func TestSignalsStopAScan(t *testing.T) {
	for _, sig := range []os.Signal{syscall.SIGTERM, os.Interrupt} {
		t.Run(sig.String(), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
			defer cancel()
			cmd := exec.CommandContext(ctx, binary, "scan", "-")
			stdin, err := cmd.StdinPipe()
			require.NoError(t, err)
			defer stdin.Close()
			var errb bytes.Buffer
			cmd.Stderr = &errb
			require.NoError(t, cmd.Start())
			_, err = stdin.Write([]byte(pod))
			require.NoError(t, err)
			// Let it start reading; a signal before the handler is set
			// would only kill it, which proves nothing.
			time.Sleep(time.Second)
			require.NoError(t, cmd.Process.Signal(sig))
			stopped := make(chan error, 1)
			go func() { stopped <- cmd.Wait() }()
			select {
			case err = <-stopped:
			case <-time.After(30 * time.Second):
				t.Fatalf("the scan ignored %v: still running after 30s", sig)
			}
			var ee *exec.ExitError
			require.ErrorAs(t, err, &ee)
			assert.Equal(t, 2, ee.ExitCode(), errb.String())
			assert.Contains(t, errb.String(), "interrupted")
		})
	}
}

// TestAnUnreadableDirectoryIsNamedAndTheRestJudged: a directory the scan
// cannot read is an input error that names it (exit 2), and the files
// beside it are judged and reported. The tests run as root, which
// permissions do not stop: the directory is one whose path is longer than
// the system accepts (ENAMETOOLONG), which no user can read either.
func TestAnUnreadableDirectoryIsNamedAndTheRestJudged(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "pod.yaml"), []byte(pod), 0o644))
	deep := tooDeep(t, filepath.Join(dir, "deep"))
	o := scanDir(t, dir)
	assert.Equal(t, 2, o.code, o.stderr)
	assert.Equal(t, 1.0, o.summary("objects"), "the readable file is judged")
	assert.NotEmpty(t, o.findings())
	require.Len(t, o.errors(), 1)
	assert.Contains(t, o.errors()[0], deep[:300], "the error names the directory")
	assert.Contains(t, o.errors()[0], "file name too long")
}

// tooDeep makes a chain of directories under base whose path is longer than
// PATH_MAX, creating each relative to its parent, and returns the path of
// the first one that cannot be opened by its path.
func tooDeep(t *testing.T, base string) string {
	t.Helper()
	require.NoError(t, os.Mkdir(base, 0o755))
	fd, err := syscall.Open(base, syscall.O_RDONLY|syscall.O_DIRECTORY, 0)
	require.NoError(t, err)
	name := strings.Repeat("d", 200)
	path := base
	for len(path) <= 4096 {
		require.NoError(t, syscall.Mkdirat(fd, name, 0o755))
		next, err := syscall.Openat(fd, name, syscall.O_RDONLY|syscall.O_DIRECTORY, 0)
		require.NoError(t, err)
		require.NoError(t, syscall.Close(fd))
		fd = next
		path = filepath.Join(path, name)
	}
	require.NoError(t, syscall.Close(fd))
	return path
}
