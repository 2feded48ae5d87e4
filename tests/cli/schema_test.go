package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/shipshape-dev/shipshape/tests/internal/testbin"
)

// editorSchema compiles a published schema the way an editor's validator
// does: from the file, by the draft it declares.
func editorSchema(t *testing.T, name string) *jsonschema.Schema {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testbin.RepoRoot(), "docs", "schema", name))
	require.NoError(t, err, "run make generate")
	c := jsonschema.NewCompiler()
	require.NoError(t, c.AddResource(name, bytes.NewReader(data)))
	s, err := c.Compile(name)
	require.NoError(t, err)
	return s
}

func editorAccepts(t *testing.T, s *jsonschema.Schema, text string) bool {
	t.Helper()
	var v any
	require.NoError(t, yaml.Unmarshal([]byte(text), &v))
	return s.Validate(v) == nil
}

// sample is a file an editor and the CLI must agree on: accepted, or
// rejected with the CLI naming line.
type sample struct {
	name, text string
	ok         bool
	line       int
}

// agree writes each sample, validates it with the published schema and
// loads it with the CLI (load), and checks they agree.
func agree(t *testing.T, dir, schemaFile string, samples []sample, load func(file string) result) {
	t.Helper()
	s := editorSchema(t, schemaFile)
	for _, c := range samples {
		file := filepath.Join(dir, strings.TrimSuffix(schemaFile, ".schema.json")+"-"+c.name+".yaml")
		require.NoError(t, os.WriteFile(file, []byte(c.text), 0o644))
		assert.Equal(t, c.ok, editorAccepts(t, s, c.text), "editor, %s", c.name)
		r := load(file)
		if c.ok {
			assert.Equal(t, 0, r.code, "%s: %s", c.name, r.stderr)
			continue
		}
		assert.Equal(t, 2, r.code, c.name)
		assert.Regexp(t, regexp.QuoteMeta(file)+`:`+itoa(c.line)+`:`, r.stderr, c.name)
	}
}

// TestEditorAndCLIRejectTheSameTypos validates files against the published
// schemas, as an editor does, and has the CLI load them: both accept the
// good ones and reject the bad ones, and the CLI names the line of the key.
func TestEditorAndCLIRejectTheSameTypos(t *testing.T) {
	dir := t.TempDir()
	manifest := filepath.Join(dir, "cm.yaml")
	require.NoError(t, os.WriteFile(manifest, []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: x}\n"), 0o644))

	t.Run("config", func(t *testing.T) {
		agree(t, dir, "config.schema.json", []sample{
			{"good", "profile: pss-baseline\nfailOn: high\nsettings:\n  allowedRegistries: [contoso.azurecr.io]\n", true, 0},
			{"unknown key", "profile: all\nfailon: high\n", false, 2},
			{"unknown setting", "settings:\n  allowedRegistry: [x]\n", false, 2},
			{"bad enum", "scope: everything\n", false, 1},
			{"good parameter", "parameters:\n  SS-POD-006:\n    maxCpuLimit: \"2\"\n", true, 0},
			{"misspelt parameter", "parameters:\n  SS-POD-006:\n    maxCpuLimit: \"2\"\n    maxCpuLimt: \"2\"\n", false, 4},
			{"parameter of a control that takes none", "parameters:\n  SS-PSS-001:\n    strict: true\n", false, 3},
		}, func(file string) result {
			return shipshape(t, dir, "", "scan", "--config", file, "--fail-on", "none", manifest)
		})
	})
	t.Run("exceptions", func(t *testing.T) {
		agree(t, dir, "exceptions.schema.json", []sample{
			{"good", "exceptions:\n  - {control: SS-PSS-003, owner: a, reason: b, expires: 2099-01-01}\n", true, 0},
			{"typo", "exceptions:\n  - control: SS-PSS-003\n    owner: a\n    reason: b\n    expire: 2099-01-01\n", false, 5},
			{"both control and requirement", "exceptions:\n  - {control: SS-PSS-003, requirement: POD-08, owner: a, reason: b, expires: 2099-01-01}\n", false, 2},
		}, func(file string) result {
			return shipshape(t, dir, "", "scan", "--config", os.DevNull, "--exceptions", file, "--fail-on", "none", manifest)
		})
	})
	t.Run("cases", func(t *testing.T) {
		s := editorSchema(t, "cases.schema.json")
		lib := filepath.Join(dir, "lib")
		r := shipshape(t, dir, "", "new", "control", "pod/no_demo", "--dir", lib, "--id-prefix", "ACME-POD", "--requirement", "POD-01", "--framework", "cis-k8s=5.2.1", "--title", "Demo")
		require.Equal(t, 0, r.code, r.stderr)
		casesFile := filepath.Join(lib, "pod", "no_demo", "cases.yaml")
		good, err := os.ReadFile(casesFile)
		require.NoError(t, err)
		assert.Regexp(t, `^# yaml-language-server: \$schema=https://\S+/cases.schema.json\n`, string(good), "new control names the schema")
		assert.True(t, editorAccepts(t, s, string(good)), "the scaffold is valid")
		r = shipshape(t, dir, "", "test", "--library", lib, "--run", "ACME-POD-001/")
		require.Equal(t, 0, r.code, r.stdout+r.stderr)

		typo := bytes.Replace(good, []byte("  expect: allow"), []byte("  expext: allow"), 1)
		require.NoError(t, os.WriteFile(casesFile, typo, 0o644))
		assert.False(t, editorAccepts(t, s, string(typo)), "editor")
		r = shipshape(t, dir, "", "test", "--library", lib, "--run", "ACME-POD-001/")
		assert.NotEqual(t, 0, r.code)
		line := bytes.Count(typo[:bytes.Index(typo, []byte("expext"))], []byte("\n")) + 1
		assert.Contains(t, r.stdout+r.stderr, `unknown key "expext"`)
		assert.Contains(t, r.stdout+r.stderr, "cases.yaml:"+itoa(line)+":")
	})
}

func TestInitNamesTheConfigSchema(t *testing.T) {
	dir := t.TempDir()
	r := shipshape(t, dir, "", "init")
	require.Equal(t, 0, r.code, r.stderr)
	data, err := os.ReadFile(filepath.Join(dir, ".shipshape.yaml"))
	require.NoError(t, err)
	assert.Regexp(t, `^# yaml-language-server: \$schema=https://raw\.githubusercontent\.com/shipshape-dev/shipshape/v[0-9.]+/docs/schema/config\.schema\.json\n`, string(data))
	assert.True(t, editorAccepts(t, editorSchema(t, "config.schema.json"), string(data)), "the starter config is valid")
}

func itoa(n int) string { return strconv.Itoa(n) }
