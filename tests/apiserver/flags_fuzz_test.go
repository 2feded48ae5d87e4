// Package apiserver fuzzes the library's kube-apiserver flag parser
// (library/lib/apiserver.rego) against a Go model of the rules it states:
// each element of command and args is one argument (an empty one too)
// unless the container runs a shell script (a -c argument, alone or among
// other options: -ec, -ce), whose words are split at whitespace;
// `--name=value`, boolean flags without a value, `--name value` unless the
// next word is a flag, and the last occurrence wins.
package apiserver

import (
	"context"
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/library"
)

type flag struct{ name, value string }

var (
	whitespace = regexp.MustCompile(`\s+`)
	shellC     = regexp.MustCompile(`^-[a-zA-Z]*c[a-zA-Z]*$`)
)

// model parses a container's command and args the way lib.apiserver
// documents it.
func model(command, args []string, booleans map[string]bool) []flag {
	all := append(append([]string{}, command...), args...)
	shell := false
	for _, a := range all {
		shell = shell || shellC.MatchString(a)
	}
	var words []string
	for _, a := range all {
		pieces := []string{strings.TrimSpace(a)}
		if shell {
			pieces = whitespace.Split(strings.TrimSpace(a), -1)
		}
		words = append(words, pieces...)
	}
	var flags []flag
	for i, w := range words {
		body, ok := strings.CutPrefix(w, "--")
		if !ok || body == "" {
			continue
		}
		switch name, value, hasValue := strings.Cut(body, "="); {
		case hasValue:
			flags = append(flags, flag{name, value})
		case booleans[body]:
			flags = append(flags, flag{body, "true"})
		case i+1 < len(words) && !strings.HasPrefix(words[i+1], "-"):
			flags = append(flags, flag{body, words[i+1]})
		default:
			flags = append(flags, flag{body, ""})
		}
	}
	return flags
}

type parser struct {
	query    rego.PreparedEvalQuery
	booleans map[string]bool
}

func newParser(tb testing.TB) *parser {
	tb.Helper()
	var opts []func(*rego.Rego)
	err := fs.WalkDir(library.FS, "lib", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".rego") {
			return err
		}
		src, err := fs.ReadFile(library.FS, path)
		if err != nil {
			return err
		}
		opts = append(opts, rego.Module(path, string(src)))
		return nil
	})
	require.NoError(tb, err)
	opts = append(opts, rego.Query(`flags := [[f.name, f.value] | some f in data.lib.apiserver.parsed({"value": input, "path": ["spec", "containers", 0]})]
booleans := data.lib.apiserver.boolean_flags`), rego.SetRegoVersion(ast.RegoV1))
	q, err := rego.New(opts...).PrepareForEval(context.Background())
	require.NoError(tb, err)
	return &parser{query: q}
}

func (p *parser) parse(tb testing.TB, command, args []string) ([]flag, map[string]bool) {
	tb.Helper()
	in := map[string]any{"command": toAny(command), "args": toAny(args)}
	rs, err := p.query.Eval(context.Background(), rego.EvalInput(in))
	require.NoError(tb, err, "the Rego parser must never fail: command %q args %q", command, args)
	require.Len(tb, rs, 1, "parsed is always defined")
	var flags []flag
	for _, f := range rs[0].Bindings["flags"].([]any) {
		pair := f.([]any)
		flags = append(flags, flag{pair[0].(string), pair[1].(string)})
	}
	booleans := map[string]bool{}
	for _, b := range rs[0].Bindings["booleans"].([]any) {
		booleans[b.(string)] = true
	}
	return flags, booleans
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func check(t *testing.T, p *parser, command, args []string) {
	got, booleans := p.parse(t, command, args)
	want := model(command, args, booleans)
	require.Equal(t, want, got, "command %q args %q", command, args)
}

func TestParserMatchesTheModel(t *testing.T) {
	p := newParser(t)
	for _, tc := range [][2][]string{
		{{"kube-apiserver", "--anonymous-auth=false", "--profiling", "false"}, nil},
		{{"kube-apiserver"}, {"--anonymous-auth", "false", "--tls-cert-file", "/a", "--tls-cert-file=/b"}},
		{{"sh", "-c", "kube-apiserver --a=b  --c\t--d -e"}, {"--x=", "--", "--=v"}},
		{{"/usr/local/bin/kube-apiserver", "--enable-admission-plugins=A,B", "--enable-admission-plugins", "C"}, nil},
		{{"kube-apiserver", "--enable-admission-plugins=A, B", " --profiling=false "}, {"--a=b --c=d"}},
		{{"/bin/bash"}, {"-ec", "exec kube-apiserver --a=b\n--c d"}},
	} {
		check(t, p, tc[0], tc[1])
	}
}

func FuzzAPIServerFlags(f *testing.F) {
	for _, seed := range []string{
		"kube-apiserver --anonymous-auth=false --profiling false",
		"sh\x00-c\x00kube-apiserver --a=b --c --d -e",
		"--x= --=v -- --tls-cipher-suites A,B",
		"kube-apiserver\x00--authorization-mode\x00Node,RBAC\x00--authorization-mode=AlwaysAllow",
	} {
		f.Add(seed, "--token-auth-file /etc/tokens.csv")
	}
	p := newParser(f)
	f.Fuzz(func(t *testing.T, command, args string) {
		if !utf8.ValidString(command) || !utf8.ValidString(args) {
			t.Skip("manifests are UTF-8: the loader refuses anything else before Rego sees it")
		}
		check(t, p, strings.Split(command, "\x00"), strings.Split(args, "\x00"))
	})
}
