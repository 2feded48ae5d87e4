package input

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func limitError(t *testing.T, f *File) *LimitError {
	t.Helper()
	require.Len(t, f.Errors, 1)
	var le *LimitError
	require.True(t, errors.As(f.Errors[0], &le), "%v", f.Errors[0])
	return le
}

func TestDocumentLimit(t *testing.T) {
	doc := "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
	f := decodeFile("many.yaml", []byte(strings.Repeat(doc, 6)), Limits{MaxDocuments: 5}.WithDefaults())
	le := limitError(t, f)
	assert.Equal(t, "max-documents", le.Flag)
	assert.Empty(t, f.Objects, "a refused file is not half judged")
	assert.Equal(t, "many.yaml:22: the file holds too many YAML documents: over the limit of 5 set by --max-documents (raise it only for trusted input)", f.Errors[0].Error())

	f = decodeFile("ok.yaml", []byte(strings.Repeat(doc, 5)+"---\n# only a comment\n---\n"), Limits{MaxDocuments: 5}.WithDefaults())
	assert.Empty(t, f.Errors, "empty documents do not count")
	assert.Len(t, f.Objects, 5)
}

func TestDepthLimit(t *testing.T) {
	nested := func(n int) string {
		return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  x: " + strings.Repeat("[", n) + strings.Repeat("]", n) + "\n"
	}
	// The mapping, data, x and the scalar-less innermost list: 2 levels
	// above the lists.
	f := decodeFile("ok.yaml", []byte(nested(8)), Limits{MaxDepth: 10}.WithDefaults())
	assert.Empty(t, f.Errors)
	f = decodeFile("deep.yaml", []byte(nested(9)), Limits{MaxDepth: 10}.WithDefaults())
	le := limitError(t, f)
	assert.Equal(t, "max-depth", le.Flag)
	assert.Contains(t, f.Errors[0].Error(), "deep.yaml:5: document 0: the document nests mappings and lists too deeply")

	// Depth through an alias counts where the alias is used.
	aliased := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\na: &a [[[[1]]]]\nb: [[[[*a]]]]\n"
	f = decodeFile("alias.yaml", []byte(aliased), Limits{MaxDepth: 8}.WithDefaults())
	assert.Equal(t, "max-depth", limitError(t, f).Flag)
}

func TestAliasExpansionLimit(t *testing.T) {
	laughs := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for _, n := range "bcdefgh" {
		laughs += fmt.Sprintf("%c: &%c [%s]\n", n, n, strings.TrimSuffix(strings.Repeat("*"+prev+", ", 10), ", "))
		prev = string(n)
	}
	f := ParseBytes("laughs.yaml", []byte(laughs))
	le := limitError(t, f)
	assert.Equal(t, "max-alias-expansion", le.Flag)
	assert.Empty(t, f.Objects)

	// Ordinary anchors and merge keys are well within the limit.
	f = ParseBytes("anchors.yaml", []byte(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
      - &app {name: a, image: x, securityContext: &sc {runAsNonRoot: true}}
      - <<: *app
        name: b
        securityContext: *sc
`))
	assert.Empty(t, f.Errors)
	require.Len(t, f.Objects, 1)

	// A tight limit refuses even small expansions.
	f = decodeFile("small.yaml", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\na: &a [1, 2, 3]\nb: [*a, *a]\n"), Limits{MaxAliasExpansion: 3}.WithDefaults())
	assert.Equal(t, "max-alias-expansion", limitError(t, f).Flag)
}
