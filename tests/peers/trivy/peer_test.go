package trivy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/types"
	"sigs.k8s.io/yaml"

	"github.com/shipshape-dev/shipshape/tests/internal/testbin"
)

// modFile pins the trivy-checks module, apart from the main module.
const (
	modFile    = "tests/tools/trivy-checks.mod"
	modulePath = "github.com/aquasecurity/trivy-checks"
)

// moduleDir returns the directory of the pinned trivy-checks module in the
// module cache and its version. `go mod download` reads the cache first, so
// once .ci/run has downloaded the module this needs no network.
func moduleDir() (dir, version string, err error) {
	cmd := exec.Command("go", "mod", "download", "-json", "-modfile="+modFile, modulePath)
	cmd.Dir = testbin.RepoRoot()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", "", fmt.Errorf("go mod download -modfile=%s %s (run .ci/run's download step first): %w\n%s", modFile, modulePath, err, stderr.String())
	}
	var m struct{ Dir, Version, Error string }
	if err := json.Unmarshal(out, &m); err != nil {
		return "", "", fmt.Errorf("decoding go mod download's answer: %w", err)
	}
	if m.Error != "" || m.Dir == "" {
		return "", "", fmt.Errorf("go mod download %s: %s", modulePath, m.Error)
	}
	return m.Dir, m.Version, nil
}

// Peer verdicts and shipshape's.
const (
	deny  = "deny"
	allow = "allow"
	fail  = "error" // shipshape could not read the input
)

// Input formats of the peer's fixtures.
const (
	formatKubernetes = "kubernetes" // a Kubernetes object (JSON value) or manifest text
	formatNodeInfo   = "nodeinfo"   // Trivy's node-collector shape for kubelet checks
	formatDockerJSON = "dockerfile-json"
	formatDockerfile = "dockerfile" // Dockerfile text from an example
)

// peerInput is one input the peer's tests or examples judge, with the
// verdict they assert.
type peerInput struct {
	// Name is the test rule (with [i] for each element of an every loop)
	// or "example good[i]" / "example bad[i]".
	Name    string
	Verdict string // deny or allow
	Format  string
	Value   any    // JSON value (kubernetes, nodeinfo, dockerfile-json)
	Text    string // manifest or Dockerfile text (examples)
	// Skip says why the input is not compared (the test configures the
	// check through data the scan has no equivalent of).
	Skip string
}

// check is one Trivy check with its inputs.
type check struct {
	ID     string // KSV-0047, KCV-0014, DS-0002
	File   string // the check's Rego, relative to the module
	Title  string
	Inputs []peerInput
}

var (
	avdID = regexp.MustCompile(`(?m)^#\s+avd_id:\s*AVD-([A-Z]+)-([0-9]+)\s*$`)
	title = regexp.MustCompile(`(?m)^#\s+title:\s*"?(.*?)"?\s*$`)
)

// peerSets are the folders of the module whose checks can be mapped:
// Kubernetes (KSV, KCV) and Dockerfile (DS) checks.
var peerSets = []string{"checks/kubernetes", "checks/docker"}

// loadChecks reads every KSV, KCV and DS check of the module with the
// inputs of its tests and examples, keyed by ID.
func loadChecks(dir string) (map[string]*check, error) {
	var libs []*ast.Module
	for _, lib := range []string{"lib/kubernetes", "lib/docker", "lib/test", "lib/cloud/metadata.rego"} {
		mods, err := parseDir(filepath.Join(dir, lib))
		if err != nil {
			return nil, err
		}
		libs = append(libs, mods...)
	}
	checks := map[string]*check{}
	for _, set := range peerSets {
		err := filepath.WalkDir(filepath.Join(dir, set), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".rego") || strings.HasSuffix(p, "_test.rego") {
				return err
			}
			src, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			m := avdID.FindSubmatch(src)
			if m == nil {
				return nil
			}
			rel, _ := filepath.Rel(dir, p)
			c := &check{ID: string(m[1]) + "-" + string(m[2]), File: filepath.ToSlash(rel)}
			if t := title.FindSubmatch(src); t != nil {
				c.Title = string(t[1])
			}
			if prev, dup := checks[c.ID]; dup {
				return fmt.Errorf("%s: ID %s also in %s", rel, c.ID, prev.File)
			}
			if c.Inputs, err = checkInputs(p, string(src), libs); err != nil {
				return fmt.Errorf("%s: %w", rel, err)
			}
			examples, err := exampleInputs(strings.TrimSuffix(p, ".rego") + ".yaml")
			if err != nil {
				return fmt.Errorf("%s: %w", rel, err)
			}
			c.Inputs = append(c.Inputs, examples...)
			checks[c.ID] = c
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return checks, nil
}

// parseDir parses the Rego files (tests left out) under dir.
func parseDir(dir string) ([]*ast.Module, error) {
	var mods []*ast.Module
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".rego") || strings.HasSuffix(p, "_test.rego") {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		m, err := ast.ParseModule(p, string(src))
		if err != nil {
			return fmt.Errorf("parsing %s: %w", p, err)
		}
		mods = append(mods, m)
		return nil
	})
	return mods, err
}

// exampleInputs reads a check's examples file (good and bad inputs by
// format), if it has one.
func exampleInputs(path string) ([]peerInput, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var ex map[string]struct{ Good, Bad []string }
	if err := yaml.Unmarshal(data, &ex); err != nil {
		return nil, fmt.Errorf("examples: %w", err)
	}
	var out []peerInput
	for format, sets := range ex {
		if format != formatKubernetes && format != formatDockerfile {
			continue
		}
		for i, text := range sets.Good {
			out = append(out, peerInput{Name: fmt.Sprintf("example good[%d]", i), Verdict: allow, Format: format, Text: text})
		}
		for i, text := range sets.Bad {
			out = append(out, peerInput{Name: fmt.Sprintf("example bad[%d]", i), Verdict: deny, Format: format, Text: text})
		}
	}
	return out, nil
}

// A test rule's inputs are found by rewriting it: each expression that
// evaluates the check `with input as X` becomes a call of the capture
// builtin with X, and the assertions on its result are read for the verdict
// and dropped; the rewritten test is then evaluated, so inputs built by
// helper functions, local variables or `every` loops come out as values.
const captureName = "shipshape.capture"

// probe is one `with input as` expression of a test rule.
type probe struct {
	test    string
	verdict string
	skip    string
}

// checkInputs returns the inputs of the check's _test.rego.
func checkInputs(path, src string, libs []*ast.Module) ([]peerInput, error) {
	testPath := strings.TrimSuffix(path, ".rego") + "_test.rego"
	testSrc, err := os.ReadFile(testPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	policyMod, err := ast.ParseModule(path, src)
	if err != nil {
		return nil, err
	}
	testMod, err := ast.ParseModule(testPath, string(testSrc))
	if err != nil {
		return nil, err
	}
	// Each test is renamed, so two tests of one name (Rego merges them
	// into one rule) both run; the second is known as name#2.
	var probes []probe
	var renamed []string
	defined := map[string]int{}
	for _, r := range testMod.Rules {
		name := r.Head.Name.String()
		if !strings.HasPrefix(name, "test_") {
			continue
		}
		if defined[name]++; defined[name] > 1 {
			name = fmt.Sprintf("%s#%d", name, defined[name])
		}
		r.Body = rewriteBody(r.Body, name, &probes)
		alias := ast.Var(fmt.Sprintf("shipshape_test_%d", len(renamed)))
		r.Head.Name, r.Head.Reference = alias, ast.Ref{ast.VarTerm(string(alias))}
		renamed = append(renamed, string(alias))
	}
	if len(probes) == 0 {
		return nil, nil
	}
	// One rule gathers the tests that ran, so the module is compiled once.
	pkg := testMod.Package.Path.String()
	var runs strings.Builder
	fmt.Fprintf(&runs, "package %s\n", strings.TrimPrefix(pkg, "data."))
	for _, t := range renamed {
		fmt.Fprintf(&runs, "shipshape_ran contains %q if %s\n", t, t)
	}
	runMod, err := ast.ParseModule("shipshape_runs.rego", runs.String())
	if err != nil {
		return nil, err
	}

	var mu sync.Mutex
	captured := map[int][]any{}
	seen := map[string]bool{}
	opts := []func(*rego.Rego){
		rego.Query(pkg + ".shipshape_ran"),
		rego.ParsedModule(policyMod), rego.ParsedModule(testMod), rego.ParsedModule(runMod),
		rego.Function2(&rego.Function{Name: captureName, Decl: types.NewFunction(types.Args(types.N, types.A), types.B)},
			func(_ rego.BuiltinContext, k, v *ast.Term) (*ast.Term, error) {
				i, _ := k.Value.(ast.Number).Int()
				val, err := ast.JSON(v.Value)
				if err != nil {
					return nil, err
				}
				key := fmt.Sprintf("%d %s", i, v.String())
				mu.Lock()
				defer mu.Unlock()
				if !seen[key] {
					seen[key] = true
					captured[i] = append(captured[i], val)
				}
				return ast.BooleanTerm(true), nil
			}),
		// Trivy's own builtins, which the checks' helpers call: stubs,
		// since the check itself is never evaluated.
		rego.Function2(&rego.Function{Name: "result.new", Decl: types.NewFunction(types.Args(types.A, types.A), types.A)},
			func(_ rego.BuiltinContext, msg, _ *ast.Term) (*ast.Term, error) {
				return ast.ObjectTerm(ast.Item(ast.StringTerm("msg"), msg)), nil
			}),
		rego.Function1(&rego.Function{Name: "sh.parse_commands", Decl: types.NewFunction(types.Args(types.A), types.A)},
			func(_ rego.BuiltinContext, _ *ast.Term) (*ast.Term, error) { return ast.ArrayTerm(), nil }),
	}
	for _, m := range libs {
		opts = append(opts, rego.ParsedModule(m))
	}
	if _, err := rego.New(opts...).Eval(context.Background()); err != nil {
		return nil, fmt.Errorf("evaluating the rewritten tests: %w", err)
	}

	format := formatKubernetes
	if strings.Contains(filepath.ToSlash(path), "/docker/") {
		format = formatDockerJSON
	}
	// A test with one input is named by the test; one with several (two
	// probes, or a loop) numbers them in order.
	perTest := map[string]int{}
	for i, p := range probes {
		perTest[p.test] += max(len(captured[i]), 1)
	}
	seenIn := map[string]int{}
	var out []peerInput
	for i, p := range probes {
		vals := captured[i]
		if len(vals) == 0 {
			return nil, fmt.Errorf("%s: the input of its check was not captured (the rewritten test did not reach it)", p.test)
		}
		for _, v := range vals {
			name := p.test
			if perTest[p.test] > 1 {
				name = fmt.Sprintf("%s[%d]", p.test, seenIn[p.test])
			}
			seenIn[p.test]++
			in := peerInput{Name: name, Verdict: p.verdict, Format: format, Value: v, Skip: p.skip}
			if obj, ok := v.(map[string]any); ok && obj["kind"] == "NodeInfo" {
				in.Format = formatNodeInfo
			}
			out = append(out, in)
		}
	}
	return out, nil
}

// rewriteBody replaces each `with input as` expression of body by a capture
// and drops the assertions on its result, recording a probe for each.
func rewriteBody(body ast.Body, test string, probes *[]probe) ast.Body {
	type pending struct {
		index   int
		result  ast.Var
		verdict string
	}
	var open []*pending
	var out ast.Body
	for _, expr := range body {
		if e, ok := expr.Terms.(*ast.Every); ok {
			e.Body = rewriteBody(e.Body, test, probes)
			out.Append(expr)
			continue
		}
		if value, others := inputOf(expr); value != nil {
			p := probe{test: test}
			if len(others) > 0 {
				p.skip = "the test configures the check with " + strings.Join(others, ", ")
			}
			pend := &pending{index: len(*probes)}
			core := expr.Copy()
			core.With = nil
			switch {
			case core.Negated:
				pend.verdict = allow
			case core.IsAssignment() || core.IsEquality():
				if v, ok := core.Operand(0).Value.(ast.Var); ok {
					pend.result = v
				} else {
					pend.verdict = assertion(core, nil)
				}
			case core.IsCall():
				pend.verdict = assertion(core, nil)
			default:
				pend.verdict = deny // deny[_], deny[res]: the test needs a result
			}
			*probes = append(*probes, p)
			open = append(open, pend)
			out.Append(ast.NewExpr([]*ast.Term{
				ast.RefTerm(ast.VarTerm("shipshape"), ast.StringTerm("capture")),
				ast.IntNumberTerm(pend.index),
				value,
			}))
			continue
		}
		// An assertion on a probe's result is read and dropped.
		var on *pending
		vars := expr.Vars(ast.VarVisitorParams{SkipRefCallHead: true})
		for _, pend := range open {
			if pend.result != "" && vars.Contains(pend.result) {
				on = pend
			}
		}
		if on == nil {
			out.Append(expr)
			continue
		}
		v := assertion(expr, &on.result)
		switch {
		case v == "":
		case on.verdict == "":
			on.verdict = v
		case on.verdict != v:
			on.verdict = "conflict"
		}
	}
	for _, pend := range open {
		p := &(*probes)[pend.index]
		switch pend.verdict {
		case deny, allow:
			p.verdict = pend.verdict
		case "":
			p.verdict, p.skip = "", "the test asserts no verdict on its result"
		default:
			p.verdict, p.skip = "", "the test asserts both a denial and none"
		}
	}
	for i := range out {
		out[i].Index = i
	}
	return out
}

// inputOf returns the X of an expression's `with input as X`, and the
// targets of its other with modifiers.
func inputOf(expr *ast.Expr) (*ast.Term, []string) {
	var value *ast.Term
	var others []string
	for _, w := range expr.With {
		switch w.Target.String() {
		case "input":
			value = w.Value
		case "data.k8s.version":
			// The cluster's version, which the scan's own setting stands
			// for: the input is compared as it is.
		default:
			others = append(others, w.Target.String())
		}
	}
	return value, others
}

// assertion reads what an expression asserts of a check's result (the
// variable result, or the check's rule when result is nil): deny for a
// non-empty result, allow for an empty one, "" when it says neither.
func assertion(expr *ast.Expr, result *ast.Var) string {
	isSubject := func(t *ast.Term) bool {
		if result != nil {
			return t.Value.Compare(*result) == 0
		}
		_, ok := t.Value.(ast.Ref)
		return ok
	}
	if expr.Negated {
		// not r[_] and the like: nothing in the result.
		return allow
	}
	if !expr.IsCall() {
		// r[_].msg, r[res]: an element of the result exists.
		if t, ok := expr.Terms.(*ast.Term); ok {
			if ref, ok := t.Value.(ast.Ref); ok && result != nil && ref[0].Value.Compare(*result) == 0 && len(ref) > 1 {
				return deny
			}
		}
		return ""
	}
	op := expr.Operator().String()
	ops := expr.Operands()
	if len(ops) != 2 {
		return ""
	}
	left, right := ops[0], ops[1]
	// r[_].msg == "..." asserts an element of the result.
	if ref, ok := left.Value.(ast.Ref); ok && result != nil && ref[0].Value.Compare(*result) == 0 && len(ref) > 1 {
		return deny
	}
	call, ok := left.Value.(ast.Call)
	if !ok || len(call) != 2 || call[0].String() != "count" || !isSubject(call[1]) {
		return ""
	}
	num, ok := right.Value.(ast.Number)
	if !ok {
		return ""
	}
	n, ok := num.Int()
	if !ok {
		return ""
	}
	switch op {
	case "equal", "eq", "assign":
		if n == 0 {
			return allow
		}
		return deny
	case "gt":
		if n >= 0 {
			return deny
		}
	case "gte":
		if n >= 1 {
			return deny
		}
	case "neq":
		if n == 0 {
			return deny
		}
	case "lt":
		if n == 1 {
			return allow
		}
	}
	return ""
}

// sortedIDs returns the keys of m in order.
func sortedIDs[V any](m map[string]V) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}
