package ireval

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/engine/policy"
)

// semantics are small policies that exercise what the planner emits: each
// rule named in rules is evaluated by OPA's topdown and by the plan, and
// the two must agree (value, undefined, or error).
var semantics = []struct {
	name   string
	module string
	input  string
	rules  []string
}{
	{
		name: "partial set over containers",
		module: `package t
violation contains msg if {
	some c in input.containers
	not c.securityContext.runAsNonRoot
	msg := sprintf("container %s runs as root", [c.name])
}`,
		input: `{"containers": [{"name": "a"}, {"name": "b", "securityContext": {"runAsNonRoot": true}}, {"name": "c", "securityContext": {"runAsNonRoot": false}}]}`,
		rules: []string{"violation"},
	},
	{
		name: "else chain and defaults",
		module: `package t
default level := "none"
level := "high" if input.x > 10
else := "low" if input.x > 0
size(n) := "big" if n > 100
else := "small"
sizes := [size(n) | some n in input.ns]`,
		input: `{"x": 5, "ns": [1, 200, 50]}`,
		rules: []string{"level", "sizes"},
	},
	{
		name: "default when undefined",
		module: `package t
default level := "none"
level := "high" if input.x > 10`,
		input: `{}`,
		rules: []string{"level"},
	},
	{
		name: "every, negation and membership",
		module: `package t
all_pinned if every img in input.images { contains(img, "@sha256:") }
none_latest if not "latest" in input.tags
has_key if "a" in object.keys(input.obj)
in_object if 1 in input.obj`,
		input: `{"images": ["a@sha256:1", "b@sha256:2"], "tags": ["v1"], "obj": {"a": 1}}`,
		rules: []string{"all_pinned", "none_latest", "has_key", "in_object"},
	},
	{
		name: "every over an empty and a failing collection",
		module: `package t
vacuous if every x in input.empty { x > 1 }
failing if every x in input.ns { x > 1 }`,
		input: `{"empty": [], "ns": [1, 2]}`,
		rules: []string{"vacuous", "failing"},
	},
	{
		name: "arrays grown in place stay apart",
		module: `package t
nested := [[y | some y in input.ns; y > x] | some x in input.ns]
pairs := [[x, y] | some x in input.ns; some y in input.ns; x < y]
same(a) := [z | some z in a]
twice := [same(input.ns), same(input.ns), same([9])]`,
		input: `{"ns": [1, 2, 3]}`,
		rules: []string{"nested", "pairs", "twice"},
	},
	{
		name: "comprehensions of every kind",
		module: `package t
arr := [y | some x in input.ns; x > 1; y := x * 2]
st := {x | some x in input.ns}
obj := {k: v | some k, v in input.m; v != 2}
nested := [[y | some y in xs] | some xs in input.nn]`,
		input: `{"ns": [1, 2, 3, 3], "m": {"a": 1, "b": 2, "c": 3}, "nn": [[1], [2, 3], []]}`,
		rules: []string{"arr", "st", "obj", "nested"},
	},
	{
		name: "partial objects and references with variables",
		module: `package t
labels[k] := v if some k, v in input.metadata.labels
port_names[name] := p.containerPort if {
	some p in input.ports
	name := object.get(p, "name", "unnamed")
}
pick := labels[input.key]`,
		input: `{"metadata": {"labels": {"app": "web", "tier": "fe"}}, "ports": [{"name": "http", "containerPort": 80}, {"containerPort": 9090}], "key": "tier"}`,
		rules: []string{"labels", "port_names", "pick"},
	},
	{
		name: "functions with several bodies and helpers",
		module: `package t
kind_of(x) := "number" if is_number(x)
kind_of(x) := "string" if is_string(x)
kind_of(x) := "other" if { not is_number(x); not is_string(x) }
kinds := [kind_of(v) | some v in input.vs]
first_digit(s) := d if [[_, d]] := regex.find_all_string_submatch_n("([0-9])", s, 1)`,
		input: `{"vs": [1, "a", true, null, 2.5]}`,
		rules: []string{"kinds"},
	},
	{
		name: "built-in errors are undefined",
		module: `package t
n := to_number(input.s)
count_ok := count(input.xs)
q := 10 / input.zero`,
		input: `{"s": "abc", "xs": [1, 2], "zero": 0}`,
		rules: []string{"n", "count_ok", "q"},
	},
	{
		name: "numbers compare by value",
		module: `package t
same if input.a == input.b
big := input.n + 1
frac := input.f * 3`,
		input: `{"a": 1, "b": 1.0, "n": 12345678901234567890, "f": 0.1}`,
		rules: []string{"same", "big", "frac"},
	},
	{
		name: "conflicting outputs are an error",
		module: `package t
v := 1 if input.a
v := 2 if input.b`,
		input: `{"a": true, "b": true}`,
		rules: []string{"v"},
	},
	{
		name: "data documents and nested packages",
		module: `package t
import data.lib.h
names := {n | some o in data.inventory.pods; n := o.metadata.name}
threshold := data.params.max
over := [x | some x in input.ns; x > threshold]
helped := h.double(3)`,
		input: `{"ns": [1, 5, 9]}`,
		rules: []string{"names", "threshold", "over", "helped"},
	},
	{
		name: "strings, sets and objects built in",
		module: `package t
joined := concat(",", sort(["b", "a"]))
union_set := {1, 2} | {2, 3}
inter := {1, 2} & {2, 3}
diff := {1, 2} - {2}
merged := object.union({"a": {"b": 1}}, {"a": {"c": 2}})
js := json.marshal({"z": 1, "a": [true, null]})
parts := split("a/b/c", "/")
trimmed := trim_prefix("docker.io/nginx", "docker.io/")`,
		input: `{}`,
		rules: []string{"joined", "union_set", "inter", "diff", "merged", "js", "parts", "trimmed"},
	},
}

const helperModule = `package lib.h
double(x) := x * 2`

var semanticsData = map[string]any{
	"inventory": map[string]any{"pods": []any{
		map[string]any{"metadata": map[string]any{"name": "p1"}},
		map[string]any{"metadata": map[string]any{"name": "p2"}},
	}},
	"params": map[string]any{"max": 4},
}

func TestPlanAgreesWithTopdown(t *testing.T) {
	ctx := context.Background()
	for _, tc := range semantics {
		t.Run(tc.name, func(t *testing.T) {
			mods := map[string]*ast.Module{
				"t.rego": ast.MustParseModuleWithOpts(tc.module, ast.ParserOptions{RegoVersion: ast.RegoV1}),
				"h.rego": ast.MustParseModuleWithOpts(helperModule, ast.ParserOptions{RegoVersion: ast.RegoV1}),
			}
			var entrypoints []string
			for _, r := range tc.rules {
				entrypoints = append(entrypoints, "t/"+r)
			}
			prog, err := Compile(ctx, mods, entrypoints)
			require.NoError(t, err)
			in := ast.MustParseTerm(tc.input).Value
			data, err := ast.InterfaceToValue(semanticsData)
			require.NoError(t, err)
			for _, r := range tc.rules {
				want, wantErr := reference(ctx, t, mods, in, "data.t."+r)
				got, gotErr := prog.NewEvaluation(ctx, in, data).Eval("t/" + r)
				if wantErr != nil {
					assert.Error(t, gotErr, "%s: topdown fails with %v", r, wantErr)
					continue
				}
				require.NoError(t, gotErr, r)
				if want == nil {
					assert.Empty(t, got, "%s is undefined in topdown", r)
					continue
				}
				require.Len(t, got, 1, r)
				gotJSON, err := ast.JSON(got[0].Value)
				require.NoError(t, err)
				assert.Equal(t, want, gotJSON, r)
			}
		})
	}
}

// reference evaluates query with OPA's evaluator: its value, or nil when
// undefined.
func reference(ctx context.Context, t *testing.T, mods map[string]*ast.Module, in ast.Value, query string) (any, error) {
	t.Helper()
	c := ast.NewCompiler()
	c.Compile(mods)
	require.False(t, c.Failed(), "%v", c.Errors)
	rs, err := rego.New(
		rego.Query(query),
		rego.Compiler(c),
		rego.ParsedInput(in),
		rego.Store(storeOf(t, semanticsData)),
	).Eval(ctx)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, nil
	}
	return rs[0].Expressions[0].Value, nil
}

func TestEncodedPlanIsThePlan(t *testing.T) {
	ctx := context.Background()
	mods := map[string]*ast.Module{"t.rego": ast.MustParseModuleWithOpts(semantics[0].module, ast.ParserOptions{RegoVersion: ast.RegoV1})}
	p, err := Plan(ctx, mods, []string{"t/violation"})
	require.NoError(t, err)
	var first, second bytes.Buffer
	header := Header{Digest: "digest-1", Facts: policy.Facts{Referential: []string{"t"}}}
	require.NoError(t, Encode(&first, p, header))
	decoded, h, err := Decode(first.Bytes())
	require.NoError(t, err)
	assert.Equal(t, header, h)
	require.NoError(t, Encode(&second, decoded, header))
	assert.Equal(t, first.Bytes(), second.Bytes(), "decoding and encoding again gives the same bytes")
	h, err = ReadHeader(first.Bytes())
	require.NoError(t, err)
	assert.Equal(t, header, h)

	_, _, err = Load(first.Bytes(), "digest-2")
	require.ErrorIs(t, err, ErrStale)
	prog, _, err := Load(first.Bytes(), "digest-1")
	require.NoError(t, err)
	got, err := prog.NewEvaluation(ctx, ast.MustParseTerm(semantics[0].input).Value, ast.NewObject()).Eval("t/violation")
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, `{"container a runs as root", "container c runs as root"}`, got[0].Value.String())
}

func TestBadPlansAreErrors(t *testing.T) {
	for name, data := range map[string][]byte{
		"not gzip":   []byte("plain"),
		"empty":      gz(t, nil),
		"no magic":   gz(t, []byte("\x05hello")),
		"truncated":  gz(t, append([]byte{byte(len(magic))}, magic...)),
		"bad header": gz(t, append(append([]byte{byte(len(magic))}, magic...), 2, '{', '{')),
	} {
		_, _, err := Decode(data)
		assert.Error(t, err, name)
	}
}

func TestUnsupportedStatementsAreRefused(t *testing.T) {
	mods := map[string]*ast.Module{"t.rego": ast.MustParseModuleWithOpts(`package t
x if {
	input.a with input.a as 1
}`, ast.ParserOptions{RegoVersion: ast.RegoV1})}
	_, err := Compile(context.Background(), mods, []string{"t/x"})
	assert.ErrorContains(t, err, "unsupported statement")
}

func gz(t *testing.T, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write(data)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func storeOf(t *testing.T, data map[string]any) storage.Store {
	t.Helper()
	return inmem.NewFromObject(data)
}

// TestConstantFunctionsOutliveReset: a rule that never reads the input is
// computed once for the data, one that does is computed again for each
// input an evaluation judges.
func TestConstantFunctionsOutliveReset(t *testing.T) {
	ctx := context.Background()
	mods := map[string]*ast.Module{"t.rego": ast.MustParseModuleWithOpts(`package t
suffixes := {s: n | some n in numbers.range(1, 3); s := sprintf("x%d", [n])}
pattern := concat("", ["^", "a+", "$"])
mine := input.name
shout(s) := upper(s)
first(o) := o.name
rank(k) := suffixes[k]
mine_too(s) := s == mine
answer := [suffixes[input.key], regex.match(pattern, input.name), mine, shout(input.name), first(input), rank(input.key), mine_too("aa")]`, ast.ParserOptions{RegoVersion: ast.RegoV1})}
	prog, err := Compile(ctx, mods, []string{"t/answer"})
	require.NoError(t, err)
	constant := map[string]bool{}
	for _, fn := range prog.funcs {
		constant[fn.name] = fn.constant
	}
	assert.True(t, constant["g0.data.t.suffixes"])
	assert.True(t, constant["g0.data.t.pattern"])
	assert.False(t, constant["g0.data.t.mine"], "it reads the input")
	assert.False(t, constant["g0.data.t.answer"], "it reads the input")
	pure := map[string]bool{}
	for _, fn := range prog.funcs {
		pure[fn.name] = fn.pure
	}
	assert.True(t, pure["g0.data.t.shout"])
	assert.True(t, pure["g0.data.t.first"], "it reads its argument, not the input")
	assert.True(t, pure["g0.data.t.rank"], "it passes the input on only to a rule that does not read it")
	assert.False(t, pure["g0.data.t.mine_too"], "it refers to a rule that reads the input")

	data, err := ast.InterfaceToValue(map[string]any{})
	require.NoError(t, err)
	ev := prog.NewEvaluation(ctx, ast.MustParseTerm(`{"key": "x1", "name": "aa"}`).Value, data)
	for _, tc := range []struct{ input, want string }{
		{`{"key": "x1", "name": "aa"}`, `[1, true, "aa", "AA", "aa", 1, true]`},
		{`{"key": "x3", "name": "ab"}`, `[3, false, "ab", "AB", "ab", 3, false]`},
		{`{"key": "x2", "name": "aa"}`, `[2, true, "aa", "AA", "aa", 2, true]`},
	} {
		ev.Reset(ctx, ast.MustParseTerm(tc.input).Value)
		got, err := ev.Eval("t/answer")
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, ast.MustParseTerm(tc.want).String(), got[0].String(), tc.input)
	}
	// shout("aa"), shout("ab"), rank("x1"), rank("x3"), rank("x2"): a
	// string argument outlives the input; the object first(input) took is
	// the input's own, and mine_too("aa") reads the input: both are
	// forgotten.
	assert.Equal(t, 5, ev.pureCalls.n)
	assert.Equal(t, 2, ev.calls.n)

	// Past maxPureCalls they are forgotten all at once.
	ev.pureCalls.n = maxPureCalls + 1
	ev.Reset(ctx, ast.MustParseTerm(`{"key": "x1", "name": "b"}`).Value)
	assert.Zero(t, ev.pureCalls.n)
	assert.Empty(t, ev.pureCalls.byHash)
}

// TestPureCallsDoNotLeakAcrossInputs: a pure function's result kept from an
// earlier input is reused only for arguments written the same way, so an
// input gives what a fresh evaluation gives, whatever was judged before
// it; within one input, equal arguments share a call as in topdown.
func TestPureCallsDoNotLeakAcrossInputs(t *testing.T) {
	ctx := context.Background()
	mods := map[string]*ast.Module{"t.rego": ast.MustParseModuleWithOpts(`package t
show(n) := sprintf("%v", [n])
same(n) := n
answer := [show(input.a), same(input.a), show(input.b), same(input.b)]`, ast.ParserOptions{RegoVersion: ast.RegoV1})}
	prog, err := Compile(ctx, mods, []string{"t/answer"})
	require.NoError(t, err)
	inputs := []string{
		`{"a": 0, "b": 1}`,
		`{"a": -0, "b": 1.0}`,
		`{"a": 0.0, "b": 1e0}`,
		`{"a": -0, "b": 0}`,
		`{"a": 0, "b": -0}`,
	}
	data := ast.NewObject()
	parse := func(s string) ast.Value {
		v, err := ast.ValueFromReader(strings.NewReader(s))
		require.NoError(t, err)
		return v
	}
	fresh := map[string]string{}
	for _, in := range inputs {
		got, err := prog.NewEvaluation(ctx, parse(in), data).Eval("t/answer")
		require.NoError(t, err)
		require.Len(t, got, 1)
		fresh[in] = got[0].String()
		want, err := reference(ctx, t, mods, parse(in), "data.t.answer")
		require.NoError(t, err)
		wantJSON, err := json.Marshal(want)
		require.NoError(t, err)
		gotJSON, err := json.Marshal(ast.MustJSON(got[0].Value))
		require.NoError(t, err)
		assert.JSONEq(t, string(wantJSON), string(gotJSON), "%s: planned and topdown agree", in)
	}
	assert.Equal(t, `["0", -0, "1", 1.0]`, fresh[inputs[1]], "numbers are kept as written")
	assert.Equal(t, `["0", -0, "0", -0]`, fresh[inputs[3]], "within one input, same(0) is the call same(-0) made, as in topdown")
	for _, order := range [][]int{{0, 1, 2, 3, 4}, {4, 3, 2, 1, 0}, {1, 0, 3, 2, 4}, {2, 4, 0, 1, 3}} {
		ev := prog.NewEvaluation(ctx, ast.NewObject(), data)
		for _, i := range order {
			ev.Reset(ctx, parse(inputs[i]))
			got, err := ev.Eval("t/answer")
			require.NoError(t, err)
			require.Len(t, got, 1)
			assert.Equal(t, fresh[inputs[i]], got[0].String(), "%s after %v", inputs[i], order)
		}
	}
}

// TestBuiltinCacheIsPerInput: built-ins that cache within a query
// (rand.intn) cache within one input, as topdown's query, not for the
// whole evaluation.
func TestBuiltinCacheIsPerInput(t *testing.T) {
	ctx := context.Background()
	mods := map[string]*ast.Module{"t.rego": ast.MustParseModuleWithOpts(`package t
draw := [rand.intn("k", 1000000000), rand.intn("k", 1000000000)]`, ast.ParserOptions{RegoVersion: ast.RegoV1})}
	prog, err := Compile(ctx, mods, []string{"t/draw"})
	require.NoError(t, err)
	ev := prog.NewEvaluation(ctx, ast.NewObject(), ast.NewObject())
	seen := map[string]bool{}
	for range 5 {
		ev.Reset(ctx, ast.NewObject())
		got, err := ev.Eval("t/draw")
		require.NoError(t, err)
		require.Len(t, got, 1)
		pair := got[0].Value.(*ast.Array)
		assert.Equal(t, pair.Elem(0), pair.Elem(1), "one input draws once per key")
		seen[pair.Elem(0).String()] = true
	}
	assert.Greater(t, len(seen), 1, "each input draws again")
}

// TestConflictsNameTheRule: a rule, a function or an object key with two
// values is an error that names the rule and its location, as topdown's
// does, whether the plan was made here or read from its binary form.
func TestConflictsNameTheRule(t *testing.T) {
	ctx := context.Background()
	mod, err := ast.ParseModuleWithOpts("lib/t.rego", `package t
v := 1 if input.a
v := 2 if input.b
f(x) := 1 if x
f(x) := 2 if x
o[k] := 1 if some k in input.ks
o[k] := 2 if some k in input.ks
w := f(input.a)
c := {k: v | some k in input.ks; some v in [1, 2]}
outer := [v]`, ast.ParserOptions{RegoVersion: ast.RegoV1})
	require.NoError(t, err)
	mods := map[string]*ast.Module{"lib/t.rego": mod}
	entrypoints := []string{"t/v", "t/w", "t/o", "t/c", "t/outer"}
	p, err := Plan(ctx, mods, entrypoints)
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, Encode(&buf, p, Header{Digest: "d"}))
	planned, err := New(p)
	require.NoError(t, err)
	decoded, _, err := Load(buf.Bytes(), "d")
	require.NoError(t, err)
	in := ast.MustParseTerm(`{"a": true, "b": true, "ks": ["k"]}`).Value
	for _, tc := range []struct {
		rule, want string
	}{
		{"v", "lib/t.rego:3: eval_conflict_error: rule data.t.v produced conflicting values"},
		{"outer", "lib/t.rego:3: eval_conflict_error: rule data.t.v produced conflicting values"},
		{"w", "lib/t.rego:5: eval_conflict_error: function data.t.f produced conflicting values for the same inputs"},
		{"o", "lib/t.rego:7: eval_conflict_error: object keys must be unique (in data.t.o)"},
		{"c", "lib/t.rego:9: eval_conflict_error: object keys must be unique (in data.t.c)"},
	} {
		_, refErr := reference(ctx, t, mods, in, "data.t."+tc.rule)
		require.Error(t, refErr, tc.rule)
		for name, prog := range map[string]*Program{"planned": planned, "decoded": decoded} {
			_, err := prog.NewEvaluation(ctx, in, ast.NewObject()).Eval("t/" + tc.rule)
			require.ErrorIs(t, err, ErrConflict, "%s %s", name, tc.rule)
			assert.ErrorContains(t, err, tc.want, "%s %s; topdown: %v", name, tc.rule, refErr)
			var c *ConflictError
			require.ErrorAs(t, err, &c)
		}
		t.Logf("%s: topdown: %v", tc.rule, refErr)
	}
}

// TestOtherVersionsOfThePlanAreStale: a plan in another version of the
// binary form was made by another build: stale, not broken.
func TestOtherVersionsOfThePlanAreStale(t *testing.T) {
	old := gz(t, append([]byte{byte(len("shipshape-plan 1\n"))}, "shipshape-plan 1\n"...))
	_, _, err := Load(old, "d")
	assert.ErrorIs(t, err, ErrStale)
}
