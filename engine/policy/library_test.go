package policy

import (
	"context"
	"os"
	"testing"
	"testing/fstest"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/engine/requirements"
)

func loadFS(t *testing.T, files map[string]string) (*Library, error) {
	t.Helper()
	cat, err := requirements.Default()
	require.NoError(t, err)
	fsys := fstest.MapFS{}
	for name, body := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(body)}
	}
	return Load(context.Background(), cat, Source{Name: "user", FS: fsys})
}

const validControl = `# METADATA
# title: A control
# description: Does a thing.
# custom:
#   id: U-001
#   severity: High
#   requirements: [POD-08]
#   frameworks: {cis-k8s: ["5.2.2"]}
#   kinds: [workloads, networking.k8s.io/Ingress]
#   sync: [v1/Namespace, networking.k8s.io/v1/NetworkPolicy]
#   remediation: Fix it.
#   parameters:
#     type: object
#     properties:
#       limit: {type: integer, default: 3}
package shipshape.u.one

import rego.v1

violation contains {"msg": "x", "details": {}} if data.lib.reads.inventory_present
`

const inventoryHelper = `package lib.reads

import rego.v1

inventory_present if count(data.inventory) > 0

names := {n | some n in input.review.object.metadata.names}
`

const helperUser = `# METADATA
# title: Uses a helper rule that does not read the inventory
# custom:
#   id: U-002
#   severity: low
#   kinds: [Pod]
package shipshape.u.two

import rego.v1

import data.lib.reads

violation contains {"msg": "x", "details": {}} if count(reads.names) > 1
`

func TestLoadParsesMetadata(t *testing.T) {
	lib, err := loadFS(t, map[string]string{"u/one/policy.rego": validControl, "u/two/policy.rego": helperUser, "lib/reads.rego": inventoryHelper})
	require.NoError(t, err)
	two, ok := lib.Control("U-002")
	require.True(t, ok)
	assert.False(t, two.Referential, "importing a helper package does not make a control referential; using an inventory rule does")
	c, ok := lib.Control("U-001")
	require.True(t, ok)
	assert.Equal(t, "A control", c.Title)
	assert.Equal(t, High, c.Severity, "severity is case-insensitive")
	assert.Equal(t, []string{"POD-08"}, c.Requirements)
	assert.Equal(t, "shipshape.u.one", c.Package)
	assert.Equal(t, "user/u/one/policy.rego", c.File)
	assert.True(t, c.Admission)
	assert.True(t, c.Referential, "reads data.inventory through a helper")
	assert.Equal(t, []GroupVersionKind{{"", "v1", "Namespace"}, {"networking.k8s.io", "v1", "NetworkPolicy"}}, c.Sync)
	assert.Len(t, c.Kinds, 14, "workloads expands to nine kinds, plus Ingress, plus the legacy extensions group of Deployment, DaemonSet, ReplicaSet and Ingress")
	assert.True(t, c.Matches("apps", "Deployment"))
	assert.True(t, c.Matches("extensions", "DaemonSet"), "an extensions/v1beta1 DaemonSet is judged as an apps DaemonSet")
	assert.False(t, c.Matches("extensions", "StatefulSet"), "extensions never served StatefulSets")
	assert.True(t, c.Matches("networking.k8s.io", "Ingress"))
	assert.False(t, c.Matches("", "Deployment"), "the group must match")
	assert.Equal(t, map[string]any{"limit": 3}, c.Defaults())
	require.NoError(t, c.ValidateParameters(map[string]any{"limit": 5}))
	err = c.ValidateParameters(map[string]any{"limit": "five"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "at /limit")
	assert.Equal(t, "data.shipshape.u.one.violation", c.ViolationRef().String())
}

func TestLoadRejectsBadControls(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"missing metadata", map[string]string{"a/policy.rego": "package shipshape.a\nimport rego.v1\nviolation contains 1 if true\n"}, "has no `# METADATA` block"},
		{"bad severity and unknown requirement", map[string]string{"a/policy.rego": "# METADATA\n# title: t\n# custom:\n#   id: A-1\n#   severity: urgent\n#   requirements: [NOPE-1]\n#   kinds: [Pod]\npackage shipshape.a\nimport rego.v1\nviolation contains 1 if true\n"},
			"custom.severity: unknown severity \"urgent\""},
		{"unknown requirement", map[string]string{"a/policy.rego": "# METADATA\n# title: t\n# custom:\n#   id: A-1\n#   severity: low\n#   requirements: [NOPE-1]\n#   kinds: [Pod]\npackage shipshape.a\nimport rego.v1\nviolation contains 1 if true\n"},
			"NOPE-1 is not in the requirements catalogue"},
		{"referential without sync", map[string]string{"a/policy.rego": "# METADATA\n# title: t\n# custom:\n#   id: A-1\n#   severity: low\n#   kinds: [Pod]\npackage shipshape.a\nimport rego.v1\nviolation contains 1 if data.inventory.cluster\n"},
			"list the types it reads in custom.sync"},
		{"sync without inventory", map[string]string{"a/policy.rego": "# METADATA\n# title: t\n# custom:\n#   id: A-1\n#   severity: low\n#   kinds: [Pod]\n#   sync: [v1/Namespace]\npackage shipshape.a\nimport rego.v1\nviolation contains 1 if true\n"},
			"declares custom.sync but never reads data.inventory"},
		{"malformed sync", map[string]string{"a/policy.rego": "# METADATA\n# title: t\n# custom:\n#   id: A-1\n#   severity: low\n#   kinds: [Pod]\n#   sync: [Namespace, a//b]\npackage shipshape.a\nimport rego.v1\nviolation contains 1 if data.inventory.cluster\n"},
			`custom.sync: "Namespace" is not of the form group/version/Kind`},
		{"operations other than UPDATE", map[string]string{"a/policy.rego": "# METADATA\n# title: t\n# custom:\n#   id: A-1\n#   severity: low\n#   kinds: [Pod]\n#   operations: [CREATE, UPDATE]\npackage shipshape.a\nimport rego.v1\nviolation contains 1 if true\n"},
			"custom.operations: the only value is [UPDATE]"},
		{"an update-only control offline", map[string]string{"a/policy.rego": "# METADATA\n# title: t\n# custom:\n#   id: A-1\n#   severity: low\n#   kinds: [Pod]\n#   operations: [UPDATE]\n#   admission: false\npackage shipshape.a\nimport rego.v1\nviolation contains 1 if true\n"},
			"custom.operations: [UPDATE] needs admission"},
		{"external data without a check", map[string]string{"a/policy.rego": "# METADATA\n# title: t\n# custom:\n#   id: A-1\n#   severity: low\n#   kinds: [Pod]\n#   externalData: {provider: signatureProvider}\npackage shipshape.a\nimport rego.v1\nviolation contains 1 if true\n"},
			"custom.externalData must be {provider"},
		{"no kinds", map[string]string{"a/policy.rego": "# METADATA\n# title: t\n# custom:\n#   id: A-1\n#   severity: low\npackage shipshape.a\nimport rego.v1\nviolation contains 1 if true\n"}, "custom.kinds must list"},
		{"no violation rule", map[string]string{"a/policy.rego": "# METADATA\n# title: t\n# custom:\n#   id: A-1\n#   severity: low\n#   kinds: [Pod]\npackage shipshape.a\nimport rego.v1\ndeny contains 1 if true\n"}, "defines no `violation` rule"},
		{"duplicate ID", map[string]string{
			"a/policy.rego": "# METADATA\n# title: t\n# custom:\n#   id: A-1\n#   severity: low\n#   kinds: [Pod]\npackage shipshape.a\nimport rego.v1\nviolation contains 1 if true\n",
			"b/policy.rego": "# METADATA\n# title: t\n# custom:\n#   id: A-1\n#   severity: low\n#   kinds: [Pod]\npackage shipshape.b\nimport rego.v1\nviolation contains 1 if true\n",
		}, "control ID A-1 is already used"},
		{"wrong package root", map[string]string{"a/policy.rego": "package acme.a\n"}, "user/a/policy.rego:1: package acme.a"},
		{"parse error names the file", map[string]string{"a/policy.rego": "package shipshape.a\nviolation contains {\n"}, "user/a/policy.rego:"},
		{"misspelt custom key, on its line", map[string]string{"a/policy.rego": "# METADATA\n# title: t\n# custom:\n#   id: A-1\n#   severity: low\n#   kinds: [Pod]\n#   remidiation: fix it\npackage shipshape.a\nimport rego.v1\nviolation contains 1 if true\n"},
			"user/a/policy.rego:7: METADATA of shipshape.a: custom.remidiation is not a METADATA key (did you mean remediation?); the keys are id, severity,"},
		{"framework for frameworks", map[string]string{"a/policy.rego": "# METADATA\n# title: t\n# custom:\n#   id: A-1\n#   severity: low\n#   framework:\n#     mcsb: [PV-2]\n#   kinds: [Pod]\npackage shipshape.a\nimport rego.v1\nviolation contains 1 if true\n"},
			"user/a/policy.rego:6: METADATA of shipshape.a: custom.framework is not a METADATA key (did you mean frameworks?)"},
		{"unknown framework, on its line", map[string]string{"a/policy.rego": "# METADATA\n# title: t\n# custom:\n#   id: A-1\n#   severity: low\n#   frameworks:\n#     mcsb: [PV-2]\n#     cis-dockr: [4.1]\n#   kinds: [Pod]\npackage shipshape.a\nimport rego.v1\nviolation contains 1 if true\n"},
			"user/a/policy.rego:8: METADATA of shipshape.a: custom.frameworks: cis-dockr is not a framework shipshape reports (did you mean cis-docker?); the frameworks are cis-k8s, cis-aks, cis-docker,"},
		{"unknown framework in flow style", map[string]string{"a/policy.rego": "# METADATA\n# title: t\n# custom:\n#   id: A-1\n#   severity: low\n#   kinds: [Pod]\n#   frameworks: {mcsb: [PV-2], nist-800-53: [AC-6]}\npackage shipshape.a\nimport rego.v1\nviolation contains 1 if true\n"},
			"user/a/policy.rego:7: METADATA of shipshape.a: custom.frameworks: nist-800-53 is not a framework shipshape reports; the frameworks"},
		{"misplaced key outside custom", map[string]string{"a/policy.rego": "# METADATA\n# title: t\n# remediation: fix it\n# custom:\n#   id: A-1\n#   severity: low\n#   kinds: [Pod]\npackage shipshape.a\nimport rego.v1\nviolation contains 1 if true\n"},
			"user/a/policy.rego:3: METADATA of shipshape.a: remediation is not a METADATA key; it belongs under custom:"},
		{"misspelt top-level key", map[string]string{"a/policy.rego": "# METADATA\n# title: t\n# descripton: d\n# custom:\n#   id: A-1\n#   severity: low\n#   kinds: [Pod]\npackage shipshape.a\nimport rego.v1\nviolation contains 1 if true\n"},
			"user/a/policy.rego:3: METADATA of shipshape.a: descripton is not a METADATA key (did you mean description?)"},
		{"defaults violate the schema", map[string]string{"a/policy.rego": "# METADATA\n# title: t\n# custom:\n#   id: A-1\n#   severity: low\n#   kinds: [Pod]\n#   parameters: {type: object, properties: {n: {type: integer, default: x}}}\npackage shipshape.a\nimport rego.v1\nviolation contains 1 if true\n"}, "defaults do not satisfy the schema"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadFS(t, tt.files)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestParseKindAndSeverity(t *testing.T) {
	k, err := ParseKind("apps/Deployment")
	require.NoError(t, err)
	assert.Equal(t, Kind{Group: "apps", Kind: "Deployment"}, k)
	k, err = ParseKind("Pod")
	require.NoError(t, err)
	assert.Equal(t, "Pod", k.String())
	_, err = ParseKind("a/b/C")
	require.Error(t, err)
	_, err = ParseKind("apps/")
	require.Error(t, err)

	s, err := ParseSeverity(" CRITICAL ")
	require.NoError(t, err)
	assert.Equal(t, Critical, s)
	assert.Greater(t, Critical.Rank(), High.Rank())
	assert.Greater(t, Medium.Rank(), Low.Rank())
	_, err = ParseSeverity("none")
	require.Error(t, err)
}

func TestParametersAreServedFromData(t *testing.T) {
	cat, err := requirements.Default()
	require.NoError(t, err)
	lib, err := Load(context.Background(), cat, Source{Name: "library", FS: os.DirFS("../../library"), Builtin: true})
	require.NoError(t, err)
	params := ast.MustParseRef("input.parameters")
	compiler, err := lib.Compiler()
	require.NoError(t, err)
	for name, mod := range compiler.Modules {
		ast.WalkRefs(mod, func(ref ast.Ref) bool {
			assert.False(t, ref.HasPrefix(params), "%s still reads %s", name, ref)
			return false
		})
	}
}

func TestInputContract(t *testing.T) {
	header := "# METADATA\n# title: t\n# custom:\n#   id: A-1\n#   severity: low\n#   kinds: [Pod]\n"
	_, err := loadFS(t, map[string]string{"a/policy.rego": header + "package shipshape.a\nimport rego.v1\nwhole := input\nviolation contains 1 if whole.parameters.x\n"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not to input as a whole")

	_, err = loadFS(t, map[string]string{"lib/h.rego": "package lib.h\nimport rego.v1\nlimit := input.parameters.limit\n"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "helpers must take parameters as arguments")
}

// TestKeepLeavesControlsUnparsed: a source's Keep compiles only the
// controls it chooses; the others are found by the id in their METADATA
// text, which must be the id the parsed METADATA gives.
func TestKeepLeavesControlsUnparsed(t *testing.T) {
	cat, err := requirements.Default()
	require.NoError(t, err)
	fsys := fstest.MapFS{
		"lib/reads.rego":    {Data: []byte(inventoryHelper)},
		"u/one/policy.rego": {Data: []byte(validControl)},
		"u/two/policy.rego": {Data: []byte(helperUser)},
		// Broken Rego that Keep leaves out is never parsed.
		"u/three/policy.rego": {Data: []byte("# METADATA\n# title: t\n# custom:\n#   severity: low\n#   id: \"U-003\"\npackage shipshape.u.three\n\nviolation contains {{{ if\n")},
	}
	lib, err := Load(context.Background(), cat, Source{Name: "user", FS: fsys, Keep: func(id string) bool { return id == "U-002" }})
	require.NoError(t, err)
	require.Len(t, lib.Controls(), 1)
	assert.Equal(t, "U-002", lib.Controls()[0].ID)
	assert.True(t, lib.Knows("U-001"))
	assert.True(t, lib.Knows("U-003"), "a quoted id after other keys")
	assert.False(t, lib.Knows("U-004"))
	_, err = Load(context.Background(), cat, Source{Name: "user", FS: fsys})
	require.Error(t, err, "without Keep the broken control is parsed")

	for _, text := range []string{validControl, helperUser} {
		mod, err := ast.ParseModuleWithOpts("x.rego", text, ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
		require.NoError(t, err)
		want, err := controlID(mod)
		require.NoError(t, err)
		m := metadataID.FindStringSubmatch(text)
		require.NotNil(t, m)
		assert.Equal(t, want, m[1])
	}
}
