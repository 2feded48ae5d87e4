package bicep

import (
	"github.com/shipshape-dev/shipshape/engine/azure/source"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/engine/azure/armexpr"
)

func loadMap(t *testing.T, files map[string]string, name string) *Config {
	t.Helper()
	fsys := fstest.MapFS{}
	for n, text := range files {
		fsys[n] = &fstest.MapFile{Data: []byte(text)}
	}
	cfg, err := LoadFS(fsys, name, Options{})
	require.NoError(t, err)
	return cfg
}

func resources(cfg *Config) []map[string]any {
	var out []map[string]any
	for _, r := range cfg.Template["resources"].([]any) {
		out = append(out, r.(map[string]any))
	}
	return out
}

// props is the properties of the only resource of a file whose body is
// `properties: {` + body + `}`.
func props(t *testing.T, decls, body string) map[string]any {
	t.Helper()
	src := decls + "\nresource r 'Microsoft.ContainerRegistry/registries@2023-07-01' = {\n  name: 'r'\n  properties: {\n" + body + "\n  }\n}\n"
	rs := resources(loadMap(t, map[string]string{"main.bicep": src}, "main.bicep"))
	require.Len(t, rs, 1)
	return rs[0]["properties"].(map[string]any)
}

func TestExpressions(t *testing.T) {
	for _, tt := range []struct {
		name, decls, expr string
		want              any
	}{
		{"interpolation", "param n string = 'shop'", "'acr-${n}-${1 + 2}'", "acr-shop-3"},
		{"multi-line string", "", "'''\n[line] 'quoted'\n'''", "[line] 'quoted'\n"},
		{"safe index", "param xs array = []", "xs[?3] ?? 'none'", "none"},
		{"ternary", "param prod bool = false", "prod ? 'Disabled' : 'Enabled'", "Enabled"},
		{"coalesce", "param o object = {}", "o.?x ?? 'fallback'", "fallback"},
		{"safe access", "param o object = {}", "o.?a.b", nil},
		{"not and or", "param a bool = true", "!a || (a && !false)", true},
		{"comparison", "param n int = 3", "n >= 3 && n < 4 && n != 5", true},
		{"case-insensitive equality", "", "'ABC' =~ 'abc'", true},
		{"case-sensitive equality", "var o = {Key: 'ABC'}", "'ABC' == 'abc' || o == {key: 'ABC'} || !(o == {Key: 'ABC'})", false},
		{"functions", "var xs = ['B', 'a']", "toLower(concat(first(xs), 'C', string(length(xs))))", "bc2"},
		{"namespaced function", "", "sys.toUpper('a')", "A"},
		{"format and union", "", "union({a: format('{0}-{1}', 'x', 1)}, {b: true}).a", "x-1"},
		{"index", "var xs = [\n  'a'\n  'b'\n]", "xs[1]", "b"},
		{"variable loop", "var xs = [for i in range(0, 3): i * 2]", "xs[2]", float64(4)},
		{"filtered loop with index", "var xs = [for (x, i) in ['a', 'b', 'c']: if (i != 1) x]", "join(xs, ',')", "a,c"},
		{"object with commas", "", "{ a: 1, b: 2 }.b", float64(2)},
		{"items", "var o = {b: 2, a: 1}", "items(o)[0].key", "a"},
		{"comments", "var a = /* inline */ 1 // trailing", "a", float64(1)},
		{"linter pragmas", "#disable-next-line no-unused-vars BCP081\nvar a = 1\n#disable-diagnostics BCP081\nvar b = a\n#restore-diagnostics BCP081", "b", float64(1)},
		{"deployment-time", "", "resourceGroup().location", armexpr.Unresolved{Expr: "resourceGroup().location"}},
		{"unset parameter", "param p string", "p", armexpr.Unresolved{Expr: "p"}},
		{"unresolved spreads to its expression", "param p string", "'x-${p}'", armexpr.Unresolved{Expr: "'x-${p}'"}},
		{"false && unknown", "param p bool", "false && p", false},
		{"equal branches", "param p bool", "p ? 1 : 1", float64(1)},
		{"resource ID with literal names", "resource a 'Microsoft.ContainerService/managedClusters@2024-05-01' existing = {\n  name: 'aks'\n}", "a.id",
			armexpr.Unresolved{Expr: "resourceId('Microsoft.ContainerService/managedClusters', 'aks')"}},
		{"resource name", "resource a 'Microsoft.ContainerService/managedClusters@2024-05-01' existing = {\n  name: 'aks'\n}", "a.name", "aks"},
		{"resource properties", "resource a 'Microsoft.ContainerService/managedClusters@2024-05-01' existing = {\n  name: 'aks'\n}", "a.properties.fqdn",
			armexpr.Unresolved{Expr: "a.properties.fqdn"}},
		{"resource ID function", "", "subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'abc')",
			armexpr.Unresolved{Expr: "subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'abc')"}},
		{"skipped declarations", "import {a} from 'x.bicep'\ntype t = {\n  a: string\n}\nfunc f(x int) int => x\nmetadata m = 'x'\n@export()\nvar v = 1", "v", float64(1)},
		{"filter", "", "filter([1, 2, 3], x => x > 1)", []any{float64(2), float64(3)}},
		{"map with index", "param names array = ['a', 'b']", "join(map(names, (n, i) => '${toUpper(n)}${i}'), ',')", "A0,B1"},
		{"reduce", "", "reduce([1, 2, 3], 10, (acc, x) => acc + x)", float64(16)},
		{"sort", "", "join(sort(['c', 'a', 'b'], (a, b) => a < b), '')", "abc"},
		{"toObject", "var pools = [\n  {name: 'sys', zones: 3}\n  {name: 'user', zones: 1}\n]", "toObject(pools, p => p.name, p => p.zones).user", float64(1)},
		{"mapValues", "", "mapValues({a: 1, b: 2}, v => v * 10).b", float64(20)},
		{"groupBy", "", "length(groupBy(['ab', 'ac', 'b'], s => substring(s, 0, 1)).a)", float64(2)},
		{"substring", "", "substring('ab', 0, 1)", "a"},
		{"lambda over an unknown list", "param xs array", "filter(xs, x => x > 1)", armexpr.Unresolved{Expr: "filter(xs, x => x > 1)"}},
		{"lambda deciding on an unknown", "param p int", "filter([1, 2], x => x > p)", armexpr.Unresolved{Expr: "filter([1, 2], x => x > p)"}},
		{"map keeps what it cannot decide", "param p string", "map(['a'], x => '${x}${p}')[0]", armexpr.Unresolved{Expr: "'${x}${p}'"}},
		{"object spread", "var base = {a: 1, b: 2}", "{\n      a: 0\n      ...base\n      b: 3\n    }", map[string]any{"a": float64(1), "b": float64(3)}},
		{"conditional spread", "param aad bool = true", "{\n      x: 1\n      ...(aad ? {\n        y: 'true'\n      } : {})\n    }", map[string]any{"x": float64(1), "y": "true"}},
		{"spread of an unknown", "param extra object", "{\n      x: 1\n      ...extra\n    }", armexpr.Unresolved{Expr: "{ x: 1 ...extra }"}},
		{"array spread", "var xs = ['b', 'c']", "join(['a', ...xs, 'd'], '')", "abcd"},
		{"array spread of an unknown", "param xs array", "['a', ...xs]", armexpr.Unresolved{Expr: "['a', ...xs]"}},
		{"any", "param p string = 'x'", "any(p)", "x"},
		{"nullable parameter", "param p string?", "p ?? 'fallback'", "fallback"},
		{"nullable members do not make a parameter nullable", "param o {a: string?}", "o", armexpr.Unresolved{Expr: "o"}},
		{"a lambda as a value", "var f = x => x", "f", armexpr.Unresolved{Expr: "x => x"}},
		{"a lambda in a string", "var f = x => x", "'${f}'", armexpr.Unresolved{Expr: "'${f}'"}},
		{"user-defined function", "func poolName(prefix string, n int) string => '${prefix}-${n}'", "poolName('sys', 2)", "sys-2"},
		{"user-defined function with an object type", "func tier(o {prod: bool}) string => o.prod ? 'Standard' : 'Free'", "tier({prod: true})", "Standard"},
		{"child accessor", "resource vnet 'Microsoft.Network/virtualNetworks@2023-04-01' existing = {\n  name: 'vnet'\n  resource subnet 'subnets' existing = {\n    name: 'aks'\n  }\n}", "vnet::subnet.id", armexpr.Unresolved{Expr: "resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'aks')"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := props(t, tt.decls, "    v: "+tt.expr)
			if s, ok := tt.want.(string); ok && strings.HasPrefix(s, "[") {
				tt.want = "[" + s // escaped for armexpr
			}
			assert.Equal(t, tt.want, got["v"])
		})
	}
}

func TestResources(t *testing.T) {
	cfg := loadMap(t, map[string]string{"main.bicep": `
param pools array = [
  'a'
  'b'
]
param enabled bool
@allowed([
  'azure'
  'cilium'
])
param policy string = 'azure'

resource aks 'Microsoft.ContainerService/managedClusters@2024-05-01' = {
  name: 'aks'
  properties: {
    networkProfile: {
      networkPolicy: policy
    }
  }

  resource nested 'agentPools' = {
    name: 'nested'
    properties: {}
  }
}

resource looped 'Microsoft.ContainerService/managedClusters/agentPools@2024-05-01' = [for p in pools: {
  parent: aks
  name: p
  properties: {}
}]

resource off 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = if (false) {
  name: 'off'
  scope: aks
}

resource maybe 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = if (enabled) {
  name: 'maybe'
  scope: aks
  dependsOn: [
    looped
  ]
}
`}, "main.bicep")
	var got []string
	for _, r := range resources(cfg) {
		got = append(got, r["type"].(string)+" "+r["name"].(string))
	}
	assert.Equal(t, []string{
		"Microsoft.ContainerService/managedClusters aks",
		"Microsoft.ContainerService/managedClusters/agentPools aks/nested",
		"Microsoft.ContainerService/managedClusters/agentPools aks/a",
		"Microsoft.ContainerService/managedClusters/agentPools aks/b",
		"Microsoft.Insights/diagnosticSettings maybe",
	}, got)
	rs := resources(cfg)
	assert.Equal(t, "2024-05-01", rs[1]["apiVersion"], "a nested child without a version has its parent's")
	assert.Equal(t, "[parameters('policy')]", rs[0]["properties"].(map[string]any)["networkProfile"].(map[string]any)["networkPolicy"])
	assert.Equal(t, map[string]any{"policy": map[string]any{"defaultValue": "azure", "allowedValues": []any{"azure", "cilium"}}}, cfg.Template["parameters"])
	assert.Equal(t, armexpr.Unresolved{Expr: "enabled"}, rs[4]["condition"])
	assert.Equal(t, "Microsoft.ContainerService/managedClusters/aks", rs[4]["scope"])
	assert.NotContains(t, rs[4], "dependsOn")

	for path, line := range map[string]int{
		"resources/0/properties/networkProfile/networkPolicy": 17,
		"resources/0/sku":        13, // not written: the resource's line
		"resources/1":            21,
		"resources/3/properties": 30,
	} {
		var p []any
		for _, seg := range strings.Split(path, "/") {
			if n := strings.IndexAny(seg, "0123456789"); n == 0 {
				p = append(p, int(seg[0]-'0'))
				continue
			}
			p = append(p, seg)
		}
		at, ok := cfg.Place(p)
		require.True(t, ok, path)
		assert.Equal(t, Place{File: "main.bicep", Line: line}, at, path)
	}
}

func TestModulesAndParameterFiles(t *testing.T) {
	files := map[string]string{
		"infra/main.bicepparam": "using './main.bicep'\n\nparam name = 'from-params'\n",
		"infra/main.bicep": `param name string = 'default'
module reg './modules/registry.bicep' = {
  name: 'reg'
  params: {
    registryName: name
  }
}
module remote 'br/public:avm/res/container-registry/registry:0.1.0' = {
  name: 'remote'
}
resource pe 'Microsoft.Network/privateEndpoints@2023-09-01' = {
  name: 'pe'
  properties: {
    target: reg.outputs.id
  }
}
`,
		"infra/modules/registry.bicep": `param registryName string
resource acr 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: registryName
  properties: {
    adminUserEnabled: true
  }
}
output id string = acr.id
`,
	}
	cfg := loadMap(t, files, "infra/main.bicepparam")
	rs := resources(cfg)
	require.Len(t, rs, 2)
	assert.Equal(t, "from-params", rs[0]["name"])
	assert.Equal(t, armexpr.Unresolved{Expr: "resourceId('Microsoft.ContainerRegistry/registries', 'from-params')"}, rs[1]["properties"].(map[string]any)["target"])
	at, _ := cfg.Place([]any{"resources", 0, "properties", "adminUserEnabled"})
	assert.Equal(t, Place{File: "infra/modules/registry.bicep", Line: 5}, at)
	assert.Equal(t, []string{"infra/main.bicep", "infra/main.bicepparam", "infra/modules/registry.bicep"}, cfg.Files)
	require.Len(t, cfg.NotRead, 1)
	assert.Contains(t, cfg.NotRead[0].Reason, "module remote (line 8) comes from a registry")

	cfg = loadMap(t, files, "infra/main.bicep")
	assert.Equal(t, "default", resources(cfg)[0]["name"])

	assert.ElementsMatch(t, []string{"infra/main.bicep"}, References("infra/main.bicepparam", []byte(files["infra/main.bicepparam"]), dirOf, joinAll))
	assert.ElementsMatch(t, []string{"infra/modules/registry.bicep"}, References("infra/main.bicep", []byte(files["infra/main.bicep"]), dirOf, joinAll))
}

func dirOf(name string) string      { return source.FS{}.Dir(name) }
func joinAll(elem ...string) string { return source.FS{}.Join(elem...) }

func TestErrorsNameTheirLine(t *testing.T) {
	for _, tt := range []struct{ name, src, want string }{
		{"unclosed object", "resource r 'T@1' = {\n  name: 'r'\n", "main.bicep:3: expected a property name"},
		{"unclosed string", "var a = 'x\n", "main.bicep:1: unclosed string"},
		{"bad character", "var a = 1\nvar b = #\n", "main.bicep:2: unexpected character"},
		{"variable cycle", "var a = b\nvar b = a\nresource r 'T@1' = {\n  name: a\n}\n", "refers to itself"},
		{"condition of a string", "resource r 'T@1' = if ('x') {\n  name: 'r'\n}\n", "main.bicep:1: a condition must be true or false"},
		{"missing module", "module m './nope.bicep' = {\n  name: 'm'\n}\n", "main.bicep:1: module m"},
		{"module calls itself", "module m './main.bicep' = {\n  name: 'm'\n}\n", "modules nested deeper than"},
		{"recursive function", "func f(x int) int => f(x)\nvar a = f(1)\nresource r 'T@1' = {\n  name: 'r'\n  properties: {a: a}\n}\n", "main.bicep:1: functions nested over 64 deep"},
		{"lambda with an expression for a parameter", "var a = map([1], (x + 1) => x)\n", "main.bicep:1: a lambda's parameters must be names"},
		{"too deep", "var a = " + strings.Repeat("(", 300) + "1" + strings.Repeat(")", 300) + "\n", "nested too deep"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadFS(fstest.MapFS{"main.bicep": &fstest.MapFile{Data: []byte(tt.src)}}, "main.bicep", Options{})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// TestMapPlacesItemsOnTheLambdasLines: pools written through map() are
// placed on the lines of the lambda's body, as a loop's are.
func TestMapPlacesItemsOnTheLambdasLines(t *testing.T) {
	cfg := loadMap(t, map[string]string{"main.bicep": `param pools array = [
  {name: 'sys'}
  {name: 'user', zones: ['1']}
]
resource aks 'Microsoft.ContainerService/managedClusters@2024-05-01' = {
  name: 'aks'
  properties: {
    agentPoolProfiles: map(pools, p => {
      name: p.name
      availabilityZones: p.?zones
    })
  }
}
`}, "main.bicep")
	pools := resources(cfg)[0]["properties"].(map[string]any)["agentPoolProfiles"].([]any)
	require.Len(t, pools, 2)
	assert.Equal(t, []any{"1"}, pools[1].(map[string]any)["availabilityZones"])
	for path, line := range map[int]int{0: 9, 1: 10} {
		key := []string{"name", "availabilityZones"}[path]
		at, ok := cfg.Place([]any{"resources", 0, "properties", "agentPoolProfiles", 1, key})
		require.True(t, ok)
		assert.Equal(t, line, at.Line, key)
	}
}
