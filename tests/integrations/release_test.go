package integrations

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/tests/internal/testbin"
)

// releaseInto runs the release tool in dir (a checkout) for this machine's
// platform and returns what it wrote, by name.
func releaseInto(t *testing.T, checkout, out string) map[string][]byte {
	t.Helper()
	r := runIn(t, checkout, nil, "go", "run", "./cmd/release", "-version", "9.9.9", "-targets", runtime.GOOS+"/"+runtime.GOARCH, "-o", out)
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	files := map[string][]byte{}
	entries, err := os.ReadDir(out)
	require.NoError(t, err)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(out, e.Name()))
		require.NoError(t, err)
		files[e.Name()] = data
	}
	return files
}

// copyCheckout copies the files git knows into a new directory elsewhere,
// as another machine's clone (with the plan `make plan` wrote).
func copyCheckout(t *testing.T) string {
	t.Helper()
	root := testbin.RepoRoot()
	dst := t.TempDir()
	list, err := exec.Command("git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	require.NoError(t, err)
	names := strings.Split(strings.TrimRight(string(list), "\x00"), "\x00")
	names = append(names, "bundles/plan/built/library.plan")
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(root, name))
		if os.IsNotExist(err) {
			continue
		}
		require.NoError(t, err)
		p := filepath.Join(dst, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, data, 0o644))
	}
	return dst
}

func TestReleaseIsReproducibleAndDescribed(t *testing.T) {
	first := releaseInto(t, testbin.RepoRoot(), t.TempDir())
	second := releaseInto(t, copyCheckout(t), t.TempDir())

	name := "shipshape_9.9.9_" + runtime.GOOS + "_" + runtime.GOARCH
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	sbomName := strings.TrimSuffix(name, ".exe") + ".cdx.json"
	require.Contains(t, first, name)
	require.Contains(t, first, sbomName)
	require.Contains(t, first, "SHA256SUMS")
	for file, data := range first {
		assert.True(t, bytes.Equal(data, second[file]), "%s differs between two checkouts of one commit", file)
	}
	bin := first[name]
	assert.False(t, bytes.Contains(bin, []byte(testbin.RepoRoot())), "the binary holds the checkout's path")

	// SHA256SUMS verifies every other file, as sha256sum -c reads it.
	sums := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(first["SHA256SUMS"]))
	for sc.Scan() {
		sum, file, ok := strings.Cut(sc.Text(), "  ")
		require.True(t, ok, sc.Text())
		sums[file] = sum
	}
	assert.Len(t, sums, len(first)-1)
	for file, data := range first {
		if file == "SHA256SUMS" {
			continue
		}
		got := sha256.Sum256(data)
		assert.Equal(t, hex.EncodeToString(got[:]), sums[file], file)
	}

	// The binary says its version, is static, and embeds the plan.
	dir := t.TempDir()
	exe := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(exe, bin, 0o755))
	r := runIn(t, dir, nil, exe, "version", "-o", "json")
	require.Equal(t, 0, r.code, r.stderr)
	var v struct{ Version, Evaluator string }
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &v))
	assert.Equal(t, "9.9.9", v.Version)
	assert.Equal(t, "planned", v.Evaluator)

	// The SBOM lists the modules compiled in, with go.mod's versions.
	var sbom struct {
		BOMFormat, SpecVersion string
		Metadata               struct {
			Component struct{ Name, Version string }
		}
		Components []struct{ Name, Version, Purl string }
	}
	require.NoError(t, json.Unmarshal(first[sbomName], &sbom))
	assert.Equal(t, "CycloneDX", sbom.BOMFormat)
	assert.Equal(t, "1.5", sbom.SpecVersion)
	assert.Equal(t, "9.9.9", sbom.Metadata.Component.Version)
	gomod, err := os.ReadFile(filepath.Join(testbin.RepoRoot(), "go.mod"))
	require.NoError(t, err)
	found := false
	for _, c := range sbom.Components {
		if c.Name == "github.com/open-policy-agent/opa" {
			found = true
			assert.Contains(t, string(gomod), "github.com/open-policy-agent/opa "+c.Version)
			assert.Equal(t, "pkg:golang/github.com/open-policy-agent/opa@"+c.Version, c.Purl)
		}
	}
	assert.True(t, found, "OPA is in the SBOM")
}
