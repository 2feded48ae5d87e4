// Package newcomer follows CONTRIBUTING.md in a copy of the repository:
// a control added with shipshape new control, two edits and make generate
// passes every check without touching any other file.
package newcomer

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/tests/internal/testbin"
)

func TestANewcomerAddsAControl(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and regenerates a copy of the repository")
	}
	repo := copyRepository(t)
	controlsBefore := readmeCount(t, repo, "controls")

	out := run(t, repo, "go", "run", "./cmd/shipshape", "new", "control", "pod/no_demo_setting",
		"--requirement", "POD-01", "--framework", "cis-k8s=5.2.1", "--title", "Containers do not set the demo setting")
	id := regexp.MustCompile(`\((SS-POD-\d{3})\)`).FindStringSubmatch(out)
	require.NotNil(t, id, out)

	// The two edits: the rule, and its cases.
	folder := filepath.Join(repo, "library", "pod", "no_demo_setting")
	for _, file := range []string{"policy.rego", "cases.yaml"} {
		p := filepath.Join(folder, file)
		text, err := os.ReadFile(p)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(p, bytes.ReplaceAll(text, []byte("example"), []byte("demoSetting")), 0o644))
	}

	run(t, repo, "make", "generate")

	// Docs, counts and exports followed from the two files.
	assert.Equal(t, controlsBefore+1, readmeCount(t, repo, "controls"), "README's count")
	controls, err := os.ReadFile(filepath.Join(repo, "docs", "controls.md"))
	require.NoError(t, err)
	assert.Contains(t, string(controls), id[1])
	// The exports gain the control's own files; of the files already
	// there, only the all profile's selections and the export listings
	// change.
	folder = filepath.Join(repo, "bundles", "generated", "gatekeeper", "controls", strings.ToLower(id[1]))
	assert.FileExists(t, filepath.Join(folder, "template.yaml"))
	assert.FileExists(t, filepath.Join(folder, "tests", "suite.yaml"))
	modified := strings.Fields(run(t, repo, "git", "diff", "--name-only", "bundles/generated"))
	assert.ElementsMatch(t, []string{
		"bundles/generated/azure-policy/.shipshape-export",
		"bundles/generated/azure-policy/initiatives/shipshape-all.json",
		"bundles/generated/gatekeeper/.shipshape-export",
		"bundles/generated/gatekeeper/profiles/all/kustomization.yaml",
	}, modified)

	// The checks a control goes through: its cases, the conventions, the
	// planned evaluator against OPA's, and the shipshape test command.
	run(t, repo, "go", "test", "-count=1", "./library/")
	out = run(t, repo, "./bin/shipshape", "test", "--run", id[1]+"/")
	assert.Contains(t, out, "PASS: 2 cases")
}

// copyRepository copies the files git knows (tracked, and untracked but
// not ignored) into a temporary directory with a fresh git repository, as
// a newcomer's clone.
func copyRepository(t *testing.T) string {
	t.Helper()
	root := testbin.RepoRoot()
	dst := t.TempDir()
	list := run(t, root, "git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	for _, name := range strings.Split(strings.TrimRight(list, "\x00"), "\x00") {
		data, err := os.ReadFile(filepath.Join(root, name))
		if os.IsNotExist(err) {
			continue // deleted in the working tree
		}
		require.NoError(t, err)
		info, err := os.Stat(filepath.Join(root, name))
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dst, name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dst, name), data, info.Mode().Perm()))
	}
	// The shared folder beside the repository, where make looks for it.
	if shared := filepath.Join(root, "..", "shared"); exists(shared) {
		require.NoError(t, os.Symlink(shared, filepath.Join(filepath.Dir(dst), "shared")))
	}
	run(t, dst, "git", "init", "-q")
	run(t, dst, "git", "add", "-A")
	run(t, dst, "git", "-c", "user.name=newcomer", "-c", "user.email=newcomer@example.com", "commit", "-qm", "clone")
	return dst
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// readmeCount reads a count mark of the README.
func readmeCount(t *testing.T, repo, name string) int {
	t.Helper()
	text, err := os.ReadFile(filepath.Join(repo, "README.md"))
	require.NoError(t, err)
	m := regexp.MustCompile(`<!-- count:` + name + ` -->([0-9,]+)<!-- /count -->`).FindSubmatch(text)
	require.NotNil(t, m, "README has no %s count", name)
	n, err := strconv.Atoi(strings.ReplaceAll(string(m[1]), ",", ""))
	require.NoError(t, err)
	return n
}

func run(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s %s:\n%s", name, strings.Join(args, " "), out)
	return string(out)
}
