package input

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	yaml3 "go.yaml.in/yaml/v3"
)

// yaml11Documents are documents where YAML 1.1 (yaml.v2, sigs.k8s.io/yaml)
// and YAML 1.2 (yaml.v3's own resolution) disagree, or where the JSON round
// trip changes a value.
var yaml11Documents = []string{
	"a: [y, Y, yes, Yes, YES, on, On, ON, n, N, no, No, NO, off, Off, OFF, true, True, TRUE, false, False, FALSE]",
	"a: [yEs, oN, nO, tRUE, 'yes', \"on\", ~, null, Null, NULL, nULL, '', \"\"]",
	"a: [0777, 0o17, 0O17, 0x1F, 0X1f, 0b101, -0b101, 0B101, +12, -12, 1_000, 0_7, 08, 09.5, 1__0]",
	"a: [1.5, 1., .5, -.5, +.5, 1e3, 1E3, 1.0e+3, 1e-7, 6.02e23, 1e21, 1e20, 0.000001, 0.0000001, 3.0, -0.0, 1_0.5]",
	"a: [9223372036854775807, 9223372036854775808, 18446744073709551615, 18446744073709551616, -9223372036854775809]",
	"a: [.nan, .inf, -.inf]",
	"a: [2001-12-14, 2001-12-14t21:59:43.10-05:00, '2001-12-14', 2002-1-2, 12:30, 1:20:30, 190:20:30]",
	"a: [<<, '<<', =, ., .., -, +, +-1, 1-2, 0x, 0b, 0o, 0xG]",
	"{y: 1, on: 2, 3: c, 0x10: d, 1.5: e, 3.141592653589793: pi, 1e40: big, 1e3: f, 0.1: g, .inf: h, -.inf: i, .nan: j, 'n': k, false: l}",
	"{~: a}",
	"{null: a}",
	"{18446744073709551615: a}",
	"? [a]\n: b\n",
	"? {a: 1}\n: b\n",
	"a: &x {b: 1}\nc:\n  <<: *x\n  d: 2\n",
	"a: &x [1, yes]\nb: *x\n",
	"&k key: 1\n*k : 2\n",
	"a: !!str 123\nb: !!int '7'\nc: !!float 1\nd: !!binary aGVsbG8=\ne: !!bool yes\n",
	"a: !custom x\n",
	"--- !!map\na: 1\n",
	"a: |\n  line one\n  line two\nb: >\n  folded\n  text\n\nc: |-\n  keep\n",
	"a: 'it''s'\nb: \"tab\\tand\\u00e9\\x41\"\nc: plain # comment\nd: multi\n  line plain\n",
	"a: \"\\xff\"\n",
	"a: <b>&amp;</b>\n",
	"a: {}\nb: []\nc:\nd: ''\n",
	"- 1\n- [2, {x: y}]\n",
	"plain scalar document",
	"42",
	"a: 1\na: 2\n",
	"a: 1\n'a': 2\n",
	"a: {b: 1, b: 2}\n",
	"a: \"\\u263a \\U0001F600\"\n",
	"a: -\nb: --1\nc: +\n",
}

// TestNodeValueIsSigsYAML holds the one-pass decoder to sigs.k8s.io/yaml:
// wherever valueFromNodes gives a value, it is the value sigs.k8s.io/yaml
// decodes, over the documents above and every YAML document in the
// repository (manifests, charts' rendered examples, cases, fixtures).
func TestNodeValueIsSigsYAML(t *testing.T) {
	var docs []string
	docs = append(docs, yaml11Documents...)
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if ext := filepath.Ext(path); d.IsDir() || (ext != ".yaml" && ext != ".yml") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		chunks, serr := splitDocuments(data, 0)
		if serr != nil {
			return nil
		}
		for _, c := range chunks {
			docs = append(docs, string(c.data))
		}
		return nil
	})
	require.NoError(t, err)

	decoded := 0
	for _, doc := range docs {
		if agreeOnDocument(t, doc) {
			decoded++
		}
	}
	// The node path must carry nearly everything, or the speed-up is gone.
	t.Logf("%d of %d documents decoded from nodes", decoded, len(docs))
	assert.Greater(t, decoded, len(docs)*4/5)
}

// agreeOnDocument checks one document and says whether nodeValue decoded it.
func agreeOnDocument(t *testing.T, doc string) bool {
	t.Helper()
	var root yaml3.Node
	if yaml3.Unmarshal([]byte(doc), &root) != nil || root.Kind != yaml3.DocumentNode || len(root.Content) != 1 {
		return false
	}
	if _, err := checkShape(root.Content[0], Limits{}.WithDefaults()); err != nil {
		return false
	}
	got, ok := valueFromNodes([]byte(doc), root.Content[0])
	if !ok {
		return false
	}
	want, err := sigsValue([]byte(doc))
	if !assert.NoError(t, err, "sigs.k8s.io/yaml refuses a document nodeValue decodes:\n%s", doc) {
		return true
	}
	assert.Equal(t, want, got, "document:\n%s", shorten(doc))
	return true
}

func shorten(doc string) string {
	if len(doc) > 400 {
		return doc[:400] + "…"
	}
	return strings.TrimSpace(doc)
}

// FuzzNodeValue: for any bytes, nodeValue and sigs.k8s.io/yaml agree.
func FuzzNodeValue(f *testing.F) {
	for _, doc := range yaml11Documents {
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		agreeOnDocument(t, string(data))
	})
}
