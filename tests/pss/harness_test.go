package pss

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"github.com/shipshape-dev/shipshape/bundles"
	"github.com/shipshape-dev/shipshape/engine/eval"
	"github.com/shipshape-dev/shipshape/engine/input"
	shippolicy "github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/engine/profile"
	"github.com/shipshape-dev/shipshape/engine/requirements"
	"github.com/shipshape-dev/shipshape/library"
)

// controlFor maps each upstream check ID to the shipshape control that
// implements it.
var controlFor = map[policy.CheckID]string{
	"windowsHostProcess":         "SS-PSS-001",
	"hostNamespaces":             "SS-PSS-002",
	"privileged":                 "SS-PSS-003",
	"capabilities_baseline":      "SS-PSS-004",
	"hostPathVolumes":            "SS-PSS-005",
	"hostPorts":                  "SS-PSS-006",
	"hostProbesAndHostLifecycle": "SS-PSS-007",
	"appArmorProfile":            "SS-PSS-008",
	"seLinuxOptions":             "SS-PSS-009",
	"procMount":                  "SS-PSS-010",
	"seccompProfile_baseline":    "SS-PSS-011",
	"sysctls":                    "SS-PSS-012",
	"restrictedVolumes":          "SS-PSS-101",
	"allowPrivilegeEscalation":   "SS-PSS-102",
	"runAsNonRoot":               "SS-PSS-103",
	"runAsUser":                  "SS-PSS-104",
	"seccompProfile_restricted":  "SS-PSS-105",
	"capabilities_restricted":    "SS-PSS-106",
	"procMount_restricted":       "SS-PSS-107",
}

// wellFormed is the control that must stay silent on typed, valid pods.
const wellFormed = "SS-K8S-001"

// harness evaluates pods with shipshape and with the upstream evaluator.
type harness struct {
	all       *eval.Evaluator               // every control of both PSS profiles
	planned   *eval.Evaluator               // the same, evaluated with the library's plan
	levels    map[api.Level]map[string]bool // level → control IDs of its profile
	upstream  policy.Evaluator
	checks    []policy.Check
	latest    api.LevelVersion
	mu        sync.Mutex
	evaluated int
}

var (
	sharedHarness *harness
	harnessOnce   sync.Once
	harnessErr    error
)

func newHarness(t testing.TB) *harness {
	t.Helper()
	harnessOnce.Do(func() { sharedHarness, harnessErr = buildHarness() })
	require.NoError(t, harnessErr)
	return sharedHarness
}

func buildHarness() (*harness, error) {
	ctx := context.Background()
	catalogue, err := requirements.Default()
	if err != nil {
		return nil, err
	}
	lib, err := shippolicy.Load(ctx, catalogue, shippolicy.Source{Name: "library", FS: library.FS, Builtin: true})
	if err != nil {
		return nil, err
	}
	schemas, err := profile.NewSchemas()
	if err != nil {
		return nil, err
	}
	profiles, err := schemas.LoadProfiles(bundles.FS, "bundles")
	if err != nil {
		return nil, err
	}
	h := &harness{levels: map[api.Level]map[string]bool{}, checks: policy.DefaultChecks()}
	// Every control of both Pod Security profiles, each once.
	var union []eval.Binding
	seen := map[string]bool{}
	for level, name := range map[api.Level]string{api.LevelBaseline: "pss-baseline", api.LevelRestricted: "pss-restricted"} {
		sel, err := schemas.Select(lib, profiles[name], nil)
		if err != nil {
			return nil, err
		}
		h.levels[level] = map[string]bool{}
		for _, b := range sel.Bindings {
			h.levels[level][b.Control.ID] = true
			if !seen[b.Control.ID] {
				seen[b.Control.ID] = true
				union = append(union, b)
			}
		}
	}
	if h.all, err = eval.New(lib, union); err != nil {
		return nil, err
	}
	// The planned evaluator judges every object too, and must agree.
	prog, err := eval.CompileLibrary(ctx, lib)
	if err != nil {
		return nil, err
	}
	if h.planned, err = eval.New(lib, union, eval.WithProgram(prog)); err != nil {
		return nil, err
	}
	if h.upstream, err = policy.NewEvaluator(h.checks, nil); err != nil {
		return nil, err
	}
	h.latest = api.LevelVersion{Version: api.LatestVersion()}
	for _, c := range h.checks {
		if _, ok := controlFor[c.ID]; !ok {
			return nil, fmt.Errorf("upstream check %q has no shipshape control; add one and map it in controlFor", c.ID)
		}
	}
	return h, nil
}

// findingTexts lists a judgement's findings with their details.
func findingTexts(j eval.Judgement) []string {
	var out []string
	for _, f := range j.Findings {
		out = append(out, fmt.Sprintf("%s %q %v", f.Control.ID, f.Message, f.Details))
	}
	return out
}

// verdict is what one evaluator concluded about an object.
type verdict struct {
	failedChecks map[string]bool // control IDs that flagged the object
	levels       map[api.Level]bool
}

// shipshape judges an object (any pod-bearing kind) with every control.
func (h *harness) shipshape(t testing.TB, obj *input.Object) (verdict, []string) {
	j := h.all.Judge(context.Background(), obj)
	require.Empty(t, j.Errors)
	planned := h.planned.Judge(context.Background(), obj)
	require.Empty(t, planned.Errors)
	require.Equal(t, findingTexts(j), findingTexts(planned), "the planned evaluator and OPA's disagree")
	v := verdict{failedChecks: map[string]bool{}, levels: map[api.Level]bool{}}
	var msgs []string
	for _, f := range j.Findings {
		v.failedChecks[f.Control.ID] = true
		msgs = append(msgs, f.Control.ID+": "+f.Message)
	}
	for level, ids := range h.levels {
		allowed := true
		for id := range v.failedChecks {
			if ids[id] && id != wellFormed {
				allowed = false
			}
		}
		v.levels[level] = allowed
	}
	sort.Strings(msgs)
	return v, msgs
}

// reference judges a pod spec with the upstream evaluator, as the API
// server would run it: after defaulting, each check's newest version on its
// own, and each level as PSA aggregates it.
func (h *harness) reference(meta *metav1.ObjectMeta, spec *corev1.PodSpec) (verdict, []string) {
	spec = defaulted(spec)
	v := verdict{failedChecks: map[string]bool{}, levels: map[api.Level]bool{}}
	var reasons []string
	for _, c := range h.checks {
		r := c.Versions[len(c.Versions)-1].CheckPod(meta, spec)
		if !r.Allowed {
			v.failedChecks[controlFor[c.ID]] = true
			reasons = append(reasons, fmt.Sprintf("%s (%s): %s: %s", controlFor[c.ID], c.ID, r.ForbiddenReason, r.ForbiddenDetail))
		}
	}
	for _, level := range []api.Level{api.LevelBaseline, api.LevelRestricted} {
		lv := h.latest
		lv.Level = level
		v.levels[level] = policy.AggregateCheckResults(h.upstream.EvaluatePod(lv, meta, spec)).Allowed
	}
	sort.Strings(reasons)
	return v, reasons
}

// compare returns a description of every disagreement, or "".
func compare(got, want verdict) string {
	var diffs []string
	for id := range controlSet(got, want) {
		if id == wellFormed {
			if got.failedChecks[id] {
				diffs = append(diffs, id+" flagged a valid object")
			}
			continue
		}
		if got.failedChecks[id] != want.failedChecks[id] {
			diffs = append(diffs, fmt.Sprintf("%s: shipshape flagged=%v, upstream flagged=%v", id, got.failedChecks[id], want.failedChecks[id]))
		}
	}
	for _, level := range []api.Level{api.LevelBaseline, api.LevelRestricted} {
		if got.levels[level] != want.levels[level] {
			diffs = append(diffs, fmt.Sprintf("level %s: shipshape allowed=%v, upstream allowed=%v", level, got.levels[level], want.levels[level]))
		}
	}
	sort.Strings(diffs)
	return strings.Join(diffs, "; ")
}

func controlSet(vs ...verdict) map[string]bool {
	out := map[string]bool{wellFormed: true}
	for _, id := range controlFor {
		out[id] = true
	}
	for _, v := range vs {
		for id := range v.failedChecks {
			out[id] = true
		}
	}
	return out
}

// toObject serialises a typed object and reads it back through shipshape's
// loader, as a scan would.
func toObject(t testing.TB, typed any) (*input.Object, []byte) {
	t.Helper()
	data, err := json.Marshal(typed)
	require.NoError(t, err)
	f := input.ParseBytes("generated.json", data)
	require.Empty(t, f.Errors)
	require.Len(t, f.Objects, 1)
	return f.Objects[0], data
}

// defaulted applies the API server's defaulting that changes a Pod Security
// verdict: a volume with no source becomes an emptyDir (SetDefaults_Volume).
func defaulted(spec *corev1.PodSpec) *corev1.PodSpec {
	out := spec.DeepCopy()
	for i := range out.Volumes {
		if allPointersNil(out.Volumes[i].VolumeSource) {
			out.Volumes[i].EmptyDir = &corev1.EmptyDirVolumeSource{}
		}
	}
	return out
}

func allPointersNil(v any) bool {
	rv := reflect.ValueOf(v)
	for i := range rv.NumField() {
		if f := rv.Field(i); f.Kind() == reflect.Pointer && !f.IsNil() {
			return false
		}
	}
	return true
}
