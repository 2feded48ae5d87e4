package scan

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/bundles"
	"github.com/shipshape-dev/shipshape/engine/eval"
	"github.com/shipshape-dev/shipshape/engine/exceptions"
	"github.com/shipshape-dev/shipshape/engine/input"
	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/engine/profile"
	"github.com/shipshape-dev/shipshape/engine/report"
	"github.com/shipshape-dev/shipshape/engine/requirements"
	"github.com/shipshape-dev/shipshape/library"
)

// inventoryControl makes a binding set referential, so Run takes the
// read-everything path.
var inventoryControl = fstest.MapFS{"t/inv/policy.rego": {Data: []byte(`# METADATA
# title: Counts namespaces
# custom:
#   id: T-INV
#   severity: low
#   kinds: [v1/NeverMatches]
#   sync: [v1/Namespace]
package shipshape.t.inv

import rego.v1

violation contains {"msg": "x", "details": {}} if count(data.inventory.cluster) < 0
`)}}

func setup(t *testing.T) (*policy.Library, string) {
	t.Helper()
	cat, err := requirements.Default()
	require.NoError(t, err)
	lib, err := policy.Load(context.Background(), cat,
		policy.Source{Name: "library", FS: library.FS, Builtin: true},
		policy.Source{Name: "t", FS: inventoryControl})
	require.NoError(t, err)
	dir := t.TempDir()
	for i := range 12 {
		var b strings.Builder
		for d := range i%3 + 1 {
			fmt.Fprintf(&b, "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p%d-%d}\nspec:\n  hostPID: %v\n  containers: [{name: a, image: x, securityContext: {privileged: %v}}]\n", i, d, d%2 == 0, i%2 == 0)
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%02d.yaml", i)), []byte(b.String()), 0o644))
	}
	return lib, dir
}

func bindings(lib *policy.Library, ids ...string) []eval.Binding {
	var out []eval.Binding
	for _, id := range ids {
		c, _ := lib.Control(id)
		out = append(out, eval.Binding{Control: c, Parameters: c.Defaults()})
	}
	return out
}

func asJSON(t *testing.T, r *report.Report) string {
	t.Helper()
	data, err := json.Marshal(r.All())
	require.NoError(t, err)
	return string(data)
}

func TestRunIsDeterministicAcrossWorkers(t *testing.T) {
	lib, dir := setup(t)
	bs := bindings(lib, "SS-PSS-002", "SS-PSS-003")
	one, err := Run(context.Background(), lib, bs, Options{Paths: []string{dir}, Workers: 1})
	require.NoError(t, err)
	many, err := Run(context.Background(), lib, bs, Options{Paths: []string{dir}, Workers: 8})
	require.NoError(t, err)
	assert.Equal(t, asJSON(t, one), asJSON(t, many))
	assert.Equal(t, 24, one.Summary.Objects)
	assert.Equal(t, 12, one.Summary.Files)
	assert.Equal(t, 16+12, one.Summary.Violations, "16 pods share hostPID, 12 pods (in even files) are privileged")
}

// TestReportDoesNotDependOnPathOrder scans the same files named in several
// orders, twice, and through their directories: the same report, byte for
// byte. The files hold two ClusterRoles of one name (the inventory keeps
// the one in the file that sorts last, whichever order the paths came in),
// and workloads in a namespace without a default-deny policy, a
// namespace-level finding placed at the first of them in path order.
func TestReportDoesNotDependOnPathOrder(t *testing.T) {
	lib, _ := setup(t)
	dir := t.TempDir()
	files := map[string]string{
		// "app/" sorts before "app-v2/" element by element, after it as a
		// string ('-' < '/').
		"app/roles.yaml":    "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\nrules: [{apiGroups: [''], resources: [pods], verbs: [get]}]\n",
		"app-v2/roles.yaml": "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\nrules: [{apiGroups: ['*'], resources: ['*'], verbs: ['*']}]\n",
		"app/binding.yaml":  "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: readers}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}\nsubjects: [{kind: ServiceAccount, name: api, namespace: shop}]\n",
		"app/web.yaml":      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec: {template: {spec: {serviceAccountName: api, containers: [{name: a, image: x}]}}}\n",
		"app-v2/api.yaml":   "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: shop}\nspec: {template: {spec: {serviceAccountName: api, containers: [{name: a, image: x}]}}}\n",
		"b.yaml":            "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec: {serviceAccountName: api, containers: [{name: a, image: x}]}\n",
	}
	var names []string
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
		names = append(names, p)
	}
	sort.Strings(names)
	reversed := append([]string{}, names...)
	slices.Reverse(reversed)
	bs := bindings(lib, "SS-IAM-021", "SS-NET-001")
	scan := func(paths ...string) string {
		r, err := Run(context.Background(), lib, bs, Options{Paths: paths, Workers: 3})
		require.NoError(t, err)
		var b bytes.Buffer
		require.NoError(t, report.Write(&b, r, "json", report.Options{}))
		return b.String()
	}
	want := scan(dir)
	assert.Contains(t, want, `ClusterRole \"reader\" (every verb on every resource)`, "the role in app-v2/, which sorts last, is the one kept")
	assert.Contains(t, want, `"file": "`+filepath.Join(dir, "app", "web.yaml")+`"`, "the namespace-level finding is placed at the first workload in path order")
	for name, paths := range map[string][]string{
		"files as a string sort orders them": names,
		"files reversed":                     reversed,
		"directories reversed":               {filepath.Join(dir, "b.yaml"), filepath.Join(dir, "app-v2"), filepath.Join(dir, "app")},
		"files named twice":                  append(append([]string{}, reversed...), names...),
		"a file and its directory":           {filepath.Join(dir, "app", "web.yaml"), dir, filepath.Join(dir, "app", ".", "web.yaml")},
	} {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, want, scan(paths...))
		})
	}
}

func TestInventoryPathMatchesStreamingPath(t *testing.T) {
	lib, dir := setup(t)
	streaming, err := Run(context.Background(), lib, bindings(lib, "SS-PSS-002", "SS-PSS-003"), Options{Paths: []string{dir}})
	require.NoError(t, err)
	referential := bindings(lib, "SS-PSS-002", "SS-PSS-003", "T-INV")
	require.True(t, eval.NeedsInventory(referential))
	withInventory, err := Run(context.Background(), lib, referential, Options{Paths: []string{dir}})
	require.NoError(t, err)
	assert.Equal(t, asJSON(t, streaming), asJSON(t, withInventory))
}

func TestMissingPathIsReportedAndOthersScanned(t *testing.T) {
	lib, dir := setup(t)
	r, err := Run(context.Background(), lib, bindings(lib, "SS-PSS-003"), Options{Paths: []string{filepath.Join(dir, "nope.yaml"), dir}})
	require.NoError(t, err)
	require.Len(t, r.Errors, 1)
	assert.Contains(t, r.Errors[0].Message, "nope.yaml")
	assert.Equal(t, 24, r.Summary.Objects)
	assert.Equal(t, 2, r.ExitCode(policy.High))
}

func TestEmptyDirectoryIsAnError(t *testing.T) {
	lib, _ := setup(t)
	r, err := Run(context.Background(), lib, bindings(lib, "SS-PSS-003"), Options{Paths: []string{t.TempDir()}})
	require.NoError(t, err)
	require.Len(t, r.Errors, 1)
	assert.Contains(t, r.Errors[0].Message, "no .yaml, .yml, .json, Dockerfile or kubelet unit files found")
}

// TestInfrastructureSourcesAreNeverPassedOver: a Terraform module in a
// scanned folder is read from source (a module it calls through its
// caller, not again on its own; .terraform's downloads only when called);
// a .tfvars file Terraform reads only when named is listed as not read
// with how to judge it; Bicep is read, a file a .bicepparam file uses
// through it, and a module from a registry is listed as not read; a folder
// of nothing else is an error that does not advise --allow-empty; a .tf
// file named on its own is an input error that names its folder.
func TestInfrastructureSourcesAreNeverPassedOver(t *testing.T) {
	lib, dir := setup(t)
	infra := t.TempDir()
	for name, text := range map[string]string{
		"main.tf":                       "resource \"azurerm_kubernetes_cluster\" \"aks\" {\n  name = \"aks\"\n}\nmodule \"pools\" {\n  source = \"./modules/aks\"\n}\n",
		"modules/aks/main.tf":           "resource \"azurerm_kubernetes_cluster\" \"other\" {\n  name = \"other\"\n}\n",
		"prod.tfvars":                   "sku = \"Free\"\n",
		"stamp.bicep":                   "param name string\nresource aks 'Microsoft.ContainerService/managedClusters@2024-05-01' = {\n  name: name\n  properties: { disableLocalAccounts: false }\n}\n",
		"stamp.bicepparam":              "using 'stamp.bicep'\nparam name = 'stamp'\n",
		".terraform/modules/aks/aks.tf": "resource \"x\" \"y\" {}\n",
	} {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(infra, name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(infra, name), []byte(text), 0o644))
	}
	ctx := context.Background()
	r, err := Run(ctx, lib, bindings(lib, "SS-PSS-003", "SS-AKS-003"), Options{Paths: []string{dir, infra}})
	require.NoError(t, err)
	assert.Empty(t, r.Errors)
	assert.Equal(t, 24+3, r.Summary.Objects, "the pods, the two clusters, the module's once, and the Bicep cluster once, through its .bicepparam")
	var stamp []string
	for _, res := range r.All() {
		if res.Control == "SS-AKS-003" && strings.HasSuffix(res.File, "stamp.bicep") {
			stamp = append(stamp, fmt.Sprintf("%s:%d", res.Name, res.Line))
		}
	}
	assert.Equal(t, []string{"stamp:4"}, stamp, "the name comes from the .bicepparam file, the line from the .bicep file")
	notRead := map[string]string{}
	for _, i := range r.Ignored {
		notRead[filepath.Base(i.Path)] = i.Reason
	}
	assert.Len(t, notRead, 1)
	assert.Contains(t, notRead["prod.tfvars"], "--tf-var-file")

	only := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(only, "stamp.bicep"), []byte("module aks 'br/public:avm/res/container-service/managed-cluster:0.1.0' = {\n  name: 'aks'\n}\n"), 0o644))
	r, err = Run(ctx, lib, bindings(lib, "SS-PSS-003"), Options{Paths: []string{only}})
	require.NoError(t, err)
	require.Len(t, r.Errors, 1)
	assert.Contains(t, r.Errors[0].Message, "not read")
	assert.NotContains(t, r.Errors[0].Message, "--allow-empty")

	r, err = Run(ctx, lib, bindings(lib, "SS-PSS-003"), Options{Paths: []string{dir, filepath.Join(infra, "main.tf")}})
	require.NoError(t, err)
	require.Len(t, r.Errors, 1)
	assert.Contains(t, r.Errors[0].Message, "main.tf: a Terraform file: scan its module's folder (shipshape scan "+infra+")")
	assert.Equal(t, 24, r.Summary.Objects)
}

func TestStdin(t *testing.T) {
	lib, _ := setup(t)
	in := strings.NewReader("apiVersion: v1\nkind: Pod\nmetadata: {name: s}\nspec: {containers: [{name: a, image: x, securityContext: {privileged: true}}]}\n")
	r, err := Run(context.Background(), lib, bindings(lib, "SS-PSS-003"), Options{Paths: []string{"-"}, Stdin: in})
	require.NoError(t, err)
	require.Len(t, r.All(), 1)
	assert.Equal(t, "<stdin>", r.All()[0].File)
	assert.Equal(t, 4, r.All()[0].Line)
}

func TestClusterChecks(t *testing.T) {
	lib, _ := setup(t)
	dir := t.TempDir()
	app := "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: a}\nspec: {containers: [{name: c, image: x}]}\n"
	ns := "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "app.yaml"), []byte(app), 0o644))
	bs := bindings(lib, "SS-OPS-004", "SS-PSS-003")

	r, err := Run(context.Background(), lib, bs, Options{Paths: []string{dir}})
	require.NoError(t, err)
	assert.False(t, r.Summary.ClusterChecked, "manifests are the default scope")
	assert.Empty(t, r.All())
	require.Len(t, r.NotEvaluated, 1, "the report says the cluster-level control did not run")
	assert.Equal(t, "SS-OPS-004", r.NotEvaluated[0].Control)
	assert.Contains(t, r.NotEvaluated[0].Reason, "--scope cluster")

	r, err = Run(context.Background(), lib, bs, Options{Paths: []string{dir}, ClusterChecks: ClusterAlways})
	require.NoError(t, err)
	require.Len(t, r.All(), 1)
	assert.Equal(t, "SS-OPS-004", r.All()[0].Control)
	assert.Empty(t, r.All()[0].File)
	assert.Equal(t, 1, r.Summary.Objects, "the synthetic Cluster is not counted as a scanned object")

	assert.Empty(t, r.NotEvaluated)
	assert.True(t, r.Summary.ClusterChecked)

	// An update-only control in the profile is listed as not evaluated by
	// the same part that judges the cluster: the cluster is still checked.
	r, err = Run(context.Background(), lib, append(bindings(lib, "SS-IAM-022"), bs...), Options{Paths: []string{dir}, ClusterChecks: ClusterAlways})
	require.NoError(t, err)
	assert.True(t, r.Summary.ClusterChecked)
	require.Len(t, r.All(), 1)
	require.Len(t, r.NotEvaluated, 1)
	assert.Equal(t, "SS-IAM-022", r.NotEvaluated[0].Control)

	require.NoError(t, os.WriteFile(filepath.Join(dir, "ns.yaml"), []byte(ns), 0o644))
	r, err = Run(context.Background(), lib, bs, Options{Paths: []string{dir}})
	require.NoError(t, err)
	assert.False(t, r.Summary.ClusterChecked, "a Namespace in the manifests does not make them a cluster")
	r, err = Run(context.Background(), lib, bs, Options{Paths: []string{dir}, ClusterChecks: ClusterAuto})
	require.NoError(t, err)
	assert.True(t, r.Summary.ClusterChecked, "the deprecated auto mode still runs them when a cluster-scoped object is scanned")
	require.Len(t, r.All(), 1)

	r, err = Run(context.Background(), lib, bs, Options{Paths: []string{dir}, ClusterChecks: ClusterNever})
	require.NoError(t, err)
	assert.Empty(t, r.All())
}

func TestProgressCountsEveryFile(t *testing.T) {
	dir := t.TempDir()
	for i := range 5 {
		require.NoError(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("p%d.yaml", i)), []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"), 0o644))
	}
	lib, _ := setup(t)
	var mu sync.Mutex
	var seen []int
	_, err := Run(context.Background(), lib, nil, Options{Paths: []string{dir}, Progress: func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		assert.Equal(t, 5, total)
		seen = append(seen, done)
	}})
	require.NoError(t, err)
	sort.Ints(seen)
	assert.Equal(t, []int{1, 2, 3, 4, 5}, seen)
}

func TestMaxObjectsStopsEveryPath(t *testing.T) {
	lib, dir := setup(t) // 24 objects in 12 files
	all, err := os.ReadDir(dir)
	require.NoError(t, err)
	var stdin strings.Builder
	for _, e := range all {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		stdin.Write(data)
	}
	paths := map[string]struct {
		bindings []eval.Binding
		opts     Options
	}{
		"streaming": {bindings(lib, "SS-PSS-003"), Options{Paths: []string{dir}}},
		"inventory": {bindings(lib, "SS-PSS-003", "T-INV"), Options{Paths: []string{dir}}},
		"stdin":     {bindings(lib, "SS-PSS-003", "T-INV"), Options{Paths: []string{"-"}}},
	}
	for name, p := range paths {
		t.Run(name, func(t *testing.T) {
			opts := p.opts
			opts.Stdin = strings.NewReader(stdin.String())
			opts.MaxObjects = 10
			_, err := Run(context.Background(), lib, p.bindings, opts)
			var limit *input.LimitError
			require.ErrorAs(t, err, &limit)
			assert.Equal(t, "max-objects", limit.Flag)
			assert.EqualValues(t, 10, limit.Limit)

			opts.Stdin = strings.NewReader(stdin.String())
			opts.MaxObjects = 24
			r, err := Run(context.Background(), lib, p.bindings, opts)
			require.NoError(t, err)
			assert.Equal(t, 24, r.Summary.Objects)

			// A stopped scan is an error, never a report of what was
			// judged before it stopped.
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			opts.Stdin = strings.NewReader(stdin.String())
			_, err = Run(ctx, lib, p.bindings, opts)
			require.ErrorIs(t, err, context.Canceled)
		})
	}
}

// TestProfileLibraryGivesTheFullLibrarysVerdicts: a scan compiles only its
// profile's built-in controls (policy.Source.Keep); for every built-in
// profile the results on the examples and the real-world fixtures equal
// those of the whole library.
func TestProfileLibraryGivesTheFullLibrarysVerdicts(t *testing.T) {
	ctx := context.Background()
	full, err := library.Load(ctx)
	require.NoError(t, err)
	schemas, err := profile.NewSchemas()
	require.NoError(t, err)
	profiles, err := schemas.LoadProfiles(bundles.FS, "bundles")
	require.NoError(t, err)
	paths := []string{filepath.Join("..", "..", "examples"), filepath.Join("..", "..", "tests", "realworld", "testdata")}
	for name, p := range profiles {
		t.Run(name, func(t *testing.T) {
			part, err := library.LoadKeeping(ctx, p.Selects)
			require.NoError(t, err)
			if name != "all" {
				assert.Less(t, len(part.Controls()), len(full.Controls()))
			}
			for _, c := range full.Controls() {
				assert.True(t, part.Knows(c.ID), "%s is known though not compiled", c.ID)
			}
			var results []string
			for _, lib := range []*policy.Library{full, part} {
				sel, err := schemas.Select(lib, p, nil)
				require.NoError(t, err)
				r, err := Run(ctx, lib, sel.ScanBindings(), Options{Paths: paths, ClusterChecks: ClusterAlways, AllowEmpty: true})
				require.NoError(t, err)
				assert.NotEmpty(t, r.All())
				results = append(results, asJSON(t, r))
			}
			assert.Equal(t, results[0], results[1])
		})
	}
}

// TestSpilledResultsReportTheSame scans the examples and the real-world
// fixtures with every control twice: results kept in memory, and results
// moved to disk after the first one. Every output format must be the same
// byte for byte, with a baseline and exceptions applied.
func TestSpilledResultsReportTheSame(t *testing.T) {
	ctx := context.Background()
	lib, err := library.Load(ctx)
	require.NoError(t, err)
	var all []eval.Binding
	for _, c := range lib.Controls() {
		all = append(all, eval.Binding{Control: c, Parameters: c.Defaults()})
	}
	root := filepath.Join("..", "..")
	paths := []string{filepath.Join(root, "examples", "bad"), filepath.Join(root, "examples", "good"), filepath.Join(root, "tests", "realworld", "testdata", "shop"), filepath.Join(root, "tests", "realworld", "testdata", "gateway")}
	set := exceptions.Empty().WithInline(true) // the examples carry inline exceptions
	outputs := map[string][]string{}
	for _, spill := range []int{-1, 1} {
		r, err := Run(ctx, lib, all, Options{Paths: paths, ClusterChecks: ClusterAlways, SpillResults: spill, Exceptions: set, Evidence: []string{filepath.Join(root, "examples", "evidence")}})
		require.NoError(t, err)
		require.Greater(t, r.Len(), 10)
		known := map[string]int{}
		for i, res := range r.All() {
			if i%3 == 0 {
				known[res.Fingerprint]++
			}
		}
		require.NoError(t, r.ApplyBaseline(known))
		for _, format := range report.Formats() {
			var buf bytes.Buffer
			require.NoError(t, report.Write(&buf, r, format, report.Options{Version: "test"}))
			outputs[format] = append(outputs[format], buf.String())
		}
		require.NoError(t, r.Close())
	}
	for format, out := range outputs {
		assert.Equal(t, out[0], out[1], format)
	}
}

// TestSeparatePoolsJoinTheirClusterAcrossFiles scans az aks nodepool list
// output beside az aks show output of the cluster: each pool is judged with
// the cluster it names, its findings on the pool file's lines, on every
// path a scan takes (streaming, with an inventory, standard input). A pool
// whose cluster the scan lacks, or names twice, is listed as not judged.
func TestSeparatePoolsJoinTheirClusterAcrossFiles(t *testing.T) {
	lib, _ := setup(t)
	cluster := `{
  "id": "/subscriptions/0/resourcegroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-prod",
  "name": "aks-prod",
  "type": "Microsoft.ContainerService/ManagedClusters",
  "kubernetesVersion": "1.31.2",
  "agentPoolProfiles": [{"name": "system", "mode": "System", "orchestratorVersion": "1.31.2"}]
}
`
	pools := `[
  {
    "id": "/subscriptions/0/resourcegroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-prod/agentPools/user1",
    "name": "user1",
    "type": "Microsoft.ContainerService/managedClusters/agentPools",
    "mode": "User",
    "orchestratorVersion": "1.25.6"
  },
  {
    "id": "/subscriptions/0/resourcegroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-gone/agentPools/user2",
    "name": "user2",
    "type": "Microsoft.ContainerService/managedClusters/agentPools",
    "orchestratorVersion": "1.25.6"
  }
]
`
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "cluster.json"), []byte(cluster), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "pools.json"), []byte(pools), 0o644))
	located := func(r *report.Report) []string {
		var out []string
		for _, res := range r.All() {
			out = append(out, fmt.Sprintf("%s:%d %s", filepath.Base(res.File), res.Line, res.Field))
		}
		return out
	}
	notJudged := func(r *report.Report) map[string]string {
		out := map[string]string{}
		for _, o := range r.NotJudged {
			out[o.Name] = o.Reason
		}
		return out
	}
	ctx := context.Background()
	for name, bs := range map[string][]eval.Binding{
		"streaming":      bindings(lib, "SS-AKS-017"),
		"with inventory": append(bindings(lib, "SS-AKS-017"), bindings(lib, "T-INV")...),
	} {
		t.Run(name, func(t *testing.T) {
			r, err := Run(ctx, lib, bs, Options{Paths: []string{dir}})
			require.NoError(t, err)
			assert.Equal(t, []string{"pools.json:7 spec.agentpoolprofiles[1].orchestratorversion"}, located(r))
			assert.Contains(t, r.All()[0].Message, `node pool "user1" runs Kubernetes 1.25.6`)
			require.Len(t, notJudged(r), 1)
			assert.Contains(t, notJudged(r)["user2"], `an agent pool of cluster "aks-gone", which the scan does not hold`)
		})
	}

	t.Run("pools of several files join in file order, whatever the workers", func(t *testing.T) {
		more := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(more, "cluster.json"), []byte(cluster), 0o644))
		for _, f := range []string{"a-pools.json", "b-pools.json", "c-pools.json"} {
			require.NoError(t, os.WriteFile(filepath.Join(more, f), []byte(pools), 0o644))
		}
		one, err := Run(ctx, lib, bindings(lib, "SS-AKS-017"), Options{Paths: []string{more}, Workers: 1})
		require.NoError(t, err)
		for range 5 {
			many, err := Run(ctx, lib, bindings(lib, "SS-AKS-017"), Options{Paths: []string{more}, Workers: 4})
			require.NoError(t, err)
			assert.Equal(t, asJSON(t, one), asJSON(t, many))
		}
		assert.Equal(t, []string{"a-pools.json:7 spec.agentpoolprofiles[1].orchestratorversion", "b-pools.json:7 spec.agentpoolprofiles[2].orchestratorversion", "c-pools.json:7 spec.agentpoolprofiles[3].orchestratorversion"}, located(one))
	})

	t.Run("pools on standard input", func(t *testing.T) {
		r, err := Run(ctx, lib, bindings(lib, "SS-AKS-017"), Options{Paths: []string{"-", filepath.Join(dir, "cluster.json")}, Stdin: strings.NewReader(pools)})
		require.NoError(t, err)
		assert.Equal(t, []string{"<stdin>:7 spec.agentpoolprofiles[1].orchestratorversion"}, located(r))
	})

	t.Run("two clusters of the name", func(t *testing.T) {
		twice := t.TempDir()
		for _, f := range []string{"a.json", "b.json"} {
			require.NoError(t, os.WriteFile(filepath.Join(twice, f), []byte(cluster), 0o644))
		}
		require.NoError(t, os.WriteFile(filepath.Join(twice, "pools.json"), []byte(pools), 0o644))
		r, err := Run(ctx, lib, bindings(lib, "SS-AKS-017"), Options{Paths: []string{twice}})
		require.NoError(t, err)
		assert.Empty(t, located(r))
		assert.Contains(t, notJudged(r)["user1"], `an agent pool of cluster "aks-prod", a name 2 clusters of the scan have (`)
	})
}
