// Package render turns a Helm chart or a kustomization into the manifests
// it produces, in process and offline, with Helm's own packages and
// kustomize's API. Each produced document keeps the source file that made
// it: the chart template, or the file kustomize's origin annotation names.
package render

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"helm.sh/helm/v3/pkg/strvals"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// Document is a YAML stream and the source file it came from.
type Document struct {
	File string
	Data []byte
	// Template is true when File is a chart template (Go templates, not
	// YAML) rather than a manifest a kustomization read.
	Template bool
	// Patches are the patch files of the kustomization and its bases: a
	// field a patch set is found there, not in File.
	Patches []string
	// Values are the values files a chart template read, most specific
	// first (--values files, last given first, then the chart's own
	// values.yaml and its parents'): a field a template copied from the
	// values (toYaml) is found there.
	Values []string
}

// HelmOptions are what `helm template` takes.
type HelmOptions struct {
	// ValuesFiles are merged over the chart's values, in order.
	ValuesFiles []string
	// Set are key=value overrides, as --set takes them.
	Set []string
	// Release and Namespace name the release ("release", "default").
	Release, Namespace string
}

var kustomizationNames = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// IsChart reports whether dir is a Helm chart.
func IsChart(dir string) bool { return exists(filepath.Join(dir, "Chart.yaml")) }

// IsKustomization reports whether dir holds a kustomization.
func IsKustomization(dir string) bool {
	for _, n := range kustomizationNames {
		if exists(filepath.Join(dir, n)) {
			return true
		}
	}
	return false
}

func exists(p string) bool {
	info, err := os.Stat(p)
	return err == nil && !info.IsDir()
}

// Helm renders a chart as `helm template` would, with the default
// capabilities and no cluster. Dependencies must be vendored in charts/.
func Helm(dir string, opts HelmOptions) ([]Document, error) {
	ch, err := loader.Load(dir)
	if err != nil {
		return nil, fmt.Errorf("loading the chart: %w", err)
	}
	if err := vendored(ch); err != nil {
		return nil, err
	}
	vals := map[string]any{}
	for _, f := range opts.ValuesFiles {
		v, err := chartutil.ReadValuesFile(f)
		if err != nil {
			return nil, fmt.Errorf("values file %s: %w", f, err)
		}
		vals = chartutil.CoalesceTables(v.AsMap(), vals)
	}
	for _, s := range opts.Set {
		if err := strvals.ParseInto(s, vals); err != nil {
			return nil, fmt.Errorf("--set %s: %w", s, err)
		}
	}
	// As helm install and helm template do: conditions and tags disable
	// subcharts, aliases rename them (with their own values), and
	// import-values lift child values into the parent.
	aliases := aliasesOf(ch, map[string]string{})
	if err := chartutil.ProcessDependenciesWithMerge(ch, vals); err != nil {
		return nil, fmt.Errorf("chart dependencies: %w", err)
	}
	release, ns := opts.Release, opts.Namespace
	if release == "" {
		release = "release"
	}
	if ns == "" {
		ns = "default"
	}
	values, err := chartutil.ToRenderValues(ch, vals, chartutil.ReleaseOptions{Name: release, Namespace: ns, Revision: 1, IsInstall: true}, chartutil.DefaultCapabilities)
	if err != nil {
		return nil, fmt.Errorf("chart values: %w", err)
	}
	rendered, err := engine.Render(ch, values)
	if err != nil {
		return nil, fmt.Errorf("rendering the chart: %w", err)
	}
	names := make([]string, 0, len(rendered))
	for name := range rendered {
		names = append(names, name)
	}
	sort.Strings(names)
	var out []Document
	for _, name := range names {
		base := filepath.Base(name)
		if strings.HasPrefix(base, "_") || strings.EqualFold(filepath.Ext(name), ".txt") || strings.TrimSpace(rendered[name]) == "" {
			continue
		}
		// "mychart/templates/x.yaml" (or "mychart/charts/sub/templates/x.yaml")
		// is the template under the chart directory.
		rel := name
		if i := strings.Index(name, "/"); i >= 0 {
			rel = name[i+1:]
		}
		file := filepath.Join(dir, filepath.FromSlash(unalias(rel, aliases)))
		out = append(out, Document{File: file, Data: []byte(rendered[name]), Template: true, Values: valuesFor(dir, file, opts.ValuesFiles)})
	}
	return out, nil
}

// aliasesOf maps each dependency alias to the chart it renames, at every
// level: an aliased subchart renders under charts/<alias>/, but its
// templates are in the vendored chart's folder.
func aliasesOf(ch *chart.Chart, out map[string]string) map[string]string {
	for _, d := range ch.Metadata.Dependencies {
		if d.Alias != "" {
			out[d.Alias] = d.Name
		}
	}
	for _, sub := range ch.Dependencies() {
		aliasesOf(sub, out)
	}
	return out
}

// unalias turns "charts/<alias>/templates/x.yaml" into the vendored
// chart's path.
func unalias(rel string, aliases map[string]string) string {
	parts := strings.Split(rel, "/")
	for i := 1; i < len(parts); i++ {
		if parts[i-1] == "charts" {
			if name, ok := aliases[parts[i]]; ok {
				parts[i] = name
			}
		}
	}
	return strings.Join(parts, "/")
}

// valuesFor lists the values files a template's fields may come from: the
// user's, last first, then values.yaml of the template's chart and of each
// chart above it up to dir.
func valuesFor(dir, template string, user []string) []string {
	out := make([]string, 0, len(user)+2)
	for i := len(user) - 1; i >= 0; i-- {
		out = append(out, user[i])
	}
	chart := filepath.Dir(filepath.Dir(template)) // .../<chart>/templates/x.yaml
	for {
		if exists(filepath.Join(chart, "values.yaml")) {
			out = append(out, filepath.Join(chart, "values.yaml"))
		}
		rel, err := filepath.Rel(dir, chart)
		if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
			break
		}
		chart = filepath.Dir(filepath.Dir(chart)) // .../<parent>/charts/<chart>
	}
	return out
}

// vendored checks that every declared dependency was loaded from charts/.
func vendored(ch *chart.Chart) error {
	loaded := map[string]bool{}
	for _, d := range ch.Dependencies() {
		loaded[d.Name()] = true
	}
	for _, d := range ch.Metadata.Dependencies {
		if !loaded[d.Name] {
			return fmt.Errorf("dependency %s (%s) is not vendored in charts/; run `helm dependency build` first, shipshape never downloads charts", d.Name, d.Repository)
		}
	}
	for _, sub := range ch.Dependencies() {
		if err := vendored(sub); err != nil {
			return err
		}
	}
	return nil
}

// originFS makes every kustomization it reads ask for origin annotations.
type originFS struct{ filesys.FileSystem }

func (f originFS) ReadFile(path string) ([]byte, error) {
	data, err := f.FileSystem.ReadFile(path)
	if err != nil || !isKustomizationFile(path) {
		return data, err
	}
	var k map[string]any
	if err := yaml.Unmarshal(data, &k); err != nil || k == nil {
		return data, nil // kustomize reports the error
	}
	meta, _ := k["buildMetadata"].([]any)
	k["buildMetadata"] = append(meta, types.OriginAnnotations)
	return yaml.Marshal(k)
}

func isKustomizationFile(path string) bool {
	base := filepath.Base(path)
	for _, n := range kustomizationNames {
		if base == n {
			return true
		}
	}
	return false
}

// remote matches resources kustomize would fetch over the network.
func remote(r string) bool {
	return strings.Contains(r, "://") || strings.HasPrefix(r, "git@") || strings.HasPrefix(r, "github.com/") || strings.Contains(r, "?ref=")
}

// Kustomize builds a kustomization as `kustomize build` would, offline.
// Each object is attributed to the file its origin annotation names.
func Kustomize(dir string) ([]Document, error) {
	var patches []string
	if err := noRemoteResources(dir, map[string]bool{}, &patches); err != nil {
		return nil, err
	}
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	resources, err := k.Run(originFS{filesys.MakeFsOnDisk()}, abs)
	if err != nil {
		return nil, fmt.Errorf("building the kustomization: %w", err)
	}
	byFile := map[string]*bytes.Buffer{}
	var order []string
	for _, res := range resources.Resources() {
		file := dir
		annotations := res.GetAnnotations()
		if origin, ok := annotations["config.kubernetes.io/origin"]; ok {
			var o struct {
				Path string `json:"path"`
			}
			if yaml.Unmarshal([]byte(origin), &o) == nil && o.Path != "" {
				file = filepath.Join(dir, filepath.FromSlash(o.Path))
			}
			delete(annotations, "config.kubernetes.io/origin")
			if err := res.SetAnnotations(annotations); err != nil {
				return nil, err
			}
		}
		data, err := res.AsYAML()
		if err != nil {
			return nil, err
		}
		buf, ok := byFile[file]
		if !ok {
			buf = &bytes.Buffer{}
			byFile[file] = buf
			order = append(order, file)
		} else {
			buf.WriteString("---\n")
		}
		buf.Write(data)
	}
	out := make([]Document, 0, len(order))
	for _, f := range order {
		out = append(out, Document{File: f, Data: byFile[f].Bytes(), Patches: patches})
	}
	return out, nil
}

// noRemoteResources refuses kustomizations that would fetch remote bases,
// following local bases, and collects their patch files.
func noRemoteResources(dir string, seen map[string]bool, patches *[]string) error {
	abs, _ := filepath.Abs(dir)
	if seen[abs] {
		return nil
	}
	seen[abs] = true
	var data []byte
	for _, n := range kustomizationNames {
		if b, err := os.ReadFile(filepath.Join(dir, n)); err == nil {
			data = b
			break
		}
	}
	if data == nil {
		return nil
	}
	var k struct {
		Resources  []string `json:"resources"`
		Bases      []string `json:"bases"`
		Components []string `json:"components"`
		Patches    []struct {
			Path string `json:"path"`
		} `json:"patches"`
		PatchesStrategicMerge []string `json:"patchesStrategicMerge"`
	}
	if err := yaml.Unmarshal(data, &k); err != nil {
		return nil // kustomize reports it with context
	}
	for _, p := range k.Patches {
		if p.Path != "" {
			*patches = append(*patches, filepath.Join(dir, filepath.FromSlash(p.Path)))
		}
	}
	for _, p := range k.PatchesStrategicMerge {
		if !strings.Contains(p, "\n") { // a path, not an inline patch
			*patches = append(*patches, filepath.Join(dir, filepath.FromSlash(p)))
		}
	}
	for _, r := range append(append(k.Resources, k.Bases...), k.Components...) {
		if remote(r) {
			return fmt.Errorf("%s: resource %s is remote; shipshape builds offline, so vendor it and reference the local copy", filepath.Join(dir, "kustomization.yaml"), r)
		}
		sub := filepath.Join(dir, r)
		if info, err := os.Stat(sub); err == nil && info.IsDir() {
			if err := noRemoteResources(sub, seen, patches); err != nil {
				return err
			}
		}
	}
	return nil
}

// KustomizeUnread lists the manifest files and folders under dir that the
// kustomization in dir never reads: folders of components or overlays it
// does not reference, stray manifests. Scanning dir renders the
// kustomization alone, so these are reported rather than silently left out.
// A folder is listed once, not file by file.
func KustomizeUnread(dir string) []string {
	used := map[string]bool{}
	markKustomization(dir, used, 0)
	var unread []string
	_ = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		abs, _ := filepath.Abs(path)
		if d.IsDir() {
			if d.Name() == ".git" || d.Name() == "charts" && path != dir {
				return filepath.SkipDir
			}
			if path != dir && !usesAny(used, abs) && holdsManifests(path) {
				unread = append(unread, path+string(filepath.Separator))
				return filepath.SkipDir
			}
			return nil
		}
		if !used[abs] && isManifestName(path) {
			unread = append(unread, path)
		}
		return nil
	})
	return unread
}

// markKustomization marks a kustomization's file and everything it names
// (resources, bases, components, patches, generators' files), following
// local kustomizations.
func markKustomization(dir string, used map[string]bool, depth int) {
	abs, _ := filepath.Abs(dir)
	if depth > 32 || used[abs+"/"] {
		return
	}
	used[abs+"/"] = true
	for _, n := range kustomizationNames {
		p := filepath.Join(abs, n)
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		used[p] = true
		var k any
		if yaml.Unmarshal(data, &k) != nil {
			return
		}
		for _, ref := range stringsIn(k) {
			target := filepath.Join(abs, filepath.FromSlash(ref))
			info, err := os.Stat(target)
			switch {
			case err != nil || remote(ref):
			case info.IsDir():
				markKustomization(target, used, depth+1)
			default:
				used[target] = true
			}
		}
		return
	}
}

// stringsIn returns every string value inside v.
func stringsIn(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, e := range t {
			out = append(out, stringsIn(e)...)
		}
		return out
	case map[string]any:
		var out []string
		for _, e := range t {
			out = append(out, stringsIn(e)...)
		}
		return out
	}
	return nil
}

// usesAny reports whether anything inside the folder abs is used.
func usesAny(used map[string]bool, abs string) bool {
	prefix := abs + string(filepath.Separator)
	for p := range used {
		if strings.HasPrefix(p, prefix) || p == abs+"/" {
			return true
		}
	}
	return false
}

// holdsManifests reports whether a folder holds a manifest file at any depth.
func holdsManifests(dir string) bool {
	found := false
	_ = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && isManifestName(path) {
			found = true
			return filepath.SkipAll
		}
		return nil
	})
	return found
}

func isManifestName(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}
