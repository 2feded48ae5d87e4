package corpus

import (
	"context"
	"encoding/json"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/engine/input"
	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/library"
)

// load reads the library and its seeds.
func load(t *testing.T) (*policy.Library, []Seed) {
	t.Helper()
	lib, err := library.Load(context.Background())
	require.NoError(t, err)
	seeds, err := Seeds(lib)
	require.NoError(t, err)
	return lib, seeds
}

// passes is a corpus size that writes every seed about three times.
const passes = 7_000

func TestSameSeedSameBytes(t *testing.T) {
	_, seeds := load(t)
	a, err := Generate(seeds, Options{Objects: passes, Seed: 7, Shards: 5})
	require.NoError(t, err)
	b, err := Generate(seeds, Options{Objects: passes, Seed: 7, Shards: 5})
	require.NoError(t, err)
	require.Equal(t, len(a.Files), len(b.Files))
	for i := range a.Files {
		require.Equal(t, a.Files[i].Path, b.Files[i].Path)
		require.Equal(t, string(a.Files[i].Data), string(b.Files[i].Data), a.Files[i].Path)
	}
	other, err := Generate(seeds, Options{Objects: passes, Seed: 8, Shards: 5})
	require.NoError(t, err)
	assert.NotEqual(t, fingerprint(a), fingerprint(other), "another seed, other variants")
}

func fingerprint(c *Corpus) string {
	var b strings.Builder
	for _, f := range c.Files {
		b.WriteString(f.Path)
		b.Write(f.Data)
	}
	return b.String()
}

// TestCorpusHoldsEveryKindAndInput reads the corpus as a scan does and
// requires every kind a control judges, every input type, and every
// fixture file a case reads; the objects each file holds as counted; and
// the spellings the variants promise.
func TestCorpusHoldsEveryKindAndInput(t *testing.T) {
	lib, seeds := load(t)
	c, err := Generate(seeds, Options{Objects: passes, Seed: 7, Shards: 5})
	require.NoError(t, err)
	require.GreaterOrEqual(t, c.Objects, passes)
	require.Len(t, c.Shards, 5)
	inShards := 0
	for _, sh := range c.Shards {
		assert.NotZero(t, sh.Objects, sh.Dir)
		inShards += sh.Objects
		perShard := 0
		for _, f := range c.Files {
			if strings.HasPrefix(f.Path, sh.Dir+"/") {
				perShard += f.Objects
			}
		}
		assert.Equal(t, sh.Objects, perShard, sh.Dir)
	}
	assert.Equal(t, c.Objects, inShards)

	kinds := map[policy.Kind]int{}
	types := map[InputType]int{}
	sources := map[string]bool{}
	objects := 0
	for _, f := range c.Files {
		types[f.Type]++
		sources[f.Source] = true
		if f.Type.IsEvidence() {
			assert.True(t, strings.HasPrefix(f.Path, EvidenceDir+"/"), f.Path)
			continue
		}
		assert.True(t, strings.HasPrefix(f.Path, ManifestsDir+"/"), f.Path)
		parsed := input.ParseBytes(f.Path, f.Data)
		require.Empty(t, parsed.Errors, "%s:\n%s", f.Path, f.Data)
		require.Len(t, parsed.Objects, f.Objects, "%s:\n%s", f.Path, f.Data)
		objects += len(parsed.Objects)
		for _, o := range parsed.Objects {
			kinds[policy.Kind{Group: o.Group(), Kind: o.Kind()}]++
		}
	}
	assert.Equal(t, c.Objects, objects)

	for _, ctl := range lib.Controls() {
		for _, k := range ctl.Kinds {
			if k == (policy.Kind{Group: "shipshape.dev", Kind: "Cluster"}) {
				continue // the scan's synthetic object, judged at scope cluster
			}
			found := slices.ContainsFunc(sortedKinds(kinds), func(have policy.Kind) bool {
				return (k.Group == "*" || k.Group == have.Group) && (k.Kind == "*" || k.Kind == have.Kind)
			})
			assert.True(t, found, "%s judges %s, which the corpus lacks", ctl.ID, k)
		}
	}
	for _, typ := range InputTypes() {
		assert.NotZero(t, types[typ], "no %s in the corpus", typ)
	}
	for _, s := range seeds {
		for _, fx := range append(slices.Clone(s.Files), s.Evidence...) {
			if !strings.Contains(fx.Path, " case ") {
				assert.True(t, sources[fx.Path], "%s, read by %s, is not in the corpus", fx.Path, s.Control)
			}
		}
	}

	// The variants' spellings, each somewhere in the corpus.
	var all strings.Builder
	for _, f := range c.Files {
		all.Write(f.Data)
		all.WriteString("\n")
	}
	text := all.String()
	for what, pattern := range map[string]string{
		"0 written as -0.0":            `: -0\.0\n`,
		"an integer with a fraction":   `: [1-9][0-9]*\.0\n`,
		"a plus sign":                  `: \+[0-9]+\n`,
		"a YAML 1.1 boolean":           `: (yes|on|no|off)\n`,
		"a single-quoted string":       `: '[a-z]`,
		"a double-quoted plain string": `: "[a-z][a-z0-9-]*"\n`,
		"a flow mapping":               `: \{[a-zA-Z]`,
		"a List":                       `kind: List\n`,
		"a JSON List":                  `"kind": "List"`,
		"a legacy API group":           `apiVersion: extensions/v1beta1`,
		"a comment before a document":  `# Source: `,
		"a list at its key's column":   `\n( *)[a-zA-Z]+:\n${1}- `,
		"an indented list":             `\n( *)[a-zA-Z]+:\n${1}  - `,
		"several documents in a file":  `\n---\n`,
		"a literal block":              `: \|-?\n`,
		"JSON indented with tabs":      "\n\t\"",
		"a Dockerfile after a comment": `# maintained by the platform team\nFROM`,
	} {
		if strings.Contains(pattern, "${1}") {
			// Go's regexp has no back references: try indents.
			found := false
			for n := 0; n <= 8 && !found; n += 2 {
				pad := strings.Repeat(" ", n)
				found = regexp.MustCompile(strings.ReplaceAll(strings.ReplaceAll(pattern, "( *)", pad), "${1}", pad)).MatchString(text)
			}
			assert.True(t, found, "no %s", what)
			continue
		}
		assert.Regexp(t, pattern, text, "no %s", what)
	}
}

func sortedKinds(kinds map[policy.Kind]int) []policy.Kind {
	out := make([]policy.Kind, 0, len(kinds))
	for k := range kinds {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b policy.Kind) int { return strings.Compare(a.String(), b.String()) })
	return out
}

// TestSpellingsKeepValues writes every seed object in every style and
// reads it back as a scan does: the value must be the same, except for a
// 0 written as -0.0, which the scan reads as -0 (as the variants intend).
func TestSpellingsKeepValues(t *testing.T) {
	_, seeds := load(t)
	styles := []style{
		{},
		{shuffleKeys: true, quoting: 1, numbers: 1, booleans: 1, flow: 1},
		{quoting: 0.5, numbers: 0.5, booleans: 0.5, flow: 0.5, indentLists: true},
	}
	for i, st := range styles {
		st.r = rand.New(rand.NewPCG(uint64(i), 1))
		for _, s := range seeds {
			for _, o := range s.Objects {
				var b strings.Builder
				st.writeYAML(&b, o)
				parsed := input.ParseBytes("x.yaml", []byte(b.String()))
				require.Empty(t, parsed.Errors, b.String())
				require.Len(t, parsed.Objects, 1, b.String())
				want, got := canonical(t, o), canonical(t, parsed.Objects[0].Value)
				require.Equal(t, want, got, "style %d, %s case %q:\n%s", i, s.Control, s.Case, b.String())
			}
		}
	}
}

// canonical is v as JSON with every number as a float, -0 as 0.
func canonical(t *testing.T, v any) string {
	t.Helper()
	var walk func(any) any
	walk = func(v any) any {
		switch v := v.(type) {
		case map[string]any:
			out := map[string]any{}
			for k, x := range v {
				out[k] = walk(x)
			}
			return out
		case []any:
			out := make([]any, len(v))
			for i, x := range v {
				out[i] = walk(x)
			}
			return out
		case json.Number:
			f, err := v.Float64()
			require.NoError(t, err)
			return f + 0 // -0 + 0 is 0
		}
		return v
	}
	data, err := json.Marshal(walk(v))
	require.NoError(t, err)
	return string(data)
}

// TestWriteOrders writes a corpus in each order: the same files, the same
// bytes.
func TestWriteOrders(t *testing.T) {
	_, seeds := load(t)
	c, err := Generate(seeds, Options{Seed: 3})
	require.NoError(t, err)
	var trees []map[string]string
	for _, order := range []Order{Sorted, Reversed, Shuffled} {
		t.Run(order.String(), func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, c.Write(dir, order, 3))
			tree := map[string]string{}
			require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				data, err := os.ReadFile(p)
				rel, _ := filepath.Rel(dir, p)
				tree[filepath.ToSlash(rel)] = string(data)
				return err
			}))
			trees = append(trees, tree)
		})
	}
	require.Len(t, trees, 3)
	assert.Len(t, trees[0], len(c.Files))
	assert.Equal(t, trees[0], trees[1])
	assert.Equal(t, trees[0], trees[2])
}
