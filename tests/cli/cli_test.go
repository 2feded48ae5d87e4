// Package cli runs the shipshape binary end to end: every output format
// against golden files, exit codes, standard input, configuration errors,
// the test command with user libraries, and generated-docs drift.
package cli

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/tests/internal/testbin"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// binary is the shipshape executable built once for the package.
var binary string

func TestMain(m *testing.M) {
	flag.Parse()
	testbin.Main(m, &binary)
}

type result struct {
	stdout, stderr string
	code           int
}

// shipshape runs the binary in dir (the repository root when "").
func shipshape(t *testing.T, dir, stdin string, args ...string) result {
	t.Helper()
	if dir == "" {
		dir = testbin.RepoRoot()
	}
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return result{stdout: out.String(), stderr: errb.String(), code: code}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./tests/cli -update to create %s", path)
	assert.Equal(t, string(want), got, "%s differs; run go test ./tests/cli -update after checking the change", path)
}

func TestScanExamplesInEveryFormat(t *testing.T) {
	for format, file := range map[string]string{
		"text": "scan-examples.txt", "json": "scan-examples.json", "sarif": "scan-examples.sarif",
		"junit": "scan-examples.junit.xml", "github": "scan-examples.github",
	} {
		t.Run(format, func(t *testing.T) {
			r := shipshape(t, "", "", "scan", "--config", "examples/shipshape.yaml", "--evidence", "examples/evidence", "-o", format, "examples/good", "examples/bad")
			assert.Equal(t, 1, r.code, r.stderr)
			assert.Empty(t, r.stderr)
			golden(t, file, r.stdout)
		})
	}
}

func TestJSONContract(t *testing.T) {
	r := shipshape(t, "", "", "scan", "--config", "examples/shipshape.yaml", "--evidence", "examples/evidence", "-o", "json", "examples/good", "examples/bad")
	require.Equal(t, 1, r.code)
	var doc struct {
		Results []map[string]any `json:"results"`
		Summary map[string]any   `json:"summary"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc))
	require.NotEmpty(t, doc.Results)
	for _, res := range doc.Results {
		for _, key := range []string{"control", "severity", "title", "message", "file", "document", "line", "kind", "namespace", "name", "requirements"} {
			require.Contains(t, res, key)
		}
		assert.NotEmpty(t, res["file"], "%v", res)
		assert.Greater(t, res["line"].(float64), 0.0, "every result has a line: %v", res)
	}
	// Findings from every area of the library.
	areas := map[string]bool{}
	for _, res := range doc.Results {
		areas[strings.Split(res["control"].(string), "-")[1]] = true
	}
	for _, area := range []string{"K8S", "PSS", "IAM", "NET", "IMG", "POD", "SEC", "HA", "OPS"} {
		assert.True(t, areas[area], "no finding from area %s", area)
	}
	for _, key := range []string{"objects", "files", "controls", "violations", "by_severity"} {
		assert.Contains(t, doc.Summary, key)
	}
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"clean manifests", []string{"scan", "--config", "examples/shipshape.yaml", "--evidence", "examples/evidence", "examples/good"}, 0},
		{"clean manifests without their image evidence", []string{"scan", "--config", "examples/shipshape.yaml", "examples/good"}, 1},
		{"unreadable evidence", []string{"scan", "--config", "examples/shipshape.yaml", "--evidence", "examples/shipshape.yaml", "examples/good"}, 2},
		{"violations at or above high", []string{"scan", "examples/bad"}, 1},
		{"fail-on none", []string{"scan", "--fail-on", "none", "examples/bad"}, 0},
		{"only medium and high below critical", []string{"scan", "--profile", "pss-baseline", "--fail-on", "critical", "examples/bad/legacy-api.yaml"}, 0},
		{"critical found", []string{"scan", "--fail-on", "critical", "examples/bad/node-agent.yaml"}, 1},
		{"missing path", []string{"scan", "does/not/exist.yaml"}, 2},
		{"directory without manifests", []string{"scan", "docs"}, 2},
		{"bad fail-on", []string{"scan", "--fail-on", "severe", "examples/"}, 2},
		{"bad format", []string{"scan", "-o", "yaml", "examples/"}, 2},
		{"unknown profile", []string{"scan", "--profile", "nope", "examples/"}, 2},
		{"no arguments", []string{"scan"}, 2},
		{"unknown flag", []string{"scan", "--frobnicate", "examples/"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := shipshape(t, "", "", tt.args...)
			assert.Equal(t, tt.code, r.code, "stdout: %s\nstderr: %s", r.stdout, r.stderr)
		})
	}
}

func TestMalformedInputNamesFileAndLine(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ok.yaml"), []byte("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, image: x, securityContext: {privileged: true}}]}\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("apiVersion: v1\nkind: Pod\nmetadata:\n  name: [broken\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "dup.yaml"), []byte("apiVersion: v1\nkind: Pod\nspec:\n  hostPID: false\n  hostPID: true\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "noise.yaml"), []byte("\x00\xff\xfe garbage \x01: [\n"), 0o644))

	r := shipshape(t, dir, "", "scan", ".")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "bad.yaml:4: document 0: YAML syntax error", "errors go to stderr")
	assert.Contains(t, r.stderr, `dup.yaml:5: document 0: duplicate key "hostPID"`)
	assert.Contains(t, r.stderr, "noise.yaml")
	assert.NotContains(t, r.stdout, "error(s):")
	assert.Contains(t, r.stdout, "SS-PSS-003", "good files are still judged")
	assert.Contains(t, r.stdout, "incomplete: 3 error(s).", "the summary says the scan is incomplete")
	assert.NotContains(t, r.stderr, "panic")

	r = shipshape(t, dir, "", "scan", "-o", "json", "bad.yaml")
	assert.Equal(t, 2, r.code)
	var doc struct {
		Errors []struct {
			File string `json:"file"`
			Line int    `json:"line"`
		} `json:"errors"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc))
	require.Len(t, doc.Errors, 1)
	assert.Equal(t, "bad.yaml", doc.Errors[0].File)
	assert.Equal(t, 4, doc.Errors[0].Line)
}

func TestStdin(t *testing.T) {
	pod := "apiVersion: v1\nkind: Pod\nmetadata: {name: piped}\nspec:\n  hostNetwork: on\n  containers: [{name: a, image: x}]\n"
	r := shipshape(t, "", pod, "scan", "--profile", "pss-baseline", "-o", "json", "-")
	assert.Equal(t, 1, r.code, r.stderr)
	var doc struct {
		Results []struct {
			Control string `json:"control"`
			File    string `json:"file"`
			Line    int    `json:"line"`
		} `json:"results"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc))
	require.Len(t, doc.Results, 1)
	assert.Equal(t, "SS-PSS-002", doc.Results[0].Control)
	assert.Equal(t, "<stdin>", doc.Results[0].File)
	assert.Equal(t, 5, doc.Results[0].Line)
}

func TestConfigFile(t *testing.T) {
	dir := t.TempDir()
	manifest := filepath.Join(testbin.RepoRoot(), "examples", "bad", "legacy-api.yaml")
	require.NoError(t, os.WriteFile(filepath.Join(dir, ".shipshape.yaml"), []byte("profile: pss-baseline\nsettings:\n  systemNamespaces: [shop]\n  scanSystemNamespaces: false\n"), 0o644))
	r := shipshape(t, dir, "", "scan", "-o", "json", manifest)
	assert.Equal(t, 0, r.code, "the config's systemNamespaces excludes namespace shop when scans are told to: %s", r.stdout)
	assert.Contains(t, r.stdout, `"profile": "pss-baseline"`)
	assert.Contains(t, r.stdout, `"excluded": 1`)

	r = shipshape(t, dir, "", "scan", "--profile", "pss-restricted", "-o", "json", manifest)
	assert.Contains(t, r.stdout, `"profile": "pss-restricted"`, "--profile overrides the file")

	require.NoError(t, os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("profile: all\nsettings:\n  systemNamespace: [x]\n"), 0o644))
	r = shipshape(t, dir, "", "scan", "--config", "bad.yaml", manifest)
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, `bad.yaml:3: settings.systemNamespace: unknown key "systemNamespace"`)
}

func TestTestCommand(t *testing.T) {
	r := shipshape(t, "", "", "test")
	assert.Equal(t, 0, r.code, r.stdout)
	assert.Contains(t, r.stdout, "ok   SS-PSS-003")
	assert.Contains(t, r.stdout, "PASS: ")

	r = shipshape(t, "", "", "test", "--library", "tests/cli/testdata/userlib", "--run", "ACME")
	assert.Equal(t, 0, r.code, r.stdout)
	assert.Contains(t, r.stdout, "ok   ACME-001    Images are not tagged latest")
	assert.Contains(t, r.stdout, "PASS: 2 cases of ", "only the filtered cases run")

	r = shipshape(t, "", "", "test", "tests/cli/testdata/failinglib", "--run", "ACME")
	assert.Equal(t, 1, r.code, r.stdout)
	assert.Contains(t, r.stdout, "FAIL ACME-002")
	assert.Contains(t, r.stdout, `cases.yaml:4: case "this expectation is wrong on purpose": expected allow, got 1 violation(s)`)

	r = shipshape(t, "", "", "test", "--coverage", "--run", "SS-PSS-003/")
	assert.Equal(t, 0, r.code, r.stdout)
	assert.Contains(t, r.stdout, "library/pss/privileged/policy.rego")
	assert.Contains(t, r.stdout, "total (")

	r = shipshape(t, "", "", "test", "-o", "json", "--run", "SS-PSS-003/")
	assert.Equal(t, 0, r.code)
	assert.Contains(t, r.stdout, `"passed": true`)

	r = shipshape(t, "", "", "test", "--run", "SS-PSS-0003/")
	assert.Equal(t, 1, r.code, "a filter that matches nothing fails:\n%s", r.stdout)
	assert.Contains(t, r.stderr, `--run "SS-PSS-0003/" matches no case`)
}

func TestScanWithUserLibrary(t *testing.T) {
	r := shipshape(t, "", "", "scan", "--library", "tests/cli/testdata/userlib", "-o", "json", "examples/bad/node-agent.yaml")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stdout, `"control": "ACME-001"`)
}

func TestControls(t *testing.T) {
	r := shipshape(t, "", "", "controls", "-o", "json")
	require.Equal(t, 0, r.code, r.stderr)
	var controls []map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &controls))
	// One control per policy.rego under library/<area>/<name>/: the count
	// follows the library instead of being written down here.
	policies, err := filepath.Glob(filepath.Join(testbin.RepoRoot(), "library", "*", "*", "policy.rego"))
	require.NoError(t, err)
	require.NotEmpty(t, policies)
	require.Len(t, controls, len(policies))
	for _, c := range controls {
		for _, key := range []string{"id", "title", "severity", "requirements", "frameworks", "kinds", "admission", "referential"} {
			assert.Contains(t, c, key, c["id"])
		}
	}
	r = shipshape(t, "", "", "controls", "--profile", "pss-restricted")
	assert.Equal(t, 0, r.code)
	assert.Contains(t, r.stdout, "SS-PSS-106")
	assert.NotContains(t, r.stdout, "SS-PSS-004", "Restricted replaces the Baseline capabilities check")
	assert.Contains(t, r.stdout, "16 controls")
}

func TestGeneratedDocsAreCurrent(t *testing.T) {
	dir := t.TempDir()
	r := shipshape(t, "", "", "docs", "--dir", dir)
	require.Equal(t, 0, r.code, r.stderr)
	generated := readTree(t, dir)
	require.Contains(t, generated, "schema/config.schema.json", "the editor schemas are generated")
	for _, name := range keys(generated) {
		got, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		want, err := os.ReadFile(filepath.Join(testbin.RepoRoot(), "docs", name))
		require.NoError(t, err, "docs/%s is missing; run make generate", name)
		assert.Equal(t, string(want), string(got), "docs/%s is stale; run make generate", name)
	}
	for name := range readTree(t, filepath.Join(testbin.RepoRoot(), "docs", "schema")) {
		assert.Contains(t, generated, "schema/"+name, "docs/schema/%s is no longer generated; remove it", name)
	}
}

// exportedProfiles are the profiles `make generate` exports into
// bundles/generated/, each file once.
const exportedProfiles = "pss-baseline,pss-restricted,all"

func TestGeneratedExportsAreCurrent(t *testing.T) {
	for _, target := range []string{"gatekeeper", "azure-policy"} {
		t.Run(target, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			r := shipshape(t, "", "", "export", target, "--config", os.DevNull, "--profile", exportedProfiles, "-o", dir)
			require.Equal(t, 0, r.code, r.stderr)
			got := readTree(t, dir)
			want := readTree(t, filepath.Join(testbin.RepoRoot(), "bundles", "generated", target))
			require.NotEmpty(t, want, "bundles/generated/%s is missing; run make generate", target)
			assert.ElementsMatch(t, keys(want), keys(got), "bundles/generated/%s lists other files; run make generate", target)
			for name, data := range got {
				if w, ok := want[name]; ok && w != data {
					t.Errorf("bundles/generated/%s/%s is stale; run make generate", target, name)
				}
			}
		})
	}
}

func TestExportOfSeveralProfilesNamesEachOnce(t *testing.T) {
	r := shipshape(t, "", "", "export", "gatekeeper", "--config", os.DevNull, "--profile", "pss-baseline,pss-baseline", "-o", t.TempDir())
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "name each profile once")
	r = shipshape(t, "", "", "export", "gatekeeper", "--config", os.DevNull, "--profile", "pss-baseline,nope", "-o", filepath.Join(t.TempDir(), "x"))
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "nope")
}

func TestExportRefusesForeignDirectoriesAndReplacesItsOwn(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "mine.txt"), []byte("keep"), 0o644))
	r := shipshape(t, "", "", "export", "gatekeeper", "--config", os.DevNull, "--profile", "pss-baseline", "-o", dir)
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "is not empty and holds no earlier export")

	out := filepath.Join(t.TempDir(), "gk")
	r = shipshape(t, "", "", "export", "gatekeeper", "--config", os.DevNull, "--profile", "all", "-o", out)
	require.Equal(t, 0, r.code, r.stderr)
	assert.FileExists(t, filepath.Join(out, "templates", "shipshapehadisruptionbudget.yaml"))
	r = shipshape(t, "", "", "export", "gatekeeper", "--config", os.DevNull, "--profile", "pss-baseline", "-o", out)
	require.Equal(t, 0, r.code, r.stderr)
	assert.NoFileExists(t, filepath.Join(out, "templates", "shipshapehadisruptionbudget.yaml"), "a control the profile no longer selects is removed")
	assert.NoDirExists(t, filepath.Join(out, "sync"), "pss-baseline has no referential control, so no sync config")
	assert.FileExists(t, filepath.Join(out, "templates", "shipshapepssprivileged.yaml"))

	r = shipshape(t, "", "", "export", "gatekeeper", "--profile", "pss-baseline")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "--output DIR is required")
}

// TestBundleFlagIsADeprecatedProfile: --bundle, the old spelling of
// --profile, still works for a release and says what to use.
func TestBundleFlagIsADeprecatedProfile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "gk")
	r := shipshape(t, "", "", "export", "gatekeeper", "--config", os.DevNull, "--bundle", "pss-baseline", "-o", out)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "profile pss-baseline")
	assert.Contains(t, r.stderr, "--bundle is deprecated: use --profile")
	assert.NotContains(t, r.stdout, "deprecated", "the notice stays out of stdout")
	r = shipshape(t, "", "", "bundle", "build", "--help")
	assert.NotContains(t, r.stdout, "--bundle", "the deprecated spelling is not advertised")
}

func readTree(t *testing.T, root string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		files[filepath.ToSlash(rel)] = string(data)
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		require.NoError(t, err)
	}
	return files
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestBundleBuildInspectVerify(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "secret")
	require.NoError(t, os.WriteFile(secret, []byte("correct horse battery staple\n"), 0o600))
	wrong := filepath.Join(dir, "wrong")
	require.NoError(t, os.WriteFile(wrong, []byte("tr0ub4dor"), 0o600))
	out := filepath.Join(dir, "b.tar.gz")

	r := shipshape(t, "", "", "bundle", "build", "--config", os.DevNull, "--profile", "pss-restricted",
		"--signing-key", secret, "--signing-alg", "HS256", "--key-id", "k1", "-o", out)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "profile pss-restricted, 16 controls")
	assert.Contains(t, r.stdout, "signed with HS256")
	first, err := os.ReadFile(out)
	require.NoError(t, err)
	r = shipshape(t, "", "", "bundle", "build", "--config", os.DevNull, "--profile", "pss-restricted",
		"--signing-key", secret, "--signing-alg", "HS256", "--key-id", "k1", "-o", out)
	require.Equal(t, 0, r.code, r.stderr)
	again, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, first, again, "builds are reproducible")

	r = shipshape(t, "", "", "bundle", "inspect", "-o", "json", out)
	require.Equal(t, 0, r.code, r.stderr)
	var info map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &info))
	assert.Equal(t, true, info["signed"])
	assert.Equal(t, "k1", info["keyid"])
	assert.Equal(t, false, info["verified"])
	assert.ElementsMatch(t, []any{"shipshape", "shipshape_config", "shipshape_lib", "shipshape_parameters"}, info["roots"])

	r = shipshape(t, "", "", "bundle", "verify", out, "--verification-key", secret, "--verification-alg", "HS256", "--key-id", "k1")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "verified")
	r = shipshape(t, "", "", "bundle", "verify", out, "--verification-key", wrong, "--verification-alg", "HS256")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "verifying the bundle")
	r = shipshape(t, "", "", "bundle", "verify", out)
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "--verification-key FILE is required")

	unsigned := filepath.Join(dir, "u.tar.gz")
	r = shipshape(t, "", "", "bundle", "build", "--config", os.DevNull, "--profile", "pss-baseline", "-o", unsigned)
	require.Equal(t, 0, r.code, r.stderr)
	r = shipshape(t, "", "", "bundle", "verify", unsigned, "--verification-key", secret, "--verification-alg", "HS256")
	assert.Equal(t, 1, r.code, "an unsigned bundle does not verify")

	junk := filepath.Join(dir, "junk.tar.gz")
	require.NoError(t, os.WriteFile(junk, []byte("junk"), 0o644))
	r = shipshape(t, "", "", "bundle", "inspect", junk)
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "junk.tar.gz")
	r = shipshape(t, "", "", "bundle", "serve", junk)
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "not an OPA bundle")
	r = shipshape(t, "", "", "bundle", "serve", "--tls-cert", "x.crt", unsigned)
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "--tls-cert and --tls-key go together")
	r = shipshape(t, "", "", "bundle", "build", "--profile", "all")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "--output FILE is required")
}

func TestMixedInputsAreEachJudgedByKind(t *testing.T) {
	dir := t.TempDir()
	copyFile := func(src, dst string) {
		data, err := os.ReadFile(filepath.Join(testbin.RepoRoot(), src))
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, dst)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, dst), data, 0o644))
	}
	copyFile("examples/bad/node-agent.yaml", "k8s/node-agent.yaml")
	copyFile("library/testdata/azure/aks-insecure.arm.json", "infra/aks.json")
	copyFile("library/testdata/azure/acr-insecure.tfplan.json", "infra/plan.json")
	copyFile("library/df/non_root/testdata/root.Dockerfile", "services/api/Dockerfile")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "k8s", "kube-apiserver.yaml"), []byte(`apiVersion: v1
kind: Pod
metadata: {name: kube-apiserver, namespace: kube-system}
spec:
  containers:
    - name: kube-apiserver
      image: registry.k8s.io/kube-apiserver:v1.31.2
      command: [kube-apiserver, --anonymous-auth=true]
`), 0o644))
	r := shipshape(t, "", "", "scan", "-o", "json", "--fail-on", "none", dir)
	require.Equal(t, 0, r.code, r.stderr)
	var rep struct {
		Results []struct {
			Control string `json:"control"`
			File    string `json:"file"`
			Line    int    `json:"line"`
		} `json:"results"`
		Summary struct {
			Files  int `json:"files"`
			Errors int `json:"errors"`
		} `json:"summary"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rep))
	assert.Equal(t, 5, rep.Summary.Files)
	assert.Zero(t, rep.Summary.Errors)
	byFile := map[string]map[string]bool{}
	for _, res := range rep.Results {
		rel, _ := filepath.Rel(dir, res.File)
		if byFile[rel] == nil {
			byFile[rel] = map[string]bool{}
		}
		byFile[rel][res.Control] = true
		assert.Positive(t, res.Line, "%s %s has a line", rel, res.Control)
	}
	assert.True(t, byFile["k8s/node-agent.yaml"]["SS-PSS-003"], "manifests")
	assert.True(t, byFile["k8s/kube-apiserver.yaml"]["SS-CP-001"], "control-plane flags")
	assert.True(t, byFile["infra/aks.json"]["SS-AKS-003"], "ARM template")
	assert.True(t, byFile["infra/plan.json"]["SS-ACR-002"], "Terraform plan")
	assert.True(t, byFile["services/api/Dockerfile"]["SS-DF-002"], "Dockerfile")
}

// TestExceptionsByImage: an exception scoped by container image exempts
// the findings about containers of that image, in any workload, and not
// the findings about the workload's other containers.
func TestExceptionsByImage(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "exceptions.yaml")
	require.NoError(t, os.WriteFile(file, []byte(`exceptions:
  - control: SS-PSS-003
    images: ["mcr.microsoft.com/oss/istio/proxyv2:*", docker.io/library/busybox:1.36]
    owner: mesh@contoso.com
    reason: The mesh sidecar programs iptables.
    expires: 2099-12-31
`), 0o644))
	manifest := filepath.Join(dir, "web.yaml")
	require.NoError(t, os.WriteFile(manifest, []byte(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      initContainers:
      - {name: init, image: docker.io/library/busybox:1.37, securityContext: {privileged: true}}
      containers:
      - {name: app, image: contoso.azurecr.io/web:1.0, securityContext: {privileged: true}}
      - name: istio-proxy
        image: mcr.microsoft.com/oss/istio/proxyv2:1.22.1
        securityContext: {privileged: true}
`), 0o644))
	r := shipshape(t, "", "", "scan", "--profile", "pss-baseline", "--config", os.DevNull, "-o", "json", "--fail-on", "high", "--exceptions", file, manifest)
	require.Equal(t, 1, r.code, r.stderr)
	var rep struct {
		Results []struct {
			Control, Field string
			Line           int
		} `json:"results"`
		Exempted []struct {
			Control, Field string
			Line           int
			Exception      struct{ Owner, Reason, Expires string } `json:"exception"`
		} `json:"exempted"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rep))
	var failing []string
	for _, res := range rep.Results {
		if res.Control == "SS-PSS-003" {
			failing = append(failing, res.Field)
		}
	}
	assert.ElementsMatch(t, []string{
		"spec.template.spec.initContainers[0].securityContext.privileged",
		"spec.template.spec.containers[0].securityContext.privileged",
	}, failing, "another tag of an exact image, and the app container, still fail")
	require.Len(t, rep.Exempted, 1)
	assert.Equal(t, "spec.template.spec.containers[1].securityContext.privileged", rep.Exempted[0].Field)
	assert.Equal(t, 13, rep.Exempted[0].Line)
	assert.Equal(t, "mesh@contoso.com", rep.Exempted[0].Exception.Owner)
	assert.Equal(t, "2099-12-31", rep.Exempted[0].Exception.Expires)

	bad := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("exceptions:\n  - control: SS-PSS-003\n    images: [\"contoso.azurecr.io/*/proxy\"]\n    owner: a\n    reason: b\n    expires: 2099-01-01\n"), 0o644))
	r = shipshape(t, "", "", "scan", "--config", os.DevNull, "--fail-on", "none", "--exceptions", bad, manifest)
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, bad+":3: exceptions[0].images[0]", "a * inside an image is not a prefix")
}

func TestExceptionsExemptWithoutHiding(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "exceptions.yaml")
	require.NoError(t, os.WriteFile(file, []byte(`exceptions:
  - control: SS-PSS-003
    namespaces: [monitoring]
    kinds: [apps/DaemonSet]
    owner: platform@contoso.com
    reason: The agent reads kernel events.
    expires: 2099-12-31
  - control: SS-PSS-002
    owner: platform@contoso.com
    reason: Was needed for the migration.
    expires: 2020-01-01
`), 0o644))
	manifest := filepath.Join(dir, "pod.yaml")
	require.NoError(t, os.WriteFile(manifest, []byte(`apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-agent, namespace: monitoring}
spec:
  template:
    metadata:
      annotations:
        shipshape.dev/exempt: SS-PSS-002
        shipshape.dev/exempt-reason: needs the host network
        shipshape.dev/exempt-expires: "2099-01-01"
    spec:
      hostNetwork: true
      hostPID: true
      containers: [{name: agent, image: x, securityContext: {privileged: true}}]
`), 0o644))
	base := []string{"scan", "--profile", "pss-baseline", "--config", os.DevNull, "-o", "json", "--fail-on", "high", "--exceptions", file, manifest}
	r := shipshape(t, "", "", base...)
	require.Equal(t, 1, r.code, "the expired hostPID exception no longer applies: %s", r.stderr)
	var rep map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rep))
	var controls []string
	for _, res := range rep["results"].([]any) {
		controls = append(controls, res.(map[string]any)["control"].(string))
	}
	assert.Contains(t, controls, "SS-PSS-002", "the inline annotation is on the pod template, not on the DaemonSet, so it does not apply")
	assert.NotContains(t, controls, "SS-PSS-003", "exempted by the file")
	exempted := rep["exempted"].([]any)
	require.Len(t, exempted, 1)
	assert.Equal(t, "SS-PSS-003", exempted[0].(map[string]any)["control"])
	assert.Equal(t, "platform@contoso.com", exempted[0].(map[string]any)["exception"].(map[string]any)["owner"])
	assert.Len(t, rep["expired_exceptions"], 1)
	assert.EqualValues(t, 1, rep["summary"].(map[string]any)["exempted"])

	r = shipshape(t, "", "", append(append([]string{}, base[:5]...), "-o", "sarif", "--fail-on", "none", "--exceptions", file, manifest)...)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, `"suppressions"`)
	assert.Contains(t, r.stdout, `"kind": "external"`)

	for format, want := range map[string]string{"junit": "<skipped message=\"exempted: The agent reads kernel events.", "github": "::notice file=", "text": "expired 2020-01-01"} {
		r = shipshape(t, "", "", append(append([]string{}, base[:5]...), "-o", format, "--fail-on", "none", "--exceptions", file, manifest)...)
		require.Equal(t, 0, r.code, r.stderr)
		assert.Contains(t, r.stdout, want, "every output lists exempted findings and expired exceptions: %s", format)
	}

	r = shipshape(t, "", "", "scan", "--fail-on", "none", "--exceptions", filepath.Join(dir, "missing.yaml"), manifest)
	assert.Equal(t, 2, r.code)

	inline := filepath.Join(dir, "inline.yaml")
	require.NoError(t, os.WriteFile(inline, []byte(`apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: ops
  annotations: {shipshape.dev/exempt: "SS-PSS-003", shipshape.dev/exempt-reason: break-glass debugging, shipshape.dev/exempt-expires: "2099-01-01"}
spec: {containers: [{name: c, image: x, securityContext: {privileged: true}}]}
`), 0o644))
	args := []string{"scan", "--profile", "pss-baseline", "--fail-on", "critical", inline}
	r = shipshape(t, "", "", append(args, "--config", os.DevNull)...)
	assert.Equal(t, 0, r.code, "an inline exception on the object applies:\n%s", r.stdout)
	assert.Contains(t, r.stdout, "1 finding(s) exempted")
	forbid := filepath.Join(dir, "forbid.yaml")
	require.NoError(t, os.WriteFile(forbid, []byte("settings:\n  allowInlineExceptions: false\n"), 0o644))
	r = shipshape(t, "", "", append(args, "--config", forbid)...)
	assert.Equal(t, 1, r.code, "a profile setting can forbid inline exceptions")
	assert.Contains(t, r.stdout, "Inline exception for SS-PSS-003 refused")
}

func TestBaselineAndDiff(t *testing.T) {
	dir := t.TempDir()
	before := `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  hostPID: true
  containers: [{name: a, image: x, securityContext: {privileged: true}}]
`
	// Moved to another file, shifted down by comments, hostPID fixed,
	// hostIPC added.
	after := `# moved and re-indented
# by a refactoring

apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  hostIPC: true
  containers: [{name: a, image: x, securityContext: {privileged: true}}]
`
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "old"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "new"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "old", "pod.yaml"), []byte(before), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "new", "web.yaml"), []byte(after), 0o644))
	scan := func(sub string, extra ...string) result {
		args := append([]string{"scan", "--profile", "pss-baseline", "--config", os.DevNull, "-o", "json"}, extra...)
		return shipshape(t, "", "", append(args, filepath.Join(dir, sub))...)
	}
	old := scan("old", "--fail-on", "none")
	require.Equal(t, 0, old.code, old.stderr)
	oldFile := filepath.Join(dir, "old.json")
	require.NoError(t, os.WriteFile(oldFile, []byte(old.stdout), 0o644))

	r := scan("new", "--baseline", oldFile)
	assert.Equal(t, 1, r.code, "hostIPC is new")
	var rep struct {
		Results []struct {
			Control  string `json:"control"`
			Baseline bool   `json:"baseline"`
		} `json:"results"`
		Summary struct {
			New int `json:"new"`
		} `json:"summary"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rep))
	assert.Equal(t, 1, rep.Summary.New)
	for _, res := range rep.Results {
		// hostIPC (SS-PSS-002) is new; privileged is the old finding.
		assert.Equal(t, res.Control != "SS-PSS-002", res.Baseline, res.Control)
	}
	newFile := filepath.Join(dir, "new.json")
	require.NoError(t, os.WriteFile(newFile, []byte(scan("new", "--fail-on", "none").stdout), 0o644))

	d := shipshape(t, "", "", "diff", oldFile, newFile)
	assert.Equal(t, 1, d.code, "new findings fail the diff")
	assert.Contains(t, d.stdout, "1 new, 1 fixed, 1 unchanged.", "privileged is unchanged although its file and line moved")
	assert.Contains(t, d.stdout, "hostIPC")
	assert.Contains(t, d.stdout, "hostPID")
	same := shipshape(t, "", "", "diff", newFile, newFile)
	assert.Equal(t, 0, same.code)

	require.NoError(t, os.WriteFile(filepath.Join(dir, "junk.json"), []byte("{}"), 0o644))
	assert.Equal(t, 2, scan("new", "--baseline", filepath.Join(dir, "junk.json")).code)
}

func TestHelmAndKustomizeAreRenderedInProcess(t *testing.T) {
	r := shipshape(t, "", "", "scan", "--profile", "pss-baseline", "--config", os.DevNull, "-o", "json", "--fail-on", "none",
		"--set", "privileged=true", "--release", "shop", "engine/render/testdata")
	require.Equal(t, 0, r.code, r.stderr)
	var rep struct {
		Results []struct {
			Control, File, Name, Namespace string
		} `json:"results"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rep))
	found := map[string]string{}
	for _, res := range rep.Results {
		found[res.Control+" "+res.Namespace+"/"+res.Name] = filepath.ToSlash(res.File)
	}
	assert.Equal(t, "engine/render/testdata/chart/templates/deployment.yaml", found["SS-PSS-003 default/shop-web"], "--set reaches the template, and the finding names it")
	assert.Equal(t, "engine/render/testdata/kustomize/base/deployment.yaml", found["SS-PSS-002 shop-prod/api"], "the overlay's patch applies; the finding names the base file")

	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Chart.yaml"), []byte("apiVersion: v2\nname: x\nversion: 1.0.0\ndependencies:\n  - {name: redis, version: 1.0.0, repository: https://charts.example.com}\n"), 0o644))
	r = shipshape(t, "", "", "scan", dir)
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr+r.stdout, "not vendored")
}

func TestInitWritesAValidStarterConfig(t *testing.T) {
	dir := t.TempDir()
	r := shipshape(t, dir, "", "init")
	require.Equal(t, 0, r.code, r.stderr)
	assert.FileExists(t, filepath.Join(dir, ".shipshape.yaml"))
	assert.Contains(t, r.stdout, "docs/ci.md")
	r = shipshape(t, dir, "", "init")
	assert.Equal(t, 2, r.code, "an existing file is not replaced")
	assert.Contains(t, r.stderr, "--force")
	assert.Equal(t, 0, shipshape(t, dir, "", "init", "--force").code)
	r = shipshape(t, dir, "", "controls")
	assert.Equal(t, 0, r.code, "the starter file passes schema validation: %s", r.stderr)
}

func TestVersionAndHelp(t *testing.T) {
	r := shipshape(t, "", "", "version", "-o", "json")
	require.Equal(t, 0, r.code)
	var v map[string]string
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &v))
	assert.NotEmpty(t, v["version"])
	assert.NotEmpty(t, v["opa"])
	for _, cmd := range []string{"scan", "test", "controls", "docs", "version", "export gatekeeper", "export azure-policy", "bundle build", "bundle inspect", "bundle verify", "bundle serve", "diff", "report", "init"} {
		r := shipshape(t, "", "", append(strings.Fields(cmd), "--help")...)
		assert.Equal(t, 0, r.code)
		assert.Contains(t, r.stdout, "Examples:", cmd)
	}
}
