package integrations

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/tests/internal/testbin"
)

// imageConfig trusts the registries the image's bases come from: the
// Dockerfile passes every Dockerfile control with them trusted.
const imageConfig = "settings:\n  allowedRegistries: [docker.io/library, gcr.io/distroless]\n"

func TestImageDockerfilePassesShipshape(t *testing.T) {
	root := testbin.RepoRoot()
	config := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(config, []byte(imageConfig), 0o644))
	r := runIn(t, root, nil, binary, "scan", "--config", config, "--fail-on", "low", "-o", "json", "Dockerfile")
	assert.Equal(t, 0, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, `"violations": 0`)
	assert.Contains(t, r.stdout, `"objects": 1`, "the Dockerfile was judged")

	data, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	require.NoError(t, err)
	text := string(data)
	froms := regexp.MustCompile(`(?m)^FROM\s+(\S+)`).FindAllStringSubmatch(text, -1)
	require.GreaterOrEqual(t, len(froms), 2, "multi-stage")
	for _, f := range froms {
		assert.Regexp(t, `@sha256:[0-9a-f]{64}$`, f[1], "base pinned by digest")
	}
	final := text[strings.LastIndex(text, "\nFROM "):]
	assert.Contains(t, final, "static", "a static base: the binary needs no libc")
	assert.Regexp(t, `(?m)^USER [1-9][0-9]*:[1-9][0-9]*$`, final, "a numeric non-root user, which runAsNonRoot can check")
	assert.NotRegexp(t, `(?m)^RUN `, final, "the final stage runs nothing: it has no shell")
	assert.Regexp(t, `(?m)^ENTRYPOINT \["`, final, "exec form: no shell needed")
	assert.Regexp(t, `CGO_ENABLED=0`, text, "a static binary")
}

func TestMakeImageSaysWhenNoBuilderRuns(t *testing.T) {
	if exec.Command("docker", "info").Run() == nil {
		t.Skip("a Docker engine runs here: make image would build for real")
	}
	if _, err := exec.LookPath("podman"); err == nil {
		t.Skip("podman is here")
	}
	if _, err := exec.LookPath("buildah"); err == nil {
		t.Skip("buildah is here")
	}
	r := runIn(t, testbin.RepoRoot(), nil, "make", "--no-print-directory", "image")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "no container builder runs here")
}
