// Package images proves the Rego image-reference parser (data.lib.images)
// equal to github.com/distribution/reference, the parser container
// runtimes use, on random and adversarial references.
package images

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/distribution/reference"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/library"
)

// parser evaluates data.lib.images.parse over a batch of references.
type parser struct{ pq rego.PreparedEvalQuery }

func newParser(t testing.TB) parser {
	t.Helper()
	src, err := library.FS.ReadFile("lib/images.rego")
	require.NoError(t, err)
	pq, err := rego.New(
		rego.Query(`out := [data.lib.images.parse(x) | some x in input]`),
		rego.Module("images.rego", string(src)),
		rego.StrictBuiltinErrors(true),
	).PrepareForEval(context.Background())
	require.NoError(t, err)
	return parser{pq: pq}
}

type parsed struct {
	Valid                             bool
	Registry, Repository, Tag, Digest string
}

func (p parser) parse(t testing.TB, refs []string) []parsed {
	t.Helper()
	in := make([]any, len(refs))
	for i, r := range refs {
		in[i] = r
	}
	v, err := ast.InterfaceToValue(in)
	require.NoError(t, err)
	rs, err := p.pq.Eval(context.Background(), rego.EvalParsedInput(v))
	require.NoError(t, err)
	require.Len(t, rs, 1)
	list := rs[0].Bindings["out"].([]any)
	require.Len(t, list, len(refs), "parse must be defined for every input")
	out := make([]parsed, len(list))
	for i, e := range list {
		m := e.(map[string]any)
		out[i] = parsed{Valid: m["valid"].(bool), Registry: m["registry"].(string), Repository: m["repository"].(string), Tag: m["tag"].(string), Digest: m["digest"].(string)}
	}
	return out
}

// oracle parses with the distribution reference package.
func oracle(s string) parsed {
	named, err := reference.ParseNormalizedNamed(s)
	if err != nil {
		return parsed{}
	}
	p := parsed{Valid: true, Registry: reference.Domain(named), Repository: reference.Path(named)}
	if tagged, ok := named.(reference.Tagged); ok {
		p.Tag = tagged.Tag()
	}
	if digested, ok := named.(reference.Digested); ok {
		p.Digest = digested.Digest().String()
	}
	return p
}

func compare(t testing.TB, p parser, refs []string) {
	t.Helper()
	got := p.parse(t, refs)
	for i, r := range refs {
		want := oracle(r)
		if !want.Valid {
			require.False(t, got[i].Valid, "%q: Rego accepts what distribution/reference rejects: %+v", r, got[i])
			continue
		}
		require.Equal(t, want, got[i], "%q", r)
	}
}

// generate builds references from pieces chosen to sit on the grammar's
// edges: registries with ports, IPs, uppercase and localhost; paths with
// every separator; tags; valid and broken digests; stray characters.
func generate(r *rand.Rand) string {
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	var b strings.Builder
	switch r.IntN(9) {
	case 0:
	case 1:
		b.WriteString(pick("docker.io/", "index.docker.io/", "localhost/", "localhost:5000/", "Localhost/"))
	case 2:
		b.WriteString(pick("contoso.azurecr.io/", "contoso.azurecr.io:443/", "Contoso.AzureCR.io/", "contoso.azurecr.io.evil.example/", "10.0.0.1:5000/", "[::1]:5000/", "[fe80::1]/"))
	case 3:
		b.WriteString(pick("registry:5000/", "REGISTRY/", "my-registry/", "-bad.example/", "a..b/", "ex_ample.com/"))
	case 4:
		b.WriteString(pick("mcr.microsoft.com/", "ghcr.io/", "quay.io/", "gcr.io/"))
	}
	segments := 1 + r.IntN(3)
	for i := range segments {
		if i > 0 {
			b.WriteString("/")
		}
		b.WriteString(pick("nginx", "library", "team", "app", "a", "my_app", "my__app", "my___app", "my-app", "my--app", "my.app", "my..app", "App", "a-", "_a", "1", "x.y_z-w", ""))
	}
	switch r.IntN(5) {
	case 0:
		b.WriteString(":" + pick("latest", "1.2.3", "v1", "Latest", "_x", ".x", "-x", "a:b", "", strings.Repeat("t", 128), strings.Repeat("t", 129)))
	case 1:
		b.WriteString(":" + pick("1.0", "2"))
	}
	if r.IntN(4) == 0 {
		hex := "3b8f1c0c2a9d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789ab"
		b.WriteString("@" + pick("sha256:"+hex, "sha256:"+strings.ToUpper(hex), "sha256:"+hex[:63], "sha512:"+hex+hex, "sha384:"+hex+hex[:32], "md5:"+hex[:32], "SHA256:"+hex, "sha256:", "sha256:"+hex+"@sha256:"+hex, "x"))
	}
	if r.IntN(25) == 0 {
		s := []rune(b.String())
		if len(s) > 0 {
			s[r.IntN(len(s))] = []rune(pick(" ", "\n", "é", "/", ":", "@", "\t"))[0]
		}
		return string(s)
	}
	return b.String()
}

func TestRegoParserMatchesDistributionReference(t *testing.T) {
	p := newParser(t)
	fixed := []string{
		"nginx", "nginx:latest", "library/nginx", "docker.io/nginx", "index.docker.io/library/nginx:1",
		"contoso.azurecr.io/app:1.0", "contoso.azurecr.io.evil.example/x", "localhost:5000/app", "localhost/app",
		"registry:5000/app:tag", "[::1]:5000/app", "UPPER/app", "upper/App", "a/b/c/d:e",
		strings.Repeat("a", 64), strings.Repeat("a", 65), "", ":tag", "@sha256:abc", "nginx@sha256:" + strings.Repeat("a", 64),
		"app:tag@sha256:" + strings.Repeat("b", 64), "nginx:", "nginx::1", "ex ample/app", "docker.io/" + strings.Repeat("a", 260),
	}
	compare(t, p, fixed)

	r := rand.New(rand.NewPCG(7, 11))
	refs := make([]string, 20000)
	for i := range refs {
		refs[i] = generate(r)
	}
	compare(t, p, refs)
	valid := 0
	for _, s := range refs {
		if oracle(s).Valid {
			valid++
		}
	}
	require.Greater(t, valid, len(refs)/4, "the generator should produce plenty of valid references")
	require.Less(t, valid, len(refs)*3/4, "and plenty of invalid ones")
	t.Logf("%d references, %d valid", len(refs), valid)
}

func FuzzRegoParser(f *testing.F) {
	for _, s := range []string{"nginx", "contoso.azurecr.io/a/b:c@sha256:" + strings.Repeat("0", 64), "[::1]:1/a", "A/b", "a@b"} {
		f.Add(s)
	}
	p := newParser(f)
	f.Fuzz(func(t *testing.T, s string) {
		compare(t, p, []string{s})
	})
}

// Example of the normalization, for readers.
func ExampleParse() {
	fmt.Println(oracle("nginx").Registry, oracle("nginx").Repository)
	// Output: docker.io library/nginx
}
