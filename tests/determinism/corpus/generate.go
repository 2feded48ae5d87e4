// Package corpus generates the corpus of the determinism tests: every
// object and fixture file of the library's cases, multiplied by seeded
// variants until it holds the number of objects asked for. A variant
// renames the objects of its case consistently (names, namespaces and what
// refers to them), swaps leaf values between cases of the same kind and
// field, writes numbers, booleans and strings another way with the same
// value (0 as -0.0, 1 as 1.0, true as yes, quoted or plain), writes keys
// in another order, moves workloads to their legacy API group, and packs
// objects into files of several documents, Lists and JSON. Dockerfiles,
// kubelet units, ARM templates, az CLI JSON and Terraform plans are
// written as such, and evidence files go to a directory of their own for
// --evidence.
//
// The same seeds and options give the same files, byte for byte.
package corpus

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/shipshape-dev/shipshape/engine/input"
)

// The corpus's top-level directories: ManifestsDir is scanned, EvidenceDir
// is given to --evidence.
const (
	ManifestsDir = "manifests"
	EvidenceDir  = "evidence"
)

// Options size a corpus.
type Options struct {
	// Objects is how many objects the scan reads at least. Every seed is
	// written at least once whatever the number, so the corpus always
	// holds every case.
	Objects int
	// Seed chooses the variants.
	Seed uint64
	// Shards splits the corpus into this many repositories (one when
	// zero), directories of ManifestsDir that are each scanned as a whole:
	// the cases are dealt to them in turn, so each holds a share of every
	// area of the library.
	Shards int
}

// File is one file of the corpus.
type File struct {
	// Path is slash-separated, relative to the corpus's root.
	Path string
	Data []byte
	Type InputType
	// Objects counts the objects the scan reads from the file.
	Objects int
	// Source is the library's fixture file it was written from, if any.
	Source string
}

// Corpus is a generated corpus.
type Corpus struct {
	// Files are sorted by path.
	Files []File
	// Objects counts the objects the scan reads from ManifestsDir.
	Objects int
	// Shards are its repositories, in order.
	Shards []Shard
	// Seeds is how many seeds it holds, each at least once.
	Seeds int
}

// Shard is one repository of a corpus.
type Shard struct {
	// Dir is its directory, relative to the corpus's root.
	Dir string
	// Objects counts the objects the scan reads from it.
	Objects int
}

// Generate makes a corpus of every seed, then of variants of them, until
// it holds opts.Objects objects. It writes nothing: see Corpus.Write.
func Generate(seeds []Seed, opts Options) (*Corpus, error) {
	if len(seeds) == 0 {
		return nil, errors.New("corpus: no seeds")
	}
	shards := max(opts.Shards, 1)
	g := &generator{seeds: seeds, pool: valuePool(seeds), seed: opts.Seed, shards: shards}
	c := &Corpus{Seeds: len(seeds)}
	for i := range shards {
		c.Shards = append(c.Shards, Shard{Dir: g.shardDir(i)})
	}
	paths := map[string]bool{}
	add := func(f File) error {
		if paths[f.Path] {
			return fmt.Errorf("corpus: %s written twice", f.Path)
		}
		paths[f.Path] = true
		c.Files = append(c.Files, f)
		if !f.Type.IsEvidence() {
			c.Objects += f.Objects
		}
		return nil
	}
	evidence := map[string]bool{}
	for n := 0; n < len(seeds) || c.Objects < opts.Objects; n++ {
		files, err := g.group(n)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			if err := add(f); err != nil {
				return nil, err
			}
			c.Shards[n%shards].Objects += f.Objects
		}
		for _, fx := range seeds[n%len(seeds)].Evidence {
			if evidence[fx.Name] {
				continue
			}
			evidence[fx.Name] = true
			if err := add(File{Path: path.Join(EvidenceDir, fx.Name), Data: fx.Data, Type: fx.Type, Source: fx.Path}); err != nil {
				return nil, err
			}
		}
	}
	slices.SortFunc(c.Files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	return c, nil
}

// generator writes groups: group n is variant n/len(seeds) of seed
// n%len(seeds), in a directory of its own in shard n%shards.
type generator struct {
	seeds  []Seed
	pool   map[string][]any
	seed   uint64
	shards int
}

// shardDir is the directory of shard i: ManifestsDir itself when there is
// one.
func (g *generator) shardDir(i int) string {
	if g.shards == 1 {
		return ManifestsDir
	}
	return path.Join(ManifestsDir, fmt.Sprintf("repo-%03d", i))
}

// group writes the files of group n. Variant 0 of a seed keeps the case's
// names and values; every variant is written in its own style and
// packing.
func (g *generator) group(n int) ([]File, error) {
	s := g.seeds[n%len(g.seeds)]
	variant := n / len(g.seeds)
	r := rand.New(rand.NewPCG(g.seed, uint64(n)))
	dir := path.Join(g.shardDir(n%g.shards), fmt.Sprintf("team-%02d", n/g.shards%23), fmt.Sprintf("%s-%s", slug(s.Case, 32), strconv.FormatInt(int64(n), 36)))
	objects := make([]map[string]any, len(s.Objects))
	for i, o := range s.Objects {
		objects[i] = clone(o).(map[string]any)
	}
	if variant > 0 {
		// The first time, a case keeps its names and values.
		if r.IntN(8) > 0 {
			rename(objects, strconv.FormatInt(int64(n), 36))
		}
		for _, o := range objects {
			if r.IntN(3) == 0 {
				g.swapValues(o, r)
			}
		}
	}
	for _, o := range objects {
		if r.IntN(12) == 0 {
			legacyGroup(o)
		}
	}
	st := &style{
		r:           r,
		shuffleKeys: r.IntN(3) == 0,
		quoting:     []float64{0, 0.1, 0.5}[r.IntN(3)],
		numbers:     []float64{0, 0.3, 1}[r.IntN(3)],
		booleans:    []float64{0, 0.2, 1}[r.IntN(3)],
		flow:        []float64{0, 0.3, 0.8}[r.IntN(3)],
		indentLists: r.IntN(2) == 0,
	}
	var files []File
	manifests, err := writeManifests(dir, objects, st)
	if err != nil {
		return nil, err
	}
	files = append(files, manifests...)
	for _, fx := range s.Files {
		f, err := writeFixture(dir, fx, st)
		if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(files, func(o File) bool { return o.Path == f.Path }) {
			files = append(files, f)
		}
	}
	return files, nil
}

// writeManifests packs objects into one to three files of documents, each
// file's objects possibly in one List, or in JSON.
func writeManifests(dir string, objects []map[string]any, st *style) ([]File, error) {
	if len(objects) == 0 {
		return nil, nil
	}
	r := st.r
	nfiles := 1 + r.IntN(min(3, len(objects)))
	var files []File
	for i := range nfiles {
		chunk := objects[i*len(objects)/nfiles : (i+1)*len(objects)/nfiles]
		name := fmt.Sprintf("manifests-%d", i)
		if len(chunk) == 1 {
			name = fmt.Sprintf("%s-%d", slug(strings.ToLower(kindOf(chunk[0]))+"-"+nameOf(chunk[0]), 48), i)
		}
		var b strings.Builder
		ext := ".yaml"
		switch {
		case r.IntN(20) == 0:
			// kubectl get -o json: a List.
			ext = ".json"
			items := make([]any, len(chunk))
			for j, o := range chunk {
				items[j] = o
			}
			data, err := json.MarshalIndent(map[string]any{"apiVersion": "v1", "kind": "List", "metadata": map[string]any{"resourceVersion": ""}, "items": items}, "", "    ")
			if err != nil {
				return nil, err
			}
			b.Write(data)
			b.WriteString("\n")
		case len(chunk) > 1 && r.IntN(6) == 0:
			items := make([]any, len(chunk))
			for j, o := range chunk {
				items[j] = o
			}
			if r.IntN(2) == 0 {
				b.WriteString("---\n")
			}
			st.writeYAML(&b, map[string]any{"apiVersion": "v1", "kind": "List", "items": items})
		default:
			if r.IntN(3) == 0 {
				ext = ".yml"
			}
			for j, o := range chunk {
				if j > 0 || r.IntN(5) == 0 {
					b.WriteString("---\n")
				}
				if r.IntN(5) == 0 {
					fmt.Fprintf(&b, "# Source: %s/templates/%s.yaml\n", path.Base(dir), strings.ToLower(kindOf(o)))
				}
				if j > 0 && r.IntN(25) == 0 {
					b.WriteString("---\n") // an empty document, as helm template writes
				}
				st.writeYAML(&b, o)
			}
		}
		files = append(files, File{Path: path.Join(dir, name+ext), Data: []byte(b.String()), Type: Manifest, Objects: len(chunk)})
	}
	return files, nil
}

// writeFixture writes a fixture file: Azure documents re-encoded (other
// key orders and number spellings, sometimes as YAML, as az -o yaml
// writes), Dockerfiles under one of the names the scan recognises, kubelet
// units as they are, each possibly after a comment.
func writeFixture(dir string, fx Fixture, st *style) (File, error) {
	r := st.r
	f := File{Path: path.Join(dir, fx.Name), Data: fx.Data, Type: fx.Type, Objects: fx.Objects, Source: fx.Path}
	switch fx.Type {
	case ARMTemplate, AzCLI, TerraformPlan:
		if r.IntN(4) == 0 {
			return f, nil // as exported
		}
		v, err := decodeJSON(fx.Data)
		if err != nil {
			return f, fmt.Errorf("%s: %w", fx.Path, err)
		}
		if fx.Type == AzCLI && r.IntN(6) == 0 {
			m, ok := v.(map[string]any)
			if ok {
				var b strings.Builder
				st.writeYAML(&b, m)
				f.Data = []byte(b.String())
				f.Path = strings.TrimSuffix(f.Path, ".json") + ".yaml"
				return f, nil
			}
		}
		var b strings.Builder
		indent := []string{"  ", "    ", "\t"}[r.IntN(3)]
		writeJSON(&b, v, st, indent, "")
		b.WriteString("\n")
		f.Data = []byte(b.String())
	case Dockerfile:
		names := []string{"Dockerfile", "Containerfile", "app.Dockerfile", "Dockerfile.release", path.Base(fx.Name)}
		f.Path = path.Join(dir, path.Dir(fx.Name), names[r.IntN(len(names))])
		f.Data = withComment(fx.Data, r)
	case KubeletFlags:
		f.Data = withComment(fx.Data, r)
	}
	return f, nil
}

// withComment puts a comment line before a file that does not start with
// one (a Dockerfile's parser directives must stay first).
func withComment(data []byte, r *rand.Rand) []byte {
	if r.IntN(2) == 0 || len(data) == 0 || data[0] == '#' {
		return data
	}
	return append([]byte("# maintained by the platform team\n"), data...)
}

// decodeJSON decodes JSON (or YAML, through JSON) keeping numbers as
// written.
func decodeJSON(data []byte) (any, error) {
	data, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, err
	}
	d := json.NewDecoder(strings.NewReader(string(data)))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// writeJSON writes v as indented JSON in the style's key order, with
// numbers possibly written another way that JSON allows.
func writeJSON(b *strings.Builder, v any, st *style, indent, prefix string) {
	switch v := v.(type) {
	case map[string]any:
		if len(v) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{\n")
		for i, k := range st.keys(v) {
			if i > 0 {
				b.WriteString(",\n")
			}
			b.WriteString(prefix + indent + doubleQuoted(k) + ": ")
			writeJSON(b, v[k], st, indent, prefix+indent)
		}
		b.WriteString("\n" + prefix + "}")
	case []any:
		if len(v) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[\n")
		for i, x := range v {
			if i > 0 {
				b.WriteString(",\n")
			}
			b.WriteString(prefix + indent)
			writeJSON(b, x, st, indent, prefix+indent)
		}
		b.WriteString("\n" + prefix + "]")
	case json.Number:
		s := string(v)
		if st.chance(st.numbers) {
			if _, err := v.Int64(); err == nil {
				s += ".0"
				if s == "0.0" {
					s = "-0.0"
				}
			}
		}
		b.WriteString(s)
	case string:
		b.WriteString(doubleQuoted(v))
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case nil:
		b.WriteString("null")
	}
}

// reserved are names a rename leaves alone: Kubernetes gives them a
// meaning.
var reserved = []string{"default", "kube-system", "kube-public", "kube-node-lease", "cluster-admin", "admin", "edit", "view"}

// rename gives every object's name and namespace the suffix, and every
// string equal to one of them too, so references between the objects of a
// case (selectors, bindings, backends, owners) still hold.
func rename(objects []map[string]any, suffix string) {
	names := map[string]string{}
	for _, o := range objects {
		md, _ := o["metadata"].(map[string]any)
		for _, key := range []string{"name", "namespace"} {
			n, ok := md[key].(string)
			if !ok || n == "" || slices.Contains(reserved, n) || strings.HasPrefix(n, "system:") {
				continue
			}
			names[n] = n + "-" + suffix
		}
	}
	for i, o := range objects {
		objects[i] = replaceStrings(o, names).(map[string]any)
	}
}

func replaceStrings(v any, names map[string]string) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			v[k] = replaceStrings(x, names)
		}
	case []any:
		for i, x := range v {
			v[i] = replaceStrings(x, names)
		}
	case string:
		if n, ok := names[v]; ok {
			return n
		}
	}
	return v
}

// legacyGroup moves an object to the legacy API group that served its kind
// (apps/v1 Deployment to extensions/v1beta1), which the scan judges as the
// current one.
func legacyGroup(o map[string]any) {
	apiVersion, _ := o["apiVersion"].(string)
	group, _ := input.SplitAPIVersion(apiVersion)
	if legacy := input.LegacyGroups(group, kindOf(o)); len(legacy) > 0 {
		o["apiVersion"] = legacy[0] + "/v1beta1"
	}
}

// fixedFields are not swapped between cases: they make the object what
// it is.
var fixedFields = []string{"apiVersion", "kind", "metadata.name", "metadata.namespace"}

// swapValues replaces one to three leaves of o with values the same field
// has in other cases' objects of the same kind.
func (g *generator) swapValues(o map[string]any, r *rand.Rand) {
	kind := kindOf(o)
	var leaves []leaf
	walkLeaves(o, nil, func(l leaf) {
		if !slices.Contains(fixedFields, l.field) && len(g.pool[kind+" "+l.field]) > 1 {
			leaves = append(leaves, l)
		}
	})
	for range min(len(leaves), 1+r.IntN(3)) {
		l := leaves[r.IntN(len(leaves))]
		values := g.pool[kind+" "+l.field]
		l.set(clone(values[r.IntN(len(values))]))
	}
}

// leaf is a scalar in an object: its field (list indices left out) and a
// way to replace it.
type leaf struct {
	field string
	value any
	set   func(any)
}

// walkLeaves calls fn for every scalar under v, in key order.
func walkLeaves(v any, field []string, fn func(leaf)) {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			f := append(slices.Clip(field), k)
			switch x := v[k].(type) {
			case map[string]any, []any:
				walkLeaves(x, f, fn)
			default:
				fn(leaf{field: strings.Join(f, "."), value: x, set: func(y any) { v[k] = y }})
			}
		}
	case []any:
		for i, x := range v {
			f := append(slices.Clip(field), "[]")
			switch x.(type) {
			case map[string]any, []any:
				walkLeaves(x, f, fn)
			default:
				fn(leaf{field: strings.Join(f, "."), value: x, set: func(y any) { v[i] = y }})
			}
		}
	}
}

// valuePool collects, for every kind and field, the distinct values the
// seeds' objects give it, in the order first seen.
func valuePool(seeds []Seed) map[string][]any {
	pool := map[string][]any{}
	seen := map[string]bool{}
	for _, s := range seeds {
		for _, o := range s.Objects {
			kind := kindOf(o)
			walkLeaves(o, nil, func(l leaf) {
				key := kind + " " + l.field
				id := fmt.Sprintf("%s\x00%T\x00%v", key, l.value, l.value)
				if !seen[id] {
					seen[id] = true
					pool[key] = append(pool[key], l.value)
				}
			})
		}
	}
	return pool
}

func kindOf(o map[string]any) string {
	k, _ := o["kind"].(string)
	return k
}

func nameOf(o map[string]any) string {
	md, _ := o["metadata"].(map[string]any)
	n, _ := md["name"].(string)
	return n
}

// clone copies a decoded value deeply.
func clone(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = clone(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = clone(x)
		}
		return out
	}
	return v
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// slug makes a file name of s: lower case, dashes, at most n characters.
func slug(s string, n int) string {
	s = strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if len(s) > n {
		s = strings.TrimRight(s[:n], "-")
	}
	if s == "" {
		return "x"
	}
	return s
}
