package input

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDocumentsAndLines(t *testing.T) {
	stream := strings.Join([]string{
		"# leading comment",
		"---",
		"apiVersion: v1", // line 3
		"kind: Pod",
		"metadata: {name: a}",
		"---",
		"# only a comment: not a document",
		"---",
		"",               // blank
		"apiVersion: v1", // line 10
		"kind: ConfigMap",
		"metadata:",
		"  name: b",
		"--- # separator with a comment",
		"settings: {debug: true}", // line 15: not a Kubernetes object
		"",
	}, "\n")
	f := ParseBytes("m.yaml", []byte(stream))
	require.Empty(t, f.Errors)
	require.Len(t, f.Objects, 2)
	assert.Equal(t, 3, f.Documents)

	assert.Equal(t, Source{File: "m.yaml", Document: 0, Line: 3}, f.Objects[0].Source)
	assert.Equal(t, "a", f.Objects[0].Name())
	assert.Equal(t, Source{File: "m.yaml", Document: 1, Line: 10}, f.Objects[1].Source)
	assert.Equal(t, 13, f.Objects[1].FieldLine([]any{"metadata", "name"}))

	require.Len(t, f.Skipped, 1)
	assert.Equal(t, 2, f.Skipped[0].Document)
	assert.Equal(t, 15, f.Skipped[0].Line)
	assert.Contains(t, f.Skipped[0].Reason, "no kind")
}

func TestYAML11SemanticsMatchKubectl(t *testing.T) {
	f := ParseBytes("b.yaml", []byte(`apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostNetwork: yes
  hostPID: on
  hostIPC: "yes"
  containers:
  - name: c
    securityContext:
      privileged: On
      runAsUser: 0o0
      runAsGroup: 0777
`))
	require.Empty(t, f.Errors)
	spec := f.Objects[0].Value["spec"].(map[string]any)
	assert.Equal(t, true, spec["hostNetwork"])
	assert.Equal(t, true, spec["hostPID"])
	assert.Equal(t, "yes", spec["hostIPC"], "quoted scalars stay strings")
	sc := spec["containers"].([]any)[0].(map[string]any)["securityContext"].(map[string]any)
	assert.Equal(t, true, sc["privileged"])
	assert.Equal(t, json.Number("0"), sc["runAsUser"], "0o octal is root too")
	assert.Equal(t, json.Number("511"), sc["runAsGroup"], "leading-zero octal")
}

func TestAnchorsAliasesAndMergeKeys(t *testing.T) {
	f := ParseBytes("anchors.yaml", []byte(`apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - &base
    name: app
    image: nginx
    securityContext: &sc
      privileged: true
  - <<: *base
    name: sidecar
  - name: third
    image: nginx
    securityContext:
      <<: *sc
      runAsUser: 0
`))
	require.Empty(t, f.Errors)
	obj := f.Objects[0]
	containers := obj.Value["spec"].(map[string]any)["containers"].([]any)
	require.Len(t, containers, 3)
	sidecar := containers[1].(map[string]any)
	assert.Equal(t, "sidecar", sidecar["name"], "explicit keys override merged ones")
	assert.Equal(t, true, sidecar["securityContext"].(map[string]any)["privileged"])
	third := containers[2].(map[string]any)["securityContext"].(map[string]any)
	assert.Equal(t, true, third["privileged"])

	// Fields reached through a merge point at the anchored definition.
	assert.Equal(t, 10, obj.FieldLine([]any{"spec", "containers", 1, "securityContext", "privileged"}))
	assert.Equal(t, 12, obj.FieldLine([]any{"spec", "containers", 1, "name"}))
	assert.Equal(t, 17, obj.FieldLine([]any{"spec", "containers", 2, "securityContext", "runAsUser"}))
	// An absent field falls back to its nearest ancestor.
	assert.Equal(t, 13, obj.FieldLine([]any{"spec", "containers", 2, "resources", "limits"}))
}

func TestListExpansion(t *testing.T) {
	f := ParseBytes("list.yaml", []byte(`apiVersion: v1
kind: ConfigMap
metadata: {name: first}
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: one}
- apiVersion: apps/v1
  kind: DeploymentList
  items:
  - apiVersion: apps/v1
    kind: Deployment
    metadata: {name: nested}
    spec: {replicas: 1}
`))
	require.Empty(t, f.Errors)
	require.Len(t, f.Objects, 3)
	assert.Equal(t, Source{File: "list.yaml", Document: 1, Item: []int{0}, Line: 8}, f.Objects[1].Source)
	nested := f.Objects[2]
	assert.Equal(t, []int{1, 0}, nested.Item)
	assert.Equal(t, "nested", nested.Name())
	assert.Equal(t, 14, nested.Line)
	assert.Equal(t, 17, nested.FieldLine([]any{"spec", "replicas"}))
}

func TestCRLFAndBOM(t *testing.T) {
	data := "\xef\xbb\xbfapiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: crlf\r\n---\r\napiVersion: v1\r\nkind: Pod\r\nmetadata: {name: two}\r\n"
	f := ParseBytes("crlf.yaml", []byte(data))
	require.Empty(t, f.Errors)
	require.Len(t, f.Objects, 2)
	assert.Equal(t, "crlf", f.Objects[0].Name())
	assert.Equal(t, 4, f.Objects[0].FieldLine([]any{"metadata", "name"}))
	assert.Equal(t, 6, f.Objects[1].Line)
}

func TestJSONInput(t *testing.T) {
	f := ParseBytes("pod.json", []byte("{\n\t\"apiVersion\": \"v1\",\n\t\"kind\": \"Pod\",\n\t\"metadata\": {\"name\": \"j\"},\n\t\"spec\": {\"hostPID\": true}\n}\n"))
	require.Empty(t, f.Errors)
	require.Len(t, f.Objects, 1)
	assert.Equal(t, 5, f.Objects[0].FieldLine([]any{"spec", "hostPID"}))
}

func TestInputErrors(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		line    int
		doc     int
		message string
	}{
		{"syntax error in second document", "apiVersion: v1\nkind: Pod\n---\napiVersion: v1\nkind: [Pod\n", 5, 1, "did not find expected"},
		{"duplicate key", "apiVersion: v1\nkind: Pod\nspec:\n  hostPID: false\n  hostPID: true\n", 5, 0, `duplicate key "hostPID" (first set on line 4)`},
		{"duplicate via YAML 1.1 boolean key", "apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n    on: a\n    true: b\n", 6, 0, `duplicate key "true"`},
		{"kind not a string", "apiVersion: v1\nkind: [Pod]\n", 2, 0, "kind must be a string"},
		{"apiVersion not a string", "apiVersion: 1\nkind: Pod\n", 1, 0, "apiVersion must be a string"},
		{"bad separator", "apiVersion: v1\nkind: Pod\n--- !!map\nkind: Pod\n", 3, -1, "invalid document separator"},
		{"metadata not a map", "apiVersion: v1\nkind: Pod\nmetadata: [a]\n", 3, 0, "metadata must be a mapping"},
		{"List items not a list", "apiVersion: v1\nkind: List\nitems: {a: 1}\n", 3, 0, "items must be a list"},
		{"List item not an object", "apiVersion: v1\nkind: List\nitems:\n- 42\n", 4, 0, "item 0 is a number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := ParseBytes("bad.yaml", []byte(tt.data))
			require.Len(t, f.Errors, 1, "errors: %v", f.Errors)
			var e *Error
			require.ErrorAs(t, f.Errors[0], &e)
			assert.Equal(t, "bad.yaml", e.File)
			assert.Equal(t, tt.line, e.Line)
			assert.Equal(t, tt.doc, e.Document)
			assert.Contains(t, e.Error(), tt.message)
			assert.True(t, strings.HasPrefix(e.Error(), "bad.yaml:"), e.Error())
		})
	}
}

func TestMergeKeyOverrideIsNotADuplicate(t *testing.T) {
	f := ParseBytes("m.yaml", []byte("a: &a {x: 1}\napiVersion: v1\nkind: ConfigMap\ndata:\n  <<: *a\n  x: 2\n"))
	require.Empty(t, f.Errors)
	assert.Equal(t, json.Number("2"), f.Objects[0].Value["data"].(map[string]any)["x"])
}

func TestSkippedDocuments(t *testing.T) {
	f := ParseBytes("s.yaml", []byte("- a\n- b\n---\nname: x\n---\nkind: Pod\n---\n~\n"))
	require.Empty(t, f.Errors)
	require.Len(t, f.Skipped, 4)
	assert.Contains(t, f.Skipped[0].Reason, "a list")
	assert.Contains(t, f.Skipped[1].Reason, "no kind")
	assert.Contains(t, f.Skipped[2].Reason, "no apiVersion")
	assert.Contains(t, f.Skipped[3].Reason, "null")
}

func TestDiscoverAndReadAll(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, content string) {
		p := filepath.Join(dir, rel)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	write("b.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: b}\n")
	write("a/x.YML", "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n")
	write("a/y.json", `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"y"}}`)
	write("a/readme.md", "not yaml")
	write(".git/config.yaml", "apiVersion: v1\nkind: Pod\n")

	files, errs := Discover(context.Background(), []string{dir, filepath.Join(dir, "b.yaml")})
	require.Empty(t, errs)
	assert.Equal(t, []string{
		filepath.Join(dir, "a/x.YML"), filepath.Join(dir, "a/y.json"), filepath.Join(dir, "b.yaml"),
	}, files)

	read, err := ReadAll(context.Background(), files, Options{})
	require.NoError(t, err)
	var names []string
	for _, f := range read {
		for _, o := range f.Objects {
			names = append(names, o.Name())
		}
	}
	assert.Equal(t, []string{"x", "y", "b"}, names)

	_, errs = Discover(context.Background(), []string{filepath.Join(dir, "missing.yaml")})
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0].Error(), "missing.yaml")
}

func TestReadStdinAndSizeLimit(t *testing.T) {
	f := ReadFile(context.Background(), Stdin, Options{Stdin: strings.NewReader("apiVersion: v1\nkind: Pod\nmetadata: {name: s}\n")})
	require.Empty(t, f.Errors)
	assert.Equal(t, StdinName, f.Objects[0].File)

	f = ReadFile(context.Background(), Stdin, Options{Stdin: strings.NewReader(strings.Repeat("a", 100)), Limits: Limits{MaxFileSize: 10}})
	require.Len(t, f.Errors, 1)
	assert.Contains(t, f.Errors[0].Error(), "the file is too large: over the limit of 10 set by --max-file-size")
}

func TestDockerfilesAreReadAsNormalisedObjects(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM alpine:3.20 AS build\nRUN true\n\nFROM scratch\nUSER 10001\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "api.Dockerfile"), []byte("FROM alpine\nCOPY\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "README.md"), []byte("# not read\n"), 0o644))
	files, errs := Discover(context.Background(), []string{dir})
	require.Empty(t, errs)
	require.Len(t, files, 2, "Dockerfiles are found by name, other files are not")

	f := ReadFile(context.Background(), filepath.Join(dir, "Dockerfile"), Options{})
	require.Empty(t, f.Errors)
	require.Len(t, f.Objects, 1)
	o := f.Objects[0]
	assert.Equal(t, "Dockerfile", o.Kind())
	assert.Equal(t, "shipshape.dev", o.Group())
	assert.Equal(t, 4, o.FieldLine([]any{"stages", json.Number("1"), "from"}), "a stage's fields point at its FROM")
	assert.Equal(t, 5, o.FieldLine([]any{"stages", 1, "instructions", 0, "user"}))
	assert.Equal(t, 1, o.FieldLine([]any{"stages", 9}), "an unknown path falls back to the object")

	bad := ReadFile(context.Background(), filepath.Join(dir, "api.Dockerfile"), Options{})
	require.Len(t, bad.Errors, 1)
	assert.Contains(t, bad.Errors[0].Error(), "api.Dockerfile:2")
}

func TestContainerImage(t *testing.T) {
	deployment := map[string]any{"spec": map[string]any{"template": map[string]any{"spec": map[string]any{
		"initContainers": []any{map[string]any{"name": "i", "image": "busybox:1.36"}},
		"containers": []any{
			map[string]any{"name": "app", "image": "web:1"},
			map[string]any{"name": "proxy", "image": "proxyv2:1.22", "env": []any{map[string]any{"name": "containers"}}},
			map[string]any{"name": "no-image"},
		},
	}}}}
	tests := []struct {
		name  string
		field []any
		image string
	}{
		{"a container's field", []any{"spec", "template", "spec", "containers", 1, "securityContext", "privileged"}, "proxyv2:1.22"},
		{"an init container", []any{"spec", "template", "spec", "initContainers", 0}, "busybox:1.36"},
		{"an index as JSON decodes it", []any{"spec", "template", "spec", "containers", json.Number("0"), "image"}, "web:1"},
		{"an index as a float", []any{"spec", "template", "spec", "containers", float64(1)}, "proxyv2:1.22"},
		{"the first container list names it", []any{"spec", "template", "spec", "containers", 1, "env", 0, "name"}, "proxyv2:1.22"},
		{"a container without an image", []any{"spec", "template", "spec", "containers", 2, "image"}, ""},
		{"the pod spec", []any{"spec", "template", "spec", "hostPID"}, ""},
		{"the list itself", []any{"spec", "template", "spec", "containers"}, ""},
		{"an index past the end", []any{"spec", "template", "spec", "containers", 5, "image"}, ""},
		{"no field", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			image, ok := ContainerImage(deployment, tt.field)
			assert.Equal(t, tt.image != "", ok)
			assert.Equal(t, tt.image, image)
		})
	}
}
