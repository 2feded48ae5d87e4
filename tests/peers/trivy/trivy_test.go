// Package trivy holds Trivy's own checks to shipshape as a standing oracle.
// The pinned trivy-checks module (tests/tools/trivy-checks.mod) embeds each
// KSV, KCV and DS check with its _test.rego and examples; for every check
// the catalogue or a case cites (and those mapping.yaml adds), each input
// of its tests and examples is rewritten as what shipshape reads
// (Kubernetes YAML, Dockerfile text, a kubelet unit and configuration
// file), scanned in-process with the controls that answer the check, and
// the verdict compared with the one the peer's test asserts.
//
// Every disagreement must be in differences.yaml with its class, and every
// entry there must still be a disagreement. Every cited ID must exist in
// the module and be answered by its control (one of its denied inputs
// denied), or be listed there as a wrong citation.
package trivy

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/shipshape-dev/shipshape/bundles"
	"github.com/shipshape-dev/shipshape/engine/eval"
	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/engine/profile"
	"github.com/shipshape-dev/shipshape/engine/requirements"
	"github.com/shipshape-dev/shipshape/engine/scan"
	"github.com/shipshape-dev/shipshape/library"
)

// Classes of a difference.
const (
	classStricter       = "stricter"        // shipshape is stricter: the catalogue row that says so
	classUpstream       = "upstream"        // upstream Kubernetes differs from the peer: the source
	classInvalidFixture = "invalid-fixture" // the peer's fixture is not a valid input: why
	classOpenDefect     = "open-defect"     // a shipshape defect not fixed yet
	classWrongCitation  = "wrong-citation"  // the catalogue or a case cites a check its control does not answer
)

// difference is one entry of differences.yaml.
type difference struct {
	ID string `json:"id"`
	// Input names the peer's input (its test rule, or "example bad[0]");
	// empty for a wrong citation, which is about the check as a whole.
	Input     string `json:"input,omitempty"`
	Peer      string `json:"peer,omitempty"`      // the peer's verdict
	Shipshape string `json:"shipshape,omitempty"` // shipshape's verdict
	Class     string `json:"class"`
	// Row is the catalogue row that makes shipshape stricter.
	Row string `json:"row,omitempty"`
	// Source is the upstream reference.
	Source string `json:"source,omitempty"`
	Reason string `json:"reason"`
}

func (d difference) key() string { return d.ID + " / " + d.Input }

// comparison is the outcome of one input.
type comparison struct {
	ID, Input, Peer, Shipshape string
	Findings                   []string // the mapped controls' messages
	Text                       string   // the files scanned, for the report
}

// oracle is everything the subtests share.
type oracle struct {
	version string
	checks  map[string]*check
	cited   map[string][]citation
	targets map[string]*target
	lib     *policy.Library
	binds   map[string]eval.Binding
	catalog *requirements.Catalogue
}

func load(t *testing.T) *oracle {
	t.Helper()
	ctx := context.Background()
	dir, version, err := moduleDir()
	require.NoError(t, err)
	checks, err := loadChecks(dir)
	require.NoError(t, err)
	require.NotEmpty(t, checks, "no check found in %s", dir)

	lib, err := library.Load(ctx)
	require.NoError(t, err)
	schemas, err := profile.NewSchemas()
	require.NoError(t, err)
	profiles, err := schemas.LoadProfiles(bundles.FS, "bundles")
	require.NoError(t, err)
	sel, err := schemas.Select(lib, profiles["all"], nil)
	require.NoError(t, err)
	binds := map[string]eval.Binding{}
	for _, b := range sel.ScanBindings() {
		binds[b.Control.ID] = b
	}

	cited, err := citedIDs(lib, checks)
	require.NoError(t, err)
	hand, err := loadMapping("mapping.yaml")
	require.NoError(t, err)
	// For a cited check, mapping.yaml may only narrow the controls its
	// citations name: naming another would hide a wrong citation.
	for id, m := range hand {
		var named []string
		for _, c := range cited[id] {
			named = append(named, c.Controls...)
		}
		for _, c := range m.Controls {
			require.True(t, cited[id] == nil || slices.Contains(named, c),
				"mapping.yaml maps %s to %s, which none of its citations names (%s): fix the citation instead", id, c, wheres(cited[id]))
		}
	}
	tg := targets(cited, hand)
	for id, g := range tg {
		for _, c := range g.Controls {
			_, ok := binds[c]
			require.True(t, ok, "%s maps to %s, which is not a control of the profile all", id, c)
		}
		if g.Cited == nil {
			_, ok := checks[id]
			require.True(t, ok, "mapping.yaml maps %s, which trivy-checks %s does not have", id, version)
		}
	}
	catalog, err := requirements.Default()
	require.NoError(t, err)
	return &oracle{version: version, checks: checks, cited: cited, targets: tg, lib: lib, binds: binds, catalog: catalog}
}

// judge scans one input with the target's controls and returns shipshape's
// verdict: deny when a finding of theirs (that Match keeps) is reported,
// error when the input cannot be read.
func (o *oracle) judge(ctx context.Context, dir string, in peerInput, tg *target) (verdict string, findings []string, text string, err error) {
	fs, err := files(in, tg)
	if err != nil {
		return "", nil, "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", nil, "", err
	}
	var names []string
	for name, body := range fs {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			return "", nil, "", err
		}
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		text += "--- " + name + "\n" + fs[name]
	}
	var bindings []eval.Binding
	for _, c := range tg.Controls {
		bindings = append(bindings, o.binds[c])
	}
	r, err := scan.Run(ctx, o.lib, bindings, scan.Options{Paths: []string{dir}, Workers: 1})
	if err != nil {
		return "", nil, text, fmt.Errorf("scanning: %w", err)
	}
	defer r.Close()
	if len(r.Errors) > 0 {
		for _, e := range r.Errors {
			findings = append(findings, e.Message)
		}
		return fail, findings, text, nil
	}
	verdict = allow
	for _, res := range r.All() {
		if tg.Match != nil && !tg.Match.MatchString(res.Message) {
			continue
		}
		findings = append(findings, res.Control+": "+res.Message)
		verdict = deny
	}
	return verdict, findings, text, nil
}

func TestTrivyChecks(t *testing.T) {
	ctx := context.Background()
	o := load(t)
	table := loadDifferences(t)

	// Each cited ID exists and is answered by its control: one of its
	// denied inputs is denied.
	var results []comparison
	wrong := map[string]string{}
	unanswered := map[string][]comparison{}
	for _, id := range sortedIDs(o.targets) {
		tg := o.targets[id]
		c, ok := o.checks[id]
		if !ok {
			wrong[id] = fmt.Sprintf("trivy-checks %s has no %s", o.version, id)
			continue
		}
		var mine []comparison
		answered, denied := false, 0
		for i, in := range c.Inputs {
			if in.Skip != "" {
				continue
			}
			verdict, findings, text, err := o.judge(ctx, filepath.Join(t.TempDir(), fmt.Sprint(i)), in, tg)
			require.NoError(t, err, "%s %s", id, in.Name)
			mine = append(mine, comparison{ID: id, Input: in.Name, Peer: in.Verdict, Shipshape: verdict, Findings: findings, Text: text})
			if in.Verdict == deny {
				denied++
				answered = answered || verdict == deny
			}
		}
		if tg.Cited != nil && denied > 0 && !answered && !explained(table, mine) {
			wrong[id] = fmt.Sprintf("none of %s's %d denied inputs is denied by %s", id, denied, strings.Join(tg.Controls, ", "))
			unanswered[id] = mine
			continue
		}
		results = append(results, mine...)
	}

	if draft := os.Getenv("TRIVY_DRAFT"); draft != "" {
		writeDraft(t, draft, o, results, wrong, unanswered)
	}

	listed := map[string]difference{}
	for _, d := range table {
		listed[d.key()] = d
	}
	used := map[string]bool{}
	agree := 0
	for _, r := range results {
		if r.Peer == r.Shipshape {
			agree++
			continue
		}
		key := r.ID + " / " + r.Input
		d, ok := listed[key]
		used[key] = true
		if !assert.True(t, ok, "%s: Trivy says %s, shipshape says %s (%s), and differences.yaml does not list it\nfindings: %q\n%s", key, r.Peer, r.Shipshape, strings.Join(o.targets[r.ID].Controls, ", "), r.Findings, r.Text) {
			continue
		}
		assert.Equal(t, r.Peer+" "+r.Shipshape, d.Peer+" "+d.Shipshape, "%s: the verdicts differences.yaml records (peer, shipshape) are not today's\nfindings: %q", key, r.Findings)
	}
	for _, id := range sortedIDs(wrong) {
		key := id + " / "
		used[key] = true
		d, ok := listed[key]
		if assert.True(t, ok, "%s is cited but not answered: %s (cited by %s); fix the citation or list it in differences.yaml as %s", id, wrong[id], wheres(o.targets[id].Cited), classWrongCitation) {
			assert.Equal(t, classWrongCitation, d.Class, "%s", key)
		}
	}
	for _, d := range table {
		assert.True(t, used[d.key()], "differences.yaml lists %s, which no longer disagrees (or is no longer compared): remove it", d.key())
	}

	// The summary the closing note quotes.
	classes := map[string]int{}
	for _, d := range table {
		classes[d.Class]++
	}
	compared := len(results)
	t.Logf("trivy-checks %s: %d checks mapped (%d cited, %d of them answered; %d mapped by hand), %d inputs compared, %d agree, %d differ; table by class: %v",
		o.version, len(o.targets), len(o.cited), len(o.cited)-len(wrong), len(o.targets)-len(o.cited), compared, agree, compared-agree, classes)
}

// explained is true when every denied input the control allows is listed
// as upstream or as an invalid fixture: the control answers the check, and
// each of the peer's examples is one where Kubernetes itself (a Role
// cannot grant cluster-scoped resources) or the fixture disagrees with the
// peer.
func explained(table []difference, mine []comparison) bool {
	listed := map[string]string{}
	for _, d := range table {
		listed[d.key()] = d.Class
	}
	for _, c := range mine {
		if c.Peer != deny || c.Shipshape == deny {
			continue
		}
		if class := listed[c.ID+" / "+c.Input]; class != classUpstream && class != classInvalidFixture {
			return false
		}
	}
	return true
}

func wheres(cs []citation) string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Where)
	}
	return strings.Join(out, "; ")
}

// loadDifferences reads differences.yaml and checks each entry's form.
func loadDifferences(t *testing.T) []difference {
	t.Helper()
	data, err := os.ReadFile("differences.yaml")
	require.NoError(t, err)
	var table []difference
	require.NoError(t, yaml.UnmarshalStrict(data, &table))
	cat, err := requirements.Default()
	require.NoError(t, err)
	seen := map[string]bool{}
	for _, d := range table {
		require.False(t, seen[d.key()], "differences.yaml lists %s twice", d.key())
		seen[d.key()] = true
		assert.NotEmpty(t, strings.TrimSpace(d.Reason), "%s: give the reason", d.key())
		switch d.Class {
		case classStricter:
			_, ok := cat.Get(d.Row)
			assert.True(t, ok, "%s: stricter names the catalogue row that says so (row: %q is not one)", d.key(), d.Row)
		case classUpstream:
			assert.Regexp(t, regexp.MustCompile(`^https://`), d.Source, "%s: upstream cites its source", d.key())
		case classInvalidFixture, classOpenDefect:
		case classWrongCitation:
			assert.Empty(t, d.Input, "%s: a wrong citation is about the check, not an input", d.key())
		default:
			t.Errorf("%s: class %q is not one of %s, %s, %s, %s, %s", d.key(), d.Class, classStricter, classUpstream, classInvalidFixture, classOpenDefect, classWrongCitation)
		}
		if d.Class != classWrongCitation {
			assert.True(t, d.Input != "" && d.Peer != "" && d.Shipshape != "", "%s: give the input and both verdicts", d.key())
		}
	}
	return table
}

// writeDraft writes every disagreement, with the scanned files and
// findings as comments, for a person to classify (TRIVY_DRAFT=file).
func writeDraft(t *testing.T, file string, o *oracle, results []comparison, wrong map[string]string, unanswered map[string][]comparison) {
	var b strings.Builder
	for _, r := range results {
		if r.Peer == r.Shipshape {
			continue
		}
		fmt.Fprintf(&b, "- id: %s\n  input: %q\n  peer: %s\n  shipshape: %s\n  class: TODO\n  reason: TODO\n", r.ID, r.Input, r.Peer, r.Shipshape)
		fmt.Fprintf(&b, "  # controls: %s\n", strings.Join(o.targets[r.ID].Controls, ", "))
		for _, f := range r.Findings {
			fmt.Fprintf(&b, "  # finding: %s\n", f)
		}
		for _, line := range strings.Split(strings.TrimSpace(r.Text), "\n") {
			fmt.Fprintf(&b, "  #   %s\n", line)
		}
	}
	for _, id := range sortedIDs(wrong) {
		fmt.Fprintf(&b, "- id: %s\n  class: wrong-citation\n  reason: %q\n  # cited by %s\n", id, wrong[id], wheres(o.targets[id].Cited))
		for _, r := range unanswered[id] {
			fmt.Fprintf(&b, "  # %s: peer %s, shipshape %s %q\n", r.Input, r.Peer, r.Shipshape, r.Findings)
			if r.Peer == deny {
				for _, line := range strings.Split(strings.TrimSpace(r.Text), "\n") {
					fmt.Fprintf(&b, "  #   %s\n", line)
				}
			}
		}
	}
	require.NoError(t, os.WriteFile(file, []byte(b.String()), 0o644))
}
