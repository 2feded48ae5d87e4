package integrations

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/shipshape-dev/shipshape/tests/internal/testbin"
)

// actionFile is action.yml, the parts the runner reads for a composite
// action.
type actionFile struct {
	Name   string `json:"name"`
	Inputs map[string]struct {
		Description string `json:"description"`
		Default     string `json:"default"`
	} `json:"inputs"`
	Outputs map[string]struct {
		Description string `json:"description"`
		Value       string `json:"value"`
	} `json:"outputs"`
	Runs struct {
		Using string `json:"using"`
		Steps []struct {
			ID    string            `json:"id"`
			Shell string            `json:"shell"`
			Env   map[string]string `json:"env"`
			Run   string            `json:"run"`
			Uses  string            `json:"uses"`
		} `json:"steps"`
	} `json:"runs"`
}

// runner runs the action's steps as a GitHub runner runs a composite
// action: each `run` with `bash --noprofile --norc -eo pipefail`, its env
// with ${{ }} expressions evaluated, GITHUB_OUTPUT and GITHUB_PATH files
// per step, RUNNER_* set, in the workspace.
type runner struct {
	t         *testing.T
	action    actionFile
	workspace string
	ref       string
	env       []string // the job's environment (test overrides)
}

type actionRun struct {
	outputs map[string]string // the action's outputs
	code    int               // the failing step's exit code, or 0
	failed  string            // the failing step's id
	log     string            // every step's stdout and stderr
}

var expression = regexp.MustCompile(`\$\{\{\s*([a-z_.-]+)\s*\}\}`)

func (r *runner) run(inputs map[string]string) actionRun {
	t := r.t
	t.Helper()
	temp := t.TempDir()
	steps := map[string]map[string]string{}
	var log strings.Builder
	eval := func(text string) string {
		return expression.ReplaceAllStringFunc(text, func(m string) string {
			key := expression.FindStringSubmatch(m)[1]
			switch {
			case strings.HasPrefix(key, "inputs."):
				name := strings.TrimPrefix(key, "inputs.")
				in, ok := r.action.Inputs[name]
				require.True(t, ok, "action.yml uses undeclared input %s", name)
				if v, ok := inputs[name]; ok {
					return v
				}
				return in.Default
			case strings.HasPrefix(key, "steps."):
				parts := strings.Split(key, ".") // steps.ID.outputs.NAME
				require.Len(t, parts, 4, key)
				return steps[parts[1]][parts[3]]
			case key == "github.action_path":
				return testbin.RepoRoot()
			case key == "github.action_ref":
				return r.ref
			case key == "github.action_repository":
				return "shipshape-dev/shipshape"
			}
			t.Fatalf("action.yml uses %s, which this runner does not provide", key)
			return ""
		})
	}
	for name := range inputs {
		require.Contains(t, r.action.Inputs, name, "the test sets an input action.yml lacks")
	}
	runnerOS := map[string]string{"linux": "Linux", "darwin": "macOS", "windows": "Windows"}[runtime.GOOS]
	runnerArch := map[string]string{"amd64": "X64", "arm64": "ARM64"}[runtime.GOARCH]
	pathFile := filepath.Join(temp, "path")
	var extraPath []string
	for i, step := range r.action.Runs.Steps {
		if step.Uses != "" {
			continue
		}
		require.Equal(t, "bash", step.Shell, "step %d", i)
		output := filepath.Join(temp, fmt.Sprintf("output-%d", i))
		env := append(os.Environ(), r.env...)
		env = append(env,
			"GITHUB_OUTPUT="+output, "GITHUB_PATH="+pathFile, "GITHUB_WORKSPACE="+r.workspace,
			"RUNNER_TEMP="+temp, "RUNNER_OS="+runnerOS, "RUNNER_ARCH="+runnerArch, "CI=true", "GITHUB_ACTIONS=true",
			"PATH="+strings.Join(append(extraPath, os.Getenv("PATH")), string(os.PathListSeparator)))
		for k, v := range step.Env {
			env = append(env, k+"="+eval(v))
		}
		cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step.Run)
		cmd.Dir = r.workspace
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		log.Write(out)
		steps[step.ID] = readOutputs(t, output)
		if data, err := os.ReadFile(pathFile); err == nil {
			extraPath = strings.Fields(string(data))
		}
		if err != nil {
			exit, ok := err.(*exec.ExitError)
			require.True(t, ok, err)
			return actionRun{code: exit.ExitCode(), failed: step.ID, log: log.String(), outputs: map[string]string{}}
		}
	}
	outputs := map[string]string{}
	for name, o := range r.action.Outputs {
		outputs[name] = eval(o.Value)
	}
	return actionRun{outputs: outputs, log: log.String()}
}

// readOutputs parses a GITHUB_OUTPUT file (name=value lines).
func readOutputs(t *testing.T, file string) map[string]string {
	out := map[string]string{}
	data, err := os.ReadFile(file)
	if os.IsNotExist(err) {
		return out
	}
	require.NoError(t, err)
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			out[k] = v
		}
	}
	return out
}

func loadAction(t *testing.T) actionFile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testbin.RepoRoot(), "action.yml"))
	require.NoError(t, err)
	var a actionFile
	require.NoError(t, yaml.Unmarshal(data, &a))
	require.Equal(t, "composite", a.Runs.Using)
	for _, name := range []string{"path", "profile", "fail-on", "format", "baseline", "config", "version"} {
		assert.Contains(t, a.Inputs, name, "the issue's inputs")
	}
	return a
}

// fakeRelease lays the built binary out as a GitHub release of version v
// (file:// URLs stand in for https://github.com/.../releases/download).
func fakeRelease(t *testing.T, v string, tamper bool) string {
	t.Helper()
	base := t.TempDir()
	dir := filepath.Join(base, "v"+v)
	require.NoError(t, os.MkdirAll(dir, 0o755))
	name := fmt.Sprintf("shipshape_%s_%s_%s", v, runtime.GOOS, runtime.GOARCH)
	data, err := os.ReadFile(binary)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o755))
	sum := sha256.Sum256(data)
	if tamper {
		sum[0] ^= 0xff
	}
	sums := fmt.Sprintf("%s  %s\n%s  other_file\n", hex.EncodeToString(sum[:]), name, strings.Repeat("0", 64))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "SHA256SUMS"), []byte(sums), 0o644))
	return "file://" + base
}

const actionBad = `apiVersion: v1
kind: Pod
metadata: {name: debug, namespace: shop}
spec:
  hostPID: true
  containers:
    - name: debug
      image: contoso.azurecr.io/debug:1.0.0
`

const actionGood = `apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
data: {level: info}
`

func TestActionInstallsAReleaseAndGates(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the runner harness uses bash")
	}
	action := loadAction(t)
	workspace := t.TempDir()
	writeFiles(t, workspace, map[string]string{"k8s/pod.yaml": actionBad, "ok/config.yaml": actionGood})
	r := &runner{t: t, action: action, workspace: workspace, ref: "v9.9.9",
		env: []string{"SHIPSHAPE_DOWNLOAD_URL=" + fakeRelease(t, "9.9.9", false)}}

	t.Run("violations fail the step, with SARIF and annotations", func(t *testing.T) {
		run := r.run(map[string]string{"path": "k8s", "profile": "pss-baseline"})
		assert.Equal(t, 1, run.code, run.log)
		assert.Equal(t, "scan", run.failed)
		assert.Regexp(t, `(?m)^::error file=k8s/pod.yaml,line=5,title=SS-PSS-002`, run.log, "an annotation on the pod's line")
		sarif, err := os.ReadFile(filepath.Join(workspace, "shipshape.sarif"))
		require.NoError(t, err)
		var doc struct {
			Runs []struct{ Results []any } `json:"runs"`
		}
		require.NoError(t, json.Unmarshal(sarif, &doc))
		require.Len(t, doc.Runs, 1)
		assert.NotEmpty(t, doc.Runs[0].Results)
	})
	t.Run("a clean scan passes and sets the outputs", func(t *testing.T) {
		run := r.run(map[string]string{"path": "ok", "sarif-file": "out/report.sarif", "annotations": "false"})
		require.Equal(t, 0, run.code, run.log)
		assert.Equal(t, "0", run.outputs["exit-code"])
		assert.Equal(t, "out/report.sarif", run.outputs["sarif-file"])
		assert.Regexp(t, `^\d+\.\d+\.\d+`, run.outputs["version"], "what the installed binary reports")
		assert.NotContains(t, run.log, "::error")
	})
	t.Run("fail-on, format and args reach the CLI", func(t *testing.T) {
		run := r.run(map[string]string{"path": "k8s", "profile": "pss-baseline", "fail-on": "critical", "format": "json", "args": "--no-color -v"})
		require.Equal(t, 0, run.code, "hostPID is high, under the critical threshold: "+run.log)
		assert.Contains(t, run.log, `"violations": 1`)
	})
	t.Run("an input error is exit 2", func(t *testing.T) {
		run := r.run(map[string]string{"path": "missing"})
		assert.Equal(t, 2, run.code, run.log)
	})
	t.Run("a tampered release is refused", func(t *testing.T) {
		bad := &runner{t: t, action: action, workspace: workspace, ref: "v9.9.9",
			env: []string{"SHIPSHAPE_DOWNLOAD_URL=" + fakeRelease(t, "9.9.9", true)}}
		run := bad.run(map[string]string{"path": "ok"})
		assert.Equal(t, "install", run.failed)
		assert.NotEqual(t, 0, run.code)
		assert.Contains(t, run.log, "does not match the SHA256SUMS")
	})
	t.Run("a version the release lacks is a clear error", func(t *testing.T) {
		run := r.run(map[string]string{"path": "ok", "version": "1.2.3"})
		assert.Equal(t, "install", run.failed)
		assert.Contains(t, run.log, "cannot download")
	})
}

// sourceArchive writes the working tree as GitHub's archive of a commit
// (one top folder, as .../archive/SHA.tar.gz holds).
func sourceArchive(t *testing.T, sha string) string {
	t.Helper()
	root := testbin.RepoRoot()
	list, err := exec.Command("git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	require.NoError(t, err)
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, sha+".tar.gz"))
	require.NoError(t, err)
	defer f.Close()
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	for _, name := range strings.Split(strings.TrimRight(string(list), "\x00"), "\x00") {
		src, err := os.Open(filepath.Join(root, name))
		if os.IsNotExist(err) {
			continue
		}
		require.NoError(t, err)
		info, err := src.Stat()
		require.NoError(t, err)
		require.NoError(t, tw.WriteHeader(&tar.Header{Name: "shipshape-" + sha + "/" + name, Mode: int64(info.Mode().Perm()), Size: info.Size(), Typeflag: tar.TypeReg}))
		_, err = io.Copy(tw, src)
		src.Close()
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	require.NoError(t, gz.Close())
	return "file://" + dir
}

func TestActionBuildsACommitFromSource(t *testing.T) {
	if testing.Short() {
		t.Skip("builds shipshape from a source archive")
	}
	sha := strings.Repeat("ab", 20)
	workspace := t.TempDir()
	writeFiles(t, workspace, map[string]string{"k8s/pod.yaml": actionBad})
	r := &runner{t: t, action: loadAction(t), workspace: workspace, ref: "main",
		env: []string{"SHIPSHAPE_SOURCE_URL=" + sourceArchive(t, sha)}}
	run := r.run(map[string]string{"path": "k8s", "version": sha, "profile": "pss-baseline"})
	assert.Equal(t, 1, run.code, run.log)
	assert.Equal(t, "scan", run.failed)
	assert.Contains(t, run.log, "::error file=k8s/pod.yaml")
}
