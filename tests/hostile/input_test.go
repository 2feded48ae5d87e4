// Package hostile feeds shipshape what a hostile pull request or client
// could send: pathological manifests through the real binary, and abuse of
// the bundle server. Every case must end in a clear answer (exit 0, 1 or 2
// with the file and limit named), never a panic or a hang.
package hostile

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/tests/internal/testbin"
)

// binary is the shipshape executable built once for the package.
var binary string

func TestMain(m *testing.M) {
	testbin.Main(m, &binary)
}

// hangGuard is not a performance assertion: a case that has not ended by
// then is hung, and the test says so instead of blocking CI.
const hangGuard = 2 * time.Minute

type outcome struct {
	code   int
	stderr string
	report map[string]any
}

// scan runs `shipshape scan -o json` on one file.
func scan(t *testing.T, name string, data []byte, args ...string) outcome {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, data, 0o644))
	ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, append(append([]string{"scan", "-o", "json", "--scope", "manifests"}, args...), path)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	require.NoError(t, ctx.Err(), "%s did not finish: hung", name)
	o := outcome{stderr: errb.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		o.code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	assert.NotContains(t, o.stderr, "panic", name)
	assert.NotContains(t, o.stderr, "goroutine ", name)
	require.Contains(t, []int{0, 1, 2}, o.code, "%s: %s", name, o.stderr)
	if out.Len() > 0 {
		require.NoError(t, json.Unmarshal(out.Bytes(), &o.report), "the report of %s is JSON", name)
	}
	return o
}

// messages lists the report's error messages.
func (o outcome) errors() []string {
	var msgs []string
	list, _ := o.report["errors"].([]any)
	for _, e := range list {
		msgs = append(msgs, e.(map[string]any)["message"].(string))
	}
	return msgs
}

// findings lists "control: message" for every result.
func (o outcome) findings() []string {
	var out []string
	list, _ := o.report["results"].([]any)
	for _, r := range list {
		m := r.(map[string]any)
		out = append(out, fmt.Sprintf("%s: %s", m["control"], m["message"]))
	}
	return out
}

func (o outcome) mentions(s string) bool {
	return strings.Contains(strings.Join(o.errors(), "\n")+o.stderr, s)
}

func TestHostileFilesEndInAClearAnswer(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	random := make([]byte, 1<<20)
	for i := range random {
		random[i] = byte(rng.UintN(256))
	}
	laughs := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
	prev := "a"
	for _, n := range "bcdefghi" {
		laughs += fmt.Sprintf("%c: &%c [%s]\n", n, n, strings.TrimSuffix(strings.Repeat("*"+prev+", ", 9), ", "))
		prev = string(n)
	}
	laughs += "data: {x: *i}\n"

	var manyDocs strings.Builder
	for i := range 60_000 {
		fmt.Fprintf(&manyDocs, "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c%d}\n", i)
	}
	var deepBlock strings.Builder
	deepBlock.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\nx:\n")
	for i := 1; i < 500; i++ {
		deepBlock.WriteString(strings.Repeat("  ", i) + "-\n")
	}

	tests := []struct {
		name string
		data string
		args []string
		code int
		// want is in an error message when code is 2, else in a finding.
		want string
	}{
		{name: "flow-nesting.yaml", data: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  x: " + strings.Repeat("[", 200_000) + strings.Repeat("]", 200_000) + "\n", code: 2, want: "flow-nesting.yaml:5: document 0"},
		{name: "block-nesting.yaml", data: deepBlock.String(), code: 2, want: "nests mappings and lists too deeply: over the limit of 100 set by --max-depth"},
		{name: "depth-raised.yaml", data: deepBlock.String(), args: []string{"--max-depth", "1000"}, code: 0},
		{name: "big-string.yaml", data: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, annotations: {big: \"" + strings.Repeat("a", 20<<20) + "\"}}\n", code: 0},
		{name: "too-big.yaml", data: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n", args: []string{"--max-file-size", "10"}, code: 2, want: "too-big.yaml: the file is too large: over the limit of 10 set by --max-file-size"},
		{name: "many-documents.yaml", data: manyDocs.String(), code: 2, want: "many-documents.yaml:40002: the file holds too many YAML documents: over the limit of 10000 set by --max-documents"},
		{name: "billion-laughs.yaml", data: laughs, code: 2, want: "billion-laughs.yaml:1: document 0: the document's YAML aliases expand to too many nodes"},
		{name: "random.yaml", data: string(random), code: 2, want: "random.yaml:"},
		{name: "invalid-utf8.yaml", data: "apiVersion: v1\nkind: Pod\nmetadata: {name: \"\xff\xfe\"}\nspec: {containers: [{name: a, image: x}]}\n", code: 2, want: "invalid-utf8.yaml:1: document 0"},
		{name: "duplicate-keys.yaml", data: "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: false\n  hostNetwork: true\n  containers: [{name: a, image: x}]\n", code: 2, want: "duplicate-keys.yaml:6: document 0: duplicate key \"hostNetwork\""},
		{name: "kind-not-string.yaml", data: "apiVersion: v1\nkind: [Pod]\nmetadata: {name: p}\n", code: 2, want: "kind-not-string.yaml:2: document 0: kind must be a string"},
		{name: "containers-map.yaml", data: "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: {name: a, image: x, securityContext: {privileged: true}}\n", code: 1, want: "SS-K8S-001: Pod \"p\" has spec.containers of type object; it must be a list of containers"},
		{name: "privileged-string.yaml", data: "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: x, securityContext: {privileged: \"true\"}}]\n", code: 1, want: "SS-K8S-001: container \"a\" in Pod \"p\" has securityContext.privileged set to \"true\" of type string"},
		{name: "runasuser-float.yaml", data: "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {runAsNonRoot: true, runAsUser: 0.5}\n  containers: [{name: a, image: x}]\n", code: 1, want: "runAsUser set to 0.5 of type number; it must be an integer"},
		{name: "hostnetwork-yes-string.yaml", data: "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: \"yes\"\n  containers: [{name: a, image: x}]\n", code: 1, want: "hostNetwork set to \"yes\" of type string"},
		{name: "capabilities-scalar.yaml", data: "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: x, securityContext: {capabilities: {add: SYS_ADMIN}}}]\n", code: 1, want: "securityContext.capabilities.add set to \"SYS_ADMIN\" of type string"},
		{name: "nul-bytes.yaml", data: "apiVersion: v1\x00\nkind: Pod\n", code: 2, want: "nul-bytes.yaml"},
		{name: "empty.yaml", data: "", code: 2, want: "empty.yaml: no Kubernetes object"},
		{name: "empty-allowed.yaml", data: "", code: 0, args: []string{"--allow-empty"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := scan(t, tc.name, []byte(tc.data), tc.args...)
			assert.Equal(t, tc.code, o.code, "exit code; errors: %v; stderr: %s", o.errors(), o.stderr)
			if tc.want == "" {
				return
			}
			if tc.code == 2 {
				assert.True(t, o.mentions(tc.want), "want %q among errors %v / stderr %s", tc.want, o.errors(), o.stderr)
				return
			}
			assert.True(t, strings.Contains(strings.Join(o.findings(), "\n"), tc.want), "want %q among findings %v", tc.want, o.findings())
		})
	}
}

func TestTooManyObjectsStopsTheScan(t *testing.T) {
	var docs strings.Builder
	for i := range 30 {
		fmt.Fprintf(&docs, "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c%d}\n", i)
	}
	o := scan(t, "objects.yaml", []byte(docs.String()), "--max-objects", "20")
	assert.Equal(t, 2, o.code)
	assert.Contains(t, o.stderr, "objects.yaml: the input holds too many objects: over the limit of 20 set by --max-objects")
}
