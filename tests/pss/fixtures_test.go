package pss

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/pod-security-admission/api"

	"github.com/shipshape-dev/shipshape/engine/input"
)

// fixtureRoot finds the upstream module's test fixtures the way the issue
// prescribes: through `go list -m -f {{.Dir}}`.
func fixtureRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "k8s.io/pod-security-admission").Output()
	require.NoError(t, err, "go list -m k8s.io/pod-security-admission")
	dir := filepath.Join(strings.TrimSpace(string(out)), "test", "testdata")
	require.DirExists(t, dir)
	return dir
}

// newestVersion returns the highest vMAJOR.MINOR directory.
func newestVersion(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var versions []string
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), "v1.") {
			versions = append(versions, e.Name())
		}
	}
	require.NotEmpty(t, versions)
	sort.Slice(versions, func(i, j int) bool { return minor(versions[i]) < minor(versions[j]) })
	return versions[len(versions)-1]
}

func minor(v string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(v, "v1."))
	return n
}

// checkOfFixture maps a fixture name ("capabilities_baseline3.yaml") to the
// control that must flag it at a level. At Restricted, upstream replaces
// some Baseline checks with their Restricted variants.
func checkOfFixture(level api.Level, file string) string {
	name := strings.TrimRight(strings.TrimSuffix(file, ".yaml"), "0123456789")
	for id, control := range controlFor {
		if strings.EqualFold(string(id), name) {
			if level == api.LevelRestricted {
				switch control {
				case "SS-PSS-004":
					return "SS-PSS-106"
				case "SS-PSS-005":
					return "SS-PSS-101"
				case "SS-PSS-010":
					return "SS-PSS-107"
				case "SS-PSS-011":
					return "SS-PSS-105"
				}
			}
			return control
		}
	}
	return ""
}

// TestUpstreamFixtures runs every newest-version fixture of both levels.
func TestUpstreamFixtures(t *testing.T) {
	h := newHarness(t)
	root := fixtureRoot(t)
	total := 0
	for _, level := range []api.Level{api.LevelBaseline, api.LevelRestricted} {
		levelDir := filepath.Join(root, string(level))
		version := newestVersion(t, levelDir)
		t.Logf("%s fixtures: %s", level, version)
		for _, outcome := range []string{"pass", "fail"} {
			dir := filepath.Join(levelDir, version, outcome)
			files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
			require.NoError(t, err)
			require.NotEmpty(t, files, dir)
			for _, file := range files {
				name := filepath.Base(file)
				t.Run(string(level)+"/"+outcome+"/"+name, func(t *testing.T) {
					f := input.ReadFile(context.Background(), file, input.Options{})
					require.Empty(t, f.Errors)
					require.Len(t, f.Objects, 1)
					got, msgs := h.shipshape(t, f.Objects[0])
					assert.False(t, got.failedChecks[wellFormed], "%s flagged an upstream fixture: %q", wellFormed, msgs)
					if outcome == "pass" {
						assert.True(t, got.levels[level], "fixture should be allowed at %s: %q", level, msgs)
						return
					}
					assert.False(t, got.levels[level], "fixture should be denied at %s", level)
					want := checkOfFixture(level, name)
					require.NotEmpty(t, want, "no control known for fixture %s", name)
					assert.True(t, got.failedChecks[want], "%s should flag %s; got %q", want, name, msgs)
				})
				total++
			}
		}
	}
	t.Logf("%d upstream fixtures judged", total)
}
