// Package render turns a Helm chart or a kustomization into the manifests
// it produces, in process and offline, with Helm's own packages and
// kustomize's API. Each produced document keeps the source file that made
// it: the chart template, or the file kustomize's origin annotation names.
package render

import (
	"archive/tar"
	"bytes"
	"cmp"
	"compress/gzip"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
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
	// Source is the template's text when File is a chart template (read
	// from the chart, so a packaged chart's templates are found too).
	Source []byte
	// Patches are the patch files of the kustomization and its bases: a
	// field a patch set is found there, not in File.
	Patches []string
	// Values are the values files a chart template read, most specific
	// first (--values files, last given first, then the chart's own
	// values.yaml and its parents'): a field a template copied from the
	// values (toYaml) is found there.
	Values []SourceFile
	// Files are the other files of the template's chart (.Files), which a
	// template may copy into an object.
	Files []SourceFile
}

// SourceFile is a file's name and content.
type SourceFile struct {
	Name string
	Data []byte
}

// HelmOptions are what `helm template` takes.
type HelmOptions struct {
	// ValuesFiles are merged over the chart's values, in order.
	ValuesFiles []string
	// Set are key=value overrides, as --set takes them.
	Set []string
	// Release and Namespace name the release ("release", "default").
	Release, Namespace string
	// KubeVersion is .Capabilities.KubeVersion ("1.37" or "v1.37.0"; empty:
	// DefaultKubeVersion, not the 1.20 Helm's packages default to). A
	// chart's kubeVersion constraint is checked against it, as helm
	// template --kube-version does.
	KubeVersion string
	// APIVersions are added to .Capabilities.APIVersions, as helm template
	// --api-versions adds them ("monitoring.coreos.com/v1" or
	// "monitoring.coreos.com/v1/ServiceMonitor").
	APIVersions []string
}

// DefaultKubeVersion is the newest Kubernetes release shipshape supports
// (the Kubernetes libraries it is built with, k8s.io/* v0.37); the
// kubernetesVersion setting defaults to it.
const DefaultKubeVersion = "1.37"

// Capabilities returns what templates see as .Capabilities: Helm's
// defaults, with the options' Kubernetes version and API versions.
func (o HelmOptions) Capabilities() (*chartutil.Capabilities, error) {
	caps := chartutil.DefaultCapabilities.Copy()
	version := cmp.Or(o.KubeVersion, DefaultKubeVersion)
	if strings.Count(version, ".") == 1 {
		version += ".0" // "1.37" is v1.37.0, as helm --kube-version reads it
	}
	kv, err := chartutil.ParseKubeVersion(version)
	if err != nil {
		return nil, fmt.Errorf("kube version %q: %w", version, err)
	}
	caps.KubeVersion = *kv
	caps.APIVersions = append(slices.Clone(caps.APIVersions), o.APIVersions...)
	return caps, nil
}

// LibraryChartError is returned for a library chart: it holds helpers for
// other charts and renders nothing by itself.
type LibraryChartError struct{ Chart string }

func (e *LibraryChartError) Error() string {
	return fmt.Sprintf("%s is a library chart: it renders no objects by itself (its templates are judged in the charts that depend on it)", e.Chart)
}

var kustomizationNames = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// IsChart reports whether dir is a Helm chart.
func IsChart(dir string) bool { return exists(filepath.Join(dir, "Chart.yaml")) }

// IsAnyChart reports whether path is a chart directory or a packaged chart,
// what Helm renders.
func IsAnyChart(path string) bool { return IsChart(path) || IsChartArchive(path) }

// IsChartArchive reports whether file is a packaged chart (helm package):
// a gzipped tar whose first folder holds a Chart.yaml.
func IsChartArchive(file string) bool {
	lower := strings.ToLower(file)
	if !strings.HasSuffix(lower, ".tgz") && !strings.HasSuffix(lower, ".tar.gz") {
		return false
	}
	f, err := os.Open(file)
	if err != nil {
		return false
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return false
	}
	tr := tar.NewReader(gz)
	// Chart.yaml comes first in archives helm package writes; a few more
	// entries allow for other packagers.
	for range 64 {
		h, err := tr.Next()
		if err != nil {
			return false
		}
		parts := strings.Split(strings.TrimPrefix(h.Name, "./"), "/")
		if len(parts) == 2 && parts[1] == "Chart.yaml" {
			return true
		}
	}
	return false
}

// IsKustomization reports whether dir holds a kustomization.
func IsKustomization(dir string) bool { return KustomizationFile(dir) != "" }

// KustomizationFile is the kustomization file in dir ("" when none).
func KustomizationFile(dir string) string {
	for _, n := range kustomizationNames {
		if p := filepath.Join(dir, n); exists(p) {
			return p
		}
	}
	return ""
}

func exists(p string) bool {
	info, err := os.Stat(p)
	return err == nil && !info.IsDir()
}

// Helm renders a chart (a directory or a packaged .tgz) as `helm template`
// does, offline: dependencies processed as helm install processes them
// (conditions, tags, aliases, import-values), values validated against
// values.schema.json, the chart's kubeVersion checked against the
// capabilities, and templates rendered. Dependencies must be vendored in
// charts/ (as folders or archives).
func Helm(path string, opts HelmOptions) ([]Document, error) {
	ch, err := loader.Load(path)
	if err != nil {
		return nil, fmt.Errorf("loading the chart: %w", err)
	}
	if ch.Metadata.Type == "library" {
		return nil, &LibraryChartError{Chart: ch.Name()}
	}
	if err := vendored(ch); err != nil {
		return nil, err
	}
	vals, err := userValues(opts)
	if err != nil {
		return nil, err
	}
	aliases := aliasesOf(ch, map[string]string{})
	if err := chartutil.ProcessDependenciesWithMerge(ch, vals); err != nil {
		return nil, fmt.Errorf("chart dependencies: %w", err)
	}
	caps, err := opts.Capabilities()
	if err != nil {
		return nil, err
	}
	if c := ch.Metadata.KubeVersion; c != "" && !chartutil.IsCompatibleRange(c, caps.KubeVersion.String()) {
		return nil, fmt.Errorf("chart requires kubeVersion: %s which is incompatible with Kubernetes %s; pass the release your clusters run with --kube-version", c, caps.KubeVersion.String())
	}
	release := cmp.Or(opts.Release, "release")
	ns := cmp.Or(opts.Namespace, "default")
	values, err := chartutil.ToRenderValuesWithSchemaValidation(ch, vals, chartutil.ReleaseOptions{Name: release, Namespace: ns, Revision: 1, IsInstall: true}, caps, false)
	if err != nil {
		return nil, fmt.Errorf("chart values: %w", err)
	}
	rendered, err := engine.Render(ch, values)
	if err != nil {
		return nil, fmt.Errorf("rendering the chart: %w", err)
	}
	onDisk := func(name string) string {
		// "mychart/charts/<alias>/x" is <path>/charts/<vendored name>/x.
		_, rel, _ := strings.Cut(name, "/")
		return filepath.Join(path, filepath.FromSlash(unalias(rel, aliases)))
	}
	sources := templateSources(ch, ch.Name(), onDisk, nil, map[string]chartFile{})
	user := make([]SourceFile, 0, len(opts.ValuesFiles))
	for i := len(opts.ValuesFiles) - 1; i >= 0; i-- {
		data, _ := os.ReadFile(opts.ValuesFiles[i]) // read without error by userValues
		user = append(user, SourceFile{Name: opts.ValuesFiles[i], Data: data})
	}
	names := slices.Sorted(maps.Keys(rendered))
	var out []Document
	for _, name := range names {
		base := filepath.Base(name)
		if strings.HasPrefix(base, "_") || strings.EqualFold(filepath.Ext(name), ".txt") || strings.TrimSpace(rendered[name]) == "" {
			continue
		}
		src := sources[name]
		out = append(out, Document{File: onDisk(name), Data: []byte(rendered[name]), Template: true, Source: src.data, Values: append(slices.Clone(user), src.values...), Files: src.files})
	}
	return out, nil
}

// userValues merges the --values files and --set overrides as helm does.
func userValues(opts HelmOptions) (map[string]any, error) {
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
	return vals, nil
}

// chartFile is a template's text and the values files of its chart and
// the charts above it, nearest first.
type chartFile struct {
	data   []byte
	values []SourceFile
	files  []SourceFile
}

// templateSources maps each template, by the name the engine renders it
// under ("parent/charts/<alias>/templates/x.yaml"), to its text and the
// values files of its chart and the charts above it (parents).
func templateSources(ch *chart.Chart, prefix string, onDisk func(string) string, parents []SourceFile, out map[string]chartFile) map[string]chartFile {
	values := parents
	for _, f := range ch.Raw {
		if f.Name == chartutil.ValuesfileName {
			values = append([]SourceFile{{Name: onDisk(prefix + "/" + f.Name), Data: f.Data}}, parents...)
			break
		}
	}
	files := make([]SourceFile, 0, len(ch.Files))
	for _, f := range ch.Files {
		files = append(files, SourceFile{Name: onDisk(prefix + "/" + f.Name), Data: f.Data})
	}
	for _, t := range ch.Templates {
		out[prefix+"/"+t.Name] = chartFile{data: t.Data, values: values, files: files}
	}
	for _, sub := range ch.Dependencies() {
		templateSources(sub, prefix+"/charts/"+sub.Name(), onDisk, values, out)
	}
	return out
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

// Owner returns what a scan of the changed file should read so the file is
// judged as it is deployed: the outermost chart that holds it (a subchart
// and a chart's values and templates render only within their chart), else
// the nearest kustomization that holds it, else the file itself. Only
// directories from the file's up to stop (inclusive) are considered.
func Owner(file, stop string) string {
	absStop, err := filepath.Abs(stop)
	if err != nil {
		return file
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return file
	}
	var chart, kustomization string
	for dir := filepath.Dir(abs); ; dir = filepath.Dir(dir) {
		rel, err := filepath.Rel(absStop, dir)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			break
		}
		switch {
		case IsChart(dir):
			chart = dir
		case kustomization == "" && IsKustomization(dir):
			kustomization = dir
		}
		if dir == absStop || dir == filepath.Dir(dir) {
			break
		}
	}
	owner := file
	switch {
	case chart != "":
		owner = chart
	case kustomization != "":
		owner = kustomization
	default:
		return file
	}
	if rel, err := filepath.Rel(absStop, owner); err == nil {
		return rel
	}
	return owner
}
