package export

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/shipshape-dev/shipshape/bundles"
	"github.com/shipshape-dev/shipshape/engine/eval"
	"github.com/shipshape-dev/shipshape/engine/exceptions"
	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/engine/profile"
	"github.com/shipshape-dev/shipshape/library"
)

func loadLibrary(t *testing.T) *policy.Library {
	t.Helper()
	lib, err := library.Load(context.Background())
	require.NoError(t, err)
	return lib
}

func selection(t *testing.T, lib *policy.Library, name, config string) *profile.Selection {
	t.Helper()
	schemas, err := profile.NewSchemas()
	require.NoError(t, err)
	profiles, err := schemas.LoadProfiles(bundles.FS, "bundles")
	require.NoError(t, err)
	var cfg *profile.Config
	if config != "" {
		cfg, err = schemas.ParseConfig("config.yaml", []byte(config))
		require.NoError(t, err)
	}
	sel, err := schemas.Select(lib, profiles[name], cfg)
	require.NoError(t, err)
	return sel
}

func TestNames(t *testing.T) {
	assert.Equal(t, "ss-pss-003", resourceName("SS-PSS-003"))
	assert.Equal(t, "my-control-1", resourceName("My_Control.1"))
	assert.Equal(t, "ShipshapePssHostPorts", kindName("shipshape.pss.host_ports"))
	lib := loadLibrary(t)
	c, ok := lib.Control("SS-PSS-003")
	require.True(t, ok)
	assert.Equal(t, "ShipshapePssPrivileged", ConstraintKind(c))
	assert.Equal(t, "shipshapepssprivileged", TemplateName(c))
	assert.Equal(t, "shipshape-ss-pss-003", DefinitionName(c))
}

func TestStructuralSchema(t *testing.T) {
	tests := []struct {
		name    string
		in, out string
		err     string
	}{
		{"scalars keep their keywords", `{"type": "integer", "default": 2, "minimum": 1}`, `{"type": "integer", "default": 2, "minimum": 1}`, ""},
		{"uniqueItems and additionalProperties: false go",
			`{"type": "object", "additionalProperties": false, "properties": {"a": {"type": "array", "uniqueItems": true, "items": {"type": "string"}}}}`,
			`{"type": "object", "properties": {"a": {"type": "array", "items": {"type": "string"}}}}`, ""},
		{"free-form objects are not pruned", `{"type": "object"}`, `{"type": "object", "x-kubernetes-preserve-unknown-fields": true}`, ""},
		{"maps keep their value schema", `{"type": "object", "additionalProperties": {"type": "string"}}`, `{"type": "object", "additionalProperties": {"type": "string"}}`, ""},
		{"string or integer", `{"type": ["string", "integer"]}`, `{"x-kubernetes-int-or-string": true}`, ""},
		{"other unions keep any value", `{"type": ["string", "number"], "default": "4"}`, `{"default": "4", "x-kubernetes-preserve-unknown-fields": true}`, ""},
		{"nullable type", `{"type": ["string", "null"]}`, `{"type": "string"}`, ""},
		{"untranslatable keyword", `{"type": "object", "properties": {"a": {"oneOf": [{"type": "string"}]}}}`, "", `schema at /properties/a: JSON schema keyword "oneOf"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var in map[string]any
			require.NoError(t, json.Unmarshal([]byte(tt.in), &in))
			got, err := structuralSchema(in)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			b, _ := json.Marshal(got)
			assert.JSONEq(t, tt.out, string(b))
		})
	}
}

func TestTemplateFormsCarryTheSameRego(t *testing.T) {
	lib := loadLibrary(t)
	c, _ := lib.Control("SS-NET-001")
	for _, legacy := range []bool{false, true} {
		data, err := Template(lib, c, Options{Version: "1.2.3", LegacyRego: legacy})
		require.NoError(t, err)
		var tmpl map[string]any
		require.NoError(t, yaml.Unmarshal(data, &tmpl))
		meta := tmpl["metadata"].(map[string]any)
		ann := meta["annotations"].(map[string]any)
		assert.Equal(t, "1.2.3", ann["metadata.gatekeeper.sh/version"])
		assert.Equal(t, "SS-NET-001", ann[ControlLabel])
		assert.Contains(t, ann[SyncAnnotation], `"kinds":["NetworkPolicy"]`)
		target := tmpl["spec"].(map[string]any)["targets"].([]any)[0].(map[string]any)
		text := string(data)
		assert.NotContains(t, text, "import rego.v1", "Gatekeeper rejects rego.v1 imports")
		assert.NotContains(t, text, "\t", "tabs would force quoted YAML")
		if legacy {
			assert.Contains(t, target["rego"], "import future.keywords")
			assert.NotEmpty(t, target["libs"])
			assert.Nil(t, target["code"])
		} else {
			src := target["code"].([]any)[0].(map[string]any)["source"].(map[string]any)
			assert.Equal(t, "v1", src["version"])
			assert.Contains(t, src["rego"], "package shipshape.net.default_deny")
			libs := src["libs"].([]any)
			var pkgs []string
			for _, l := range libs {
				for _, line := range strings.Split(l.(string), "\n") {
					if strings.HasPrefix(line, "package ") {
						pkgs = append(pkgs, strings.TrimPrefix(line, "package "))
					}
				}
			}
			assert.Contains(t, pkgs, "lib.inventory", "helpers the control uses, directly or not, travel with it")
			assert.Contains(t, pkgs, "lib.k8s")
			assert.NotContains(t, pkgs, "lib.rbac", "helpers it never reaches stay out")
		}
	}
}

func TestAzurePublicURLAndScope(t *testing.T) {
	lib := loadLibrary(t)
	sel := selection(t, lib, "pss-baseline", "")
	files, err := AzurePolicy(lib, sel, Options{Version: "1", TemplateBaseURL: "https://example.com/gk/", DefinitionScope: "/providers/Microsoft.Management/managementGroups/platform"})
	require.NoError(t, err)
	byPath := map[string][]byte{}
	for _, f := range files {
		byPath[f.Path] = f.Data
	}
	def := string(byPath["definitions/shipshape-ss-pss-003.json"])
	assert.Contains(t, def, `"sourceType": "PublicURL"`)
	assert.Contains(t, def, `"url": "https://example.com/gk/shipshapepssprivileged.yaml"`)
	assert.Contains(t, byPath, "templates/shipshapepssprivileged.yaml", "the templates to publish come along")
	ini := string(byPath["initiatives/shipshape-pss-baseline.json"])
	assert.Contains(t, ini, `"/providers/Microsoft.Management/managementGroups/platform/providers/Microsoft.Authorization/policyDefinitions/shipshape-ss-pss-003"`)

	files, err = AzurePolicy(lib, sel, Options{Version: "1"})
	require.NoError(t, err)
	for _, f := range files {
		if f.Path == "definitions/shipshape-ss-pss-003.json" {
			var d azureResource
			require.NoError(t, json.Unmarshal(f.Data, &d))
			props := d.Properties.(map[string]any)
			content := props["policyRule"].(map[string]any)["then"].(map[string]any)["details"].(map[string]any)["templateInfo"].(map[string]any)["content"].(string)
			decoded, err := base64.StdEncoding.DecodeString(content)
			require.NoError(t, err)
			c, _ := lib.Control("SS-PSS-003")
			want, err := Template(lib, c, Options{Version: "1"})
			require.NoError(t, err)
			assert.Equal(t, string(want), string(decoded))
		}
	}
}

func TestInitiativeEffectFollowsTheProfile(t *testing.T) {
	lib := loadLibrary(t)
	sel := selection(t, lib, "pss-baseline", "")
	for action, effect := range map[string]string{"deny": "deny", "dryrun": "audit", "warn": "audit"} {
		p := *sel.Profile
		p.EnforcementAction = action
		s := *sel
		s.Profile = &p
		data, err := Initiative(&s, s.Bindings, Options{Version: "1"})
		require.NoError(t, err)
		var v map[string]any
		require.NoError(t, json.Unmarshal(data, &v))
		got := v["properties"].(map[string]any)["parameters"].(map[string]any)["effect"].(map[string]any)["defaultValue"]
		assert.Equal(t, effect, got, action)
	}
}

func TestGatekeeperConstraintsFollowTheProfile(t *testing.T) {
	lib := loadLibrary(t)
	sel := selection(t, lib, "all", "settings:\n  systemNamespaces: [kube-system, 'tenant-*']\n  allowedRegistries: [contoso.azurecr.io]\n")
	sel.Profile.EnforcementAction = "warn"
	files, err := Gatekeeper(context.Background(), lib, sel, Options{Version: "1"})
	require.NoError(t, err)
	byPath := map[string]string{}
	for _, f := range files {
		byPath[f.Path] = string(f.Data)
	}
	img := byPath["constraints/ss-img-001.yaml"]
	assert.Contains(t, img, "enforcementAction: warn")
	assert.Contains(t, img, "- contoso.azurecr.io")
	assert.Contains(t, img, "- tenant-*")
	assert.Contains(t, img, "shipshape.dev/control: SS-IMG-001")
	assert.NotContains(t, byPath["constraints/ss-pod-001.yaml"], "excludedNamespaces", "a control that takes systemNamespaces judges them itself")
	assert.Contains(t, byPath["sync/syncset.yaml"], "kind: NetworkPolicy")
	assert.Contains(t, byPath["kustomization.yaml"], "sync/syncset.yaml")
	assert.NotContains(t, byPath["kustomization.yaml"], "config.yaml", "applying the kustomization never replaces the cluster's Config")
	assert.NotContains(t, byPath, "templates/shipshapeopsgitops.yaml", "cluster-level controls are not admission controls")
	assert.Contains(t, byPath["tests/suite.yaml"], "kind: Suite")
}

func TestWriteReplacesOnlyItsOwnFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	require.NoError(t, Write(dir, []File{{"a/one.yaml", []byte("1")}, {"b/two.yaml", []byte("2")}}))
	require.NoError(t, Write(dir, []File{{"a/one.yaml", []byte("1b")}}))
	data, err := os.ReadFile(filepath.Join(dir, "a", "one.yaml"))
	require.NoError(t, err)
	assert.Equal(t, "1b", string(data))
	assert.NoFileExists(t, filepath.Join(dir, "b", "two.yaml"))
	assert.NoDirExists(t, filepath.Join(dir, "b"))

	foreign := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(foreign, "notes.txt"), nil, 0o644))
	err = Write(foreign, []File{{"x.yaml", nil}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not empty")

	require.NoError(t, os.WriteFile(filepath.Join(dir, manifestFile), []byte("../../etc/passwd\n"), 0o644))
	err = Write(dir, []File{{"x.yaml", nil}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "outside the export directory")
}

// exportWithExceptions exports sel to Gatekeeper with the exceptions in
// file (POD-08 the only known requirement, as of 2027-01-01), returning the
// options for the Azure export and the Gatekeeper files by path.
func exportWithExceptions(t *testing.T, lib *policy.Library, sel *profile.Selection, file string) (Options, map[string]string) {
	t.Helper()
	set, err := exceptions.Load(file, lib, func(id string) bool { return id == "POD-08" })
	require.NoError(t, err)
	opts := Options{Version: "1", Exceptions: set, Now: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}
	files, err := Gatekeeper(context.Background(), lib, sel, opts)
	require.NoError(t, err)
	byPath := map[string]string{}
	for _, f := range files {
		byPath[f.Path] = string(f.Data)
	}
	return opts, byPath
}

func TestExportsHonourExpressibleExceptions(t *testing.T) {
	lib := loadLibrary(t)
	sel := selection(t, lib, "pss-baseline", "")
	file := filepath.Join(t.TempDir(), "exceptions.yaml")
	require.NoError(t, os.WriteFile(file, []byte(`exceptions:
  - {control: SS-PSS-003, namespaces: [monitoring, "logging-*"], owner: a, reason: agents, expires: 2099-12-31}
  - {requirement: POD-08, namespaces: ["*"], owner: a, reason: everything, expires: 2099-12-31}
  - {control: SS-PSS-002, kinds: [apps/DaemonSet], owner: a, reason: cni, expires: 2099-12-31}
  - {control: SS-PSS-001, namespaces: [old], owner: a, reason: gone, expires: 2020-01-01}
`), 0o644))
	opts, byPath := exportWithExceptions(t, lib, sel, file)
	assert.Contains(t, byPath["constraints/ss-pss-003.yaml"], "- logging-*")
	assert.Contains(t, byPath["constraints/ss-pss-003.yaml"], "- monitoring")
	assert.NotContains(t, byPath["constraints/ss-pss-001.yaml"], "- old", "expired exceptions are not exported")
	report := byPath["EXCEPTIONS.md"]
	assert.Contains(t, report, "## Applied (1)")
	assert.Contains(t, report, "SS-PSS-002: cni")
	assert.Contains(t, report, "scoped by kinds apps/DaemonSet")
	assert.Contains(t, report, "namespaces *", "a match-all namespace glob is not expressible")

	az, err := AzurePolicy(lib, sel, opts)
	require.NoError(t, err)
	for _, f := range az {
		if strings.HasPrefix(f.Path, "initiatives/") {
			assert.Contains(t, string(f.Data), `"logging-*"`, "the initiative gives the control its own exclusion list")
		}
	}
}

// TestConstraintNumbersStayNumbers: parameters read from cases and config
// files hold json.Number, which YAML would write as strings that a
// constraint's integer schema rejects.
func TestConstraintNumbersStayNumbers(t *testing.T) {
	lib := loadLibrary(t)
	c, ok := lib.Control("SS-HA-001")
	require.True(t, ok)
	data, err := Constraint(eval.Binding{Control: c, Parameters: map[string]any{"minReplicas": json.Number("3"), "ratio": json.Number("1.5"), "list": []any{json.Number("7")}}}, "deny")
	require.NoError(t, err)
	text := string(data)
	assert.Contains(t, text, "minReplicas: 3\n")
	assert.Contains(t, text, "ratio: 1.5\n")
	assert.Contains(t, text, "- 7\n")
	assert.NotContains(t, text, `"3"`)
}

// TestImageExceptionsBecomeExemptImages: an exception scoped by image alone
// becomes the exemptImages parameter of the container controls it covers,
// in the Gatekeeper constraint and in the Azure initiative; one scoped by
// image and namespace, or of a control that judges no container, cannot
// be expressed.
func TestImageExceptionsBecomeExemptImages(t *testing.T) {
	lib := loadLibrary(t)
	sel := selection(t, lib, "all", "")
	file := filepath.Join(t.TempDir(), "exceptions.yaml")
	require.NoError(t, os.WriteFile(file, []byte(`exceptions:
  - {control: SS-PSS-003, images: ["mcr.microsoft.com/oss/istio/proxyv2:*", "docker.io/library/busybox:1.36"], owner: mesh, reason: sidecar, expires: 2099-12-31}
  - {requirement: POD-08, images: ["contoso.azurecr.io/sidecars/*"], owner: mesh, reason: sidecars, expires: 2099-12-31}
  - {control: SS-PSS-002, images: ["contoso.azurecr.io/cni:*"], namespaces: [kube-system], owner: net, reason: cni, expires: 2099-12-31}
  - {control: SS-SEC-003, images: ["x/*"], owner: net, reason: none, expires: 2099-12-31}
  - {control: SS-PSS-001, images: ["old/*"], owner: a, reason: gone, expires: 2020-01-01}
`), 0o644))
	opts, byPath := exportWithExceptions(t, lib, sel, file)
	var cons map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(byPath["constraints/ss-pss-003.yaml"]), &cons))
	params := cons["spec"].(map[string]any)["parameters"].(map[string]any)
	assert.Equal(t, []any{"mcr.microsoft.com/oss/istio/proxyv2:*", "docker.io/library/busybox:1.36", "contoso.azurecr.io/sidecars/*"}, params[ExemptImagesParameter],
		"the control's own exception and its requirement's")
	assert.NotContains(t, byPath["constraints/ss-pss-002.yaml"], ExemptImagesParameter, "images in one namespace: Gatekeeper's exemptImages holds everywhere")
	assert.NotContains(t, byPath["constraints/ss-pss-001.yaml"], "old/*", "expired exceptions are not exported")
	report := byPath["EXCEPTIONS.md"]
	assert.Contains(t, report, "SS-PSS-003: sidecar (owner mesh, expires 2099-12-31")
	assert.Contains(t, report, "exempt images mcr.microsoft.com/oss/istio/proxyv2:*, docker.io/library/busybox:1.36")
	assert.Contains(t, report, "scoped by namespaces kube-system; images contoso.azurecr.io/cni:*")
	assert.Contains(t, report, "SS-SEC-003: none (owner net, expires 2099-12-31, "+file+":5): scoped by images x/*", "a control that judges no container takes no exemptImages")

	template := byPath[TemplatePath(mustControl(t, lib, "SS-PSS-003"))]
	assert.Contains(t, template, "unfiltered_violation contains")
	assert.Contains(t, template, "not data.lib.shipshape.exempt_images.exempt(v)")
	assert.Contains(t, template, "package lib.shipshape.exempt_images")
	assert.Contains(t, template, "exemptImages:\n")
	secrets := byPath[TemplatePath(mustControl(t, lib, "SS-SEC-003"))]
	require.NotEmpty(t, secrets)
	assert.NotContains(t, secrets, "exempt_images", "a control of Secrets judges no container")

	az, err := AzurePolicy(lib, sel, opts)
	require.NoError(t, err)
	azByPath := map[string]string{}
	for _, f := range az {
		azByPath[f.Path] = string(f.Data)
	}
	def := azByPath["definitions/shipshape-ss-pss-003.json"]
	assert.Contains(t, def, `"exemptImages": "[parameters('exemptImages')]"`, "the definition passes the parameter to the template")
	for p, data := range azByPath {
		if strings.HasPrefix(p, "initiatives/") {
			assert.Contains(t, data, `"contoso.azurecr.io/sidecars/*"`, "the initiative sets it for the control")
		}
	}
}

func mustControl(t *testing.T, lib *policy.Library, id string) *policy.Control {
	t.Helper()
	c, ok := lib.Control(id)
	require.True(t, ok, id)
	return c
}
