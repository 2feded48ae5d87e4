package profile

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/bundles"
	"github.com/shipshape-dev/shipshape/engine/eval"
	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/engine/render"
	"github.com/shipshape-dev/shipshape/engine/requirements"
	"github.com/shipshape-dev/shipshape/library"
)

func schemas(t *testing.T) *Schemas {
	t.Helper()
	s, err := NewSchemas()
	require.NoError(t, err)
	return s
}

func builtinLibrary(t *testing.T, extra ...policy.Source) *policy.Library {
	t.Helper()
	cat, err := requirements.Default()
	require.NoError(t, err)
	sources := append([]policy.Source{{Name: "library", FS: library.FS, Builtin: true}}, extra...)
	lib, err := policy.Load(context.Background(), cat, sources...)
	require.NoError(t, err)
	return lib
}

func TestBuiltinProfilesLoadAndResolve(t *testing.T) {
	s := schemas(t)
	profiles, err := s.LoadProfiles(bundles.FS, "bundles")
	require.NoError(t, err)
	for _, name := range []string{"all", "pss-baseline", "pss-restricted"} {
		require.Contains(t, profiles, name)
	}
	lib := builtinLibrary(t)
	for name, p := range profiles {
		sel, err := s.Select(lib, p, nil)
		require.NoError(t, err, name)
		assert.NotEmpty(t, sel.Bindings, name)
	}
	all, err := s.Select(lib, profiles["all"], nil)
	require.NoError(t, err)
	assert.Len(t, all.Bindings, len(lib.Controls()), "all selects every control")
}

func TestConfigErrorsSayWhere(t *testing.T) {
	s := schemas(t)
	tests := []struct {
		name, config, want string
	}{
		{"unknown top-level key", "profile: all\nsetings: {}\n", `cfg.yaml:2: setings: unknown key "setings"`},
		{"unknown setting", "settings:\n  systemNamespaces: [a]\n  alowedRegistries: [x]\n", `cfg.yaml:3: settings.alowedRegistries: unknown key "alowedRegistries"`},
		{"wrong type", "settings:\n  systemNamespaces: kube-system\n", "cfg.yaml:2: settings.systemNamespaces: expected array, but got string"},
		{"wrong item type", "settings:\n  allowedRegistries:\n    - contoso.azurecr.io\n    - 42\n", "cfg.yaml:4: settings.allowedRegistries[1]: expected string, but got number"},
		{"bad selector operator", "settings:\n  productionNamespaceSelector:\n    matchExpressions:\n      - {key: env, operator: Equals}\n", "cfg.yaml:4: settings.productionNamespaceSelector.matchExpressions[0].operator"},
		{"YAML syntax", "profile: [all\n", "cfg.yaml:1: YAML syntax error"},
		{"duplicate key", "profile: a\nprofile: b\n", `cfg.yaml:2: duplicate key "profile"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.ParseConfig("cfg.yaml", []byte(tt.config))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	cfg, err := s.ParseConfig("cfg.yaml", []byte("# nothing set\n"))
	require.NoError(t, err)
	assert.Empty(t, cfg.Profile)
}

const paramControl = `# METADATA
# title: Registry check
# custom:
#   id: U-REG
#   severity: high
#   kinds: [Pod]
#   parameters:
#     type: object
#     properties:
#       allowedRegistries: {type: array, items: {type: string}, default: []}
#       strict: {type: boolean, default: false}
package shipshape.u.reg

import rego.v1

violation contains {"msg": "x", "details": {}} if false
`

const systemControl = `# METADATA
# title: Judges system namespaces itself
# custom:
#   id: U-SYS
#   severity: low
#   kinds: [Namespace]
#   parameters:
#     type: object
#     properties:
#       systemNamespaces: {type: array, items: {type: string}, default: []}
package shipshape.u.sys

import rego.v1

violation contains {"msg": "x", "details": {}} if false
`

func TestSelectPrecedenceAndExclusions(t *testing.T) {
	s := schemas(t)
	user := policy.Source{Name: "user", FS: fstest.MapFS{
		"reg/policy.rego": {Data: []byte(paramControl)},
		"sys/policy.rego": {Data: []byte(systemControl)},
	}}
	lib := builtinLibrary(t, user)
	p := &Profile{
		Name:       "p",
		Controls:   []string{"SS-PSS-00*"},
		Settings:   map[string]any{"allowedRegistries": []any{"from-profile.io"}},
		Parameters: map[string]map[string]any{"SS-PSS-003": {}},
	}
	cfg, err := s.ParseConfig("c.yaml", []byte("settings:\n  allowedRegistries: [from-config.io]\n  systemNamespaces: [infra]\n"))
	require.NoError(t, err)
	sel, err := s.Select(lib, p, cfg)
	require.NoError(t, err)

	byID := map[string]int{}
	for i, b := range sel.Bindings {
		byID[b.Control.ID] = i
	}
	assert.Contains(t, byID, "SS-PSS-001")
	assert.Contains(t, byID, "SS-PSS-009")
	assert.NotContains(t, byID, "SS-PSS-012", "the glob matches 001-009 only")
	assert.Contains(t, byID, "U-REG", "user controls are always selected")

	reg := sel.Bindings[byID["U-REG"]]
	assert.Equal(t, []any{"from-config.io"}, reg.Parameters["allowedRegistries"], "config settings override profile settings")
	assert.Equal(t, false, reg.Parameters["strict"], "schema defaults fill the rest")
	assert.Equal(t, []string{"infra"}, reg.ExcludedNamespaces)
	assert.Empty(t, sel.Bindings[byID["U-SYS"]].ExcludedNamespaces, "a control that takes systemNamespaces judges them itself")
	assert.Equal(t, []any{"infra"}, sel.Bindings[byID["U-SYS"]].Parameters["systemNamespaces"])
	assert.Equal(t, []string{"infra"}, sel.SystemNamespaces())
}

func TestSelectErrors(t *testing.T) {
	s := schemas(t)
	lib := builtinLibrary(t)
	_, err := s.Select(lib, &Profile{Name: "p", File: "p.yaml", Controls: []string{"SS-NOPE-*"}}, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"SS-NOPE-*" matches no control`)

	_, err = s.Select(lib, &Profile{Name: "p", Controls: []string{"SS-PSS-001"}, Parameters: map[string]map[string]any{"SS-PSS-002": {}}}, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "parameters given for SS-PSS-002, which the profile does not select")

	_, err = s.Select(lib, &Profile{Name: "p", Controls: []string{"SS-PSS-001"}, Parameters: map[string]map[string]any{"SS-PSS-001": {"x": 1}}}, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "SS-PSS-001 takes no parameters")
}

func TestProfileFilesAreValidated(t *testing.T) {
	s := schemas(t)
	_, err := s.LoadProfiles(fstest.MapFS{
		"x.yaml": {Data: []byte("name: other\ncontrols: [a]\n")},
		"z.yaml": {Data: []byte("name: z\ncontrols: [a]\nenforcementAction: block\n")},
	}, "bundles")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `bundles/x.yaml: profile name "other" must match the file name "x"`)
	assert.Contains(t, err.Error(), "bundles/z.yaml:3: enforcementAction")
}

// TestSettingsAndParametersShareDefaults: a setting is the parameter of the
// same name, so a control used without a profile (casetest, exports) and a
// scan agree.
func TestSettingsAndParametersShareDefaults(t *testing.T) {
	settings := schemas(t).DefaultSettings()
	shared := 0
	for _, c := range builtinLibrary(t).Controls() {
		defaults := c.Defaults()
		for _, name := range c.ParameterNames() {
			if want, ok := settings[name]; ok {
				shared++
				assert.Equal(t, want, defaults[name], "%s parameter %s", c.ID, name)
			}
		}
	}
	assert.Positive(t, shared)
}

func TestScanBindingsJudgeSystemNamespacesUnlessConfigured(t *testing.T) {
	s := schemas(t)
	profiles, err := s.LoadProfiles(bundles.FS, "bundles")
	require.NoError(t, err)
	lib := builtinLibrary(t)
	sel, err := s.Select(lib, profiles["all"], nil)
	require.NoError(t, err)
	excluded := func(bindings []eval.Binding) int {
		n := 0
		for _, b := range bindings {
			if len(b.ExcludedNamespaces) > 0 {
				n++
			}
		}
		return n
	}
	assert.Positive(t, excluded(sel.Bindings), "exports exclude systemNamespaces")
	assert.Zero(t, excluded(sel.ScanBindings()), "scans judge them by default")
	assert.Equal(t, "1.37", sel.KubernetesVersion())

	cfg, err := s.ParseConfig("c.yaml", []byte("settings:\n  scanSystemNamespaces: false\n  kubernetesVersion: v1.30.2\n"))
	require.NoError(t, err)
	sel, err = s.Select(lib, profiles["all"], cfg)
	require.NoError(t, err)
	assert.Equal(t, excluded(sel.Bindings), excluded(sel.ScanBindings()))
	assert.Equal(t, "v1.30.2", sel.KubernetesVersion())
	for _, b := range sel.Bindings {
		if b.Control.ID == "SS-K8S-002" {
			assert.Equal(t, "v1.30.2", b.Parameters["kubernetesVersion"], "the setting is the control's parameter")
		}
	}
}

func TestKubernetesVersionDefaultIsTheRenderDefault(t *testing.T) {
	assert.Equal(t, render.DefaultKubeVersion, schemas(t).DefaultSettings()["kubernetesVersion"])
}

// TestUnknownParametersSayWhere: a misspelt parameter would leave its check
// at the default, silently; it is an error at the key's line, with the
// likely spelling and the control's parameters.
func TestUnknownParametersSayWhere(t *testing.T) {
	s := schemas(t)
	lib := builtinLibrary(t)
	profiles, err := s.LoadProfiles(bundles.FS, "bundles")
	require.NoError(t, err)
	tests := []struct {
		name, config string
		want         []string
	}{
		{
			name:   "misspelt parameter",
			config: "parameters:\n  SS-POD-006:\n    maxCpuLimt: \"2\"\n",
			want:   []string{`cfg.yaml:3: parameters.SS-POD-006.maxCpuLimt: unknown parameter "maxCpuLimt" of SS-POD-006 (did you mean maxCpuLimit?); its parameters are maxCpuLimit, maxMemoryLimit`},
		},
		{
			name:   "misspelt beside a good one",
			config: "parameters:\n  SS-IMG-002:\n    requireDigest: true\n    requireDigestt: true\n",
			want:   []string{`cfg.yaml:4: parameters.SS-IMG-002.requireDigestt: unknown parameter "requireDigestt" of SS-IMG-002 (did you mean requireDigest?)`},
		},
		{
			name:   "no close name",
			config: "parameters:\n  SS-POD-006:\n    cpu: \"2\"\n",
			want:   []string{`cfg.yaml:3: parameters.SS-POD-006.cpu: unknown parameter "cpu" of SS-POD-006; its parameters are maxCpuLimit, maxMemoryLimit`},
		},
		{
			name:   "control without parameters",
			config: "parameters:\n  SS-PSS-001:\n    strict: true\n",
			want:   []string{`cfg.yaml:3: parameters.SS-PSS-001.strict: unknown parameter "strict": SS-PSS-001 takes no parameters`},
		},
		{
			name:   "every unknown key of every control",
			config: "parameters:\n  SS-POD-006:\n    maxCpuLimt: \"2\"\n  SS-IMG-002:\n    requireDigestt: true\n",
			want:   []string{"cfg.yaml:3: parameters.SS-POD-006.maxCpuLimt", "cfg.yaml:5: parameters.SS-IMG-002.requireDigestt"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := s.ParseConfig("cfg.yaml", []byte(tt.config))
			require.NoError(t, err, "the file itself is valid")
			_, err = s.Select(lib, profiles["all"], cfg)
			require.Error(t, err)
			for _, want := range tt.want {
				assert.Contains(t, err.Error(), want)
			}
		})
	}
}

func TestUnknownProfileParametersSayWhere(t *testing.T) {
	s := schemas(t)
	profiles, err := s.LoadProfiles(fstest.MapFS{
		"p.yaml": {Data: []byte("name: p\ncontrols: [SS-POD-006]\nparameters:\n  SS-POD-006:\n    maxMemoryLimit: 4Gi\n    maxCpuLimt: \"2\"\n")},
	}, "profiles")
	require.NoError(t, err)
	_, err = s.Select(builtinLibrary(t), profiles["p"], nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `profiles/p.yaml:6: parameters.SS-POD-006.maxCpuLimt: unknown parameter "maxCpuLimt" of SS-POD-006 (did you mean maxCpuLimit?)`)

	// A control whose schema admits other keys knows every key.
	user := policy.Source{Name: "user", FS: fstest.MapFS{"free/policy.rego": {Data: []byte(freeControl)}}}
	cfg, err := s.ParseConfig("c.yaml", []byte("parameters:\n  U-FREE:\n    anything: 1\n"))
	require.NoError(t, err)
	_, err = s.Select(builtinLibrary(t, user), &Profile{Name: "p", Controls: []string{"SS-PSS-001"}}, cfg)
	require.NoError(t, err)
}

const freeControl = `# METADATA
# title: Free-form parameters
# custom:
#   id: U-FREE
#   severity: low
#   kinds: [Pod]
#   parameters:
#     type: object
#     additionalProperties: true
package shipshape.u.free

import rego.v1

violation contains {"msg": "x", "details": {}} if false
`
