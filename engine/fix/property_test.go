package fix

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/engine/eval"
	"github.com/shipshape-dev/shipshape/engine/input"
)

// style is how one generated manifest is written.
type style struct {
	indent     int  // 2 or 4
	indentless bool // lists at their key's indentation, as kubectl writes them
	flow       bool // securityContext written {...}
	comments   bool // comments between items
	crlf       bool
	list       bool // the objects as items of a v1 List
	anchors    bool // one securityContext anchored and aliased by the next container
	merge      bool // a container merging another's securityContext with <<
	windows    bool
	lowPort    bool // a container on port 80
	system     bool // in kube-system
	bound      bool // its ServiceAccount bound to a role in the same file
}

func randomStyle(r *rand.Rand) style {
	b := func() bool { return r.IntN(2) == 0 }
	return style{
		indent: 2 + 2*r.IntN(2), indentless: b(), flow: r.IntN(4) == 0, comments: b(), crlf: r.IntN(4) == 0,
		list: r.IntN(4) == 0, anchors: r.IntN(3) == 0, merge: r.IntN(3) == 0, windows: r.IntN(6) == 0,
		lowPort: r.IntN(3) == 0, system: r.IntN(8) == 0, bound: r.IntN(4) == 0,
	}
}

// manifest writes n workloads in the style; each is a Pod or a Deployment
// whose containers leave every securityContext control something to fix.
func manifest(s style, n int) string {
	var b strings.Builder
	// item returns, for a list under a key at column col, the text before
	// an item's first key and the column of its other keys: "- " at the
	// key's column (indentless) or one step in.
	item := func(col int) (string, int) {
		if !s.indentless {
			col += s.indent
		}
		return strings.Repeat(" ", col) + "- ", col + 2
	}
	ns := "shop"
	if s.system {
		ns = "kube-system"
	}
	if s.list {
		b.WriteString("apiVersion: v1\nkind: List\nitems:\n")
	}
	for i := range n {
		var obj strings.Builder
		w := func(col int, text string) { obj.WriteString(strings.Repeat(" ", col) + text + "\n") }
		step := s.indent
		kind := []string{"Pod", "Deployment"}[i%2]
		if kind == "Pod" {
			w(0, "apiVersion: v1")
		} else {
			w(0, "apiVersion: apps/v1")
		}
		w(0, "kind: "+kind)
		w(0, "metadata:")
		w(step, fmt.Sprintf("name: app-%d", i))
		w(step, "namespace: "+ns)
		w(0, "spec:")
		col := step
		if kind == "Deployment" {
			w(step, "selector: {matchLabels: {app: a}}")
			w(step, "template:")
			w(2*step, "metadata: {labels: {app: a}}")
			w(2*step, "spec:")
			col = 3 * step
		}
		if s.windows {
			w(col, "os: {name: windows}")
		}
		if s.bound {
			w(col, "serviceAccountName: reader")
		}
		w(col, "containers:")
		for c := range 2 {
			dash, inner := item(col)
			obj.WriteString(dash + fmt.Sprintf("name: c%d\n", c))
			if s.comments {
				w(inner, "# the image is pinned by the release job")
			}
			w(inner, fmt.Sprintf("image: contoso.azurecr.io/app-%d:1.%d", i, c))
			switch {
			case c == 0 && s.anchors:
				w(inner, fmt.Sprintf("securityContext: &sc%d {allowPrivilegeEscalation: true}", i))
			case c == 1 && s.anchors:
				w(inner, fmt.Sprintf("securityContext: *sc%d", i))
			case c == 0 && s.merge:
				w(inner, fmt.Sprintf("securityContext: &base%d", i))
				w(inner+step, "capabilities:")
				w(inner+2*step, "add: [NET_ADMIN]")
			case c == 1 && s.merge:
				w(inner, "securityContext:")
				w(inner+step, fmt.Sprintf("<<: *base%d", i))
				w(inner+step, "privileged: false")
			case s.flow:
				w(inner, "securityContext: {privileged: false}")
			}
			if s.lowPort && c == 0 {
				w(inner, "ports:")
				pdash, _ := item(inner)
				obj.WriteString(pdash + "containerPort: 80\n")
			}
		}
		text := obj.String()
		if s.list {
			dash, inner := item(0)
			for j, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
				if j == 0 {
					b.WriteString(dash + l + "\n")
					continue
				}
				b.WriteString(strings.Repeat(" ", inner) + l + "\n")
			}
			continue
		}
		if i > 0 {
			b.WriteString("---\n")
		}
		b.WriteString(text)
	}
	if s.bound && !s.list {
		b.WriteString("---\n")
		b.WriteString(fmt.Sprintf("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: reader, namespace: %s}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\nsubjects:\n- {kind: ServiceAccount, name: reader}\n", ns))
	}
	out := b.String()
	if s.crlf {
		out = strings.ReplaceAll(out, "\n", "\r\n")
	}
	return out
}

// TestFixPropertiesHoldOnEveryStyle fixes generated manifests in every
// style people and tools write (indentless lists, anchors, merge keys,
// flow, comments, CRLF, Lists, streams, Windows pods, privileged ports,
// system pods, bound ServiceAccounts) with the whole library, and checks
// from the outside: the fixed file reads to the same objects, differing
// only at the fields fix says it changed; no control reports more on any
// object; and nothing fix must leave alone is changed.
func TestFixPropertiesHoldOnEveryStyle(t *testing.T) {
	ctx := context.Background()
	base := newFixer(t)
	for _, c := range base.lib.Controls() {
		base.bindings = append(base.bindings, eval.Binding{Control: c, Parameters: c.Defaults()})
	}
	judge, err := eval.New(base.lib, base.bindings)
	require.NoError(t, err)
	r := rand.New(rand.NewPCG(7, 34))
	fixedAny := 0
	for run := range 40 {
		s := randomStyle(r)
		text := manifest(s, 1+r.IntN(3))
		name := fmt.Sprintf("run-%02d.yaml", run)
		t.Run(fmt.Sprintf("%s %+v", name, s), func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, name)
			require.NoError(t, os.WriteFile(file, []byte(text), 0o644))
			before := input.ReadFile(ctx, file, input.Options{})
			require.Empty(t, before.Errors, "the generated manifest reads:\n%s", text)
			plan, err := Fix(ctx, base.lib, base.bindings, []*input.File{before}, base.rules, Options{})
			require.NoError(t, err)
			if len(plan.Results) == 0 {
				return
			}
			fixedAny++
			require.Len(t, plan.Results, 1)
			res := plan.Results[0]
			require.NoError(t, os.WriteFile(file, res.After, 0o644))
			after := input.ReadFile(ctx, file, input.Options{})
			require.Empty(t, after.Errors, "the fixed file reads:\n%s", res.After)
			require.Len(t, after.Objects, len(before.Objects))
			if s.crlf {
				assert.NotContains(t, strings.ReplaceAll(string(res.After), "\r\n", ""), "\n", "CRLF kept")
			}
			for i, o := range before.Objects {
				a := after.Objects[i]
				require.Equal(t, objectName(o), objectName(a))
				var fields []string
				for _, c := range res.Changes {
					if c.Object == objectName(o) {
						fields = append(append(fields, c.Field), c.Also...)
					}
				}
				for _, d := range differences(o.Value, a.Value, nil) {
					covered := false
					for _, f := range fields {
						covered = covered || strings.HasPrefix(d, f) || strings.HasPrefix(f, d)
					}
					assert.True(t, covered, "%s: %s changed, but fix changed only %v:\n%s", objectName(o), d, fields, res.After)
				}
				was, now := findingKeys(judge.Judge(ctx, o).Findings), findingKeys(judge.Judge(ctx, a).Findings)
				for id, n := range now {
					assert.LessOrEqual(t, n, was[id], "%s: %s reports more after the fix:\n%s", objectName(o), id, res.After)
				}
				if o.Namespace() == "kube-system" {
					assert.Empty(t, fields, "a system component is not edited")
				}
			}
			for _, c := range res.Changes {
				switch {
				case s.windows && strings.Contains(c.Field, "securityContext") && !strings.HasSuffix(c.Field, "runAsNonRoot"):
					t.Errorf("a Windows pod got %s", c.Field)
				case s.lowPort && strings.Contains(c.Field, "containers[0].securityContext") && (strings.HasSuffix(c.Field, "runAsNonRoot") || strings.HasSuffix(c.Field, "capabilities.drop")):
					t.Errorf("the container on port 80 got %s", c.Field)
				case s.bound && strings.HasSuffix(c.Field, "automountServiceAccountToken") && !s.list:
					t.Errorf("a bound ServiceAccount lost its token: %s", c.Object)
				}
			}
		})
	}
	assert.Greater(t, fixedAny, 20, "most generated manifests have something to fix")
}

// differences lists every path at which two decoded objects differ.
func differences(a, b any, path []any) []string {
	if reflect.DeepEqual(a, b) {
		return nil
	}
	x, okA := a.(map[string]any)
	y, okB := b.(map[string]any)
	if okA && okB {
		keys := map[string]bool{}
		for k := range x {
			keys[k] = true
		}
		for k := range y {
			keys[k] = true
		}
		var sorted []string
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		var out []string
		for _, k := range sorted {
			out = append(out, differences(x[k], y[k], append(append([]any{}, path...), k))...)
		}
		return out
	}
	l, okA := a.([]any)
	m, okB := b.([]any)
	if okA && okB && len(l) == len(m) {
		var out []string
		for i := range l {
			out = append(out, differences(l[i], m[i], append(append([]any{}, path...), i))...)
		}
		return out
	}
	return []string{pathText(path)}
}
