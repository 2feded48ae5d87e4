// Package gatekeeper proves that the Gatekeeper export decides what the
// offline engine decides: every case of every admission control runs
// through Gatekeeper's own engine (the constraint framework client with
// Gatekeeper's Kubernetes target, the code path gator uses) on the
// exported template and constraint, in both template forms.
package gatekeeper

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"maps"
	"slices"
	"testing"

	templatesv1 "github.com/open-policy-agent/frameworks/constraint/pkg/apis/templates/v1"
	constraintclient "github.com/open-policy-agent/frameworks/constraint/pkg/client"
	"github.com/open-policy-agent/frameworks/constraint/pkg/client/drivers/rego"
	"github.com/open-policy-agent/frameworks/constraint/pkg/client/reviews"
	"github.com/open-policy-agent/frameworks/constraint/pkg/core/templates"
	"github.com/open-policy-agent/gatekeeper/v3/pkg/cachemanager/parser"
	"github.com/open-policy-agent/gatekeeper/v3/pkg/target"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/shipshape-dev/shipshape/bundles"
	"github.com/shipshape-dev/shipshape/engine/eval"
	"github.com/shipshape-dev/shipshape/engine/export"
	"github.com/shipshape-dev/shipshape/engine/input"
	"github.com/shipshape-dev/shipshape/engine/ireval"
	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/engine/profile"
	"github.com/shipshape-dev/shipshape/library"
)

// enforcementPoint is the one gator reviews under.
const enforcementPoint = "gator.gatekeeper.sh"

func loadLibrary(t testing.TB) *policy.Library {
	t.Helper()
	lib, err := library.Load(context.Background())
	require.NoError(t, err)
	return lib
}

// planLibrary plans the library for the planned evaluator, which the
// parity tests hold to OPA's verdicts as well as Gatekeeper's.
func planLibrary(t testing.TB, lib *policy.Library) *ireval.Program {
	t.Helper()
	prog, err := eval.CompileLibrary(context.Background(), lib)
	require.NoError(t, err)
	return prog
}

// decodeStrict reads YAML into v, failing on any field v does not have, so
// an exported field Gatekeeper would ignore is caught.
func decodeStrict(t testing.TB, data []byte, v any) {
	t.Helper()
	j, err := yaml.YAMLToJSON(data)
	require.NoError(t, err)
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(v), "exported YAML does not match Gatekeeper's types:\n%s", data)
}

func templateFor(t testing.TB, lib *policy.Library, c *policy.Control, legacy bool) *templates.ConstraintTemplate {
	t.Helper()
	data, err := export.Template(lib, c, export.Options{Version: "0.0.0-test", LegacyRego: legacy})
	require.NoError(t, err)
	var v1 templatesv1.ConstraintTemplate
	decodeStrict(t, data, &v1)
	tmpl, err := v1.ToVersionless()
	require.NoError(t, err)
	return tmpl
}

func constraintFor(t testing.TB, b eval.Binding) *unstructured.Unstructured {
	t.Helper()
	data, err := export.Constraint(b, "deny")
	require.NoError(t, err)
	u := &unstructured.Unstructured{}
	j, err := yaml.YAMLToJSON(data)
	require.NoError(t, err)
	require.NoError(t, u.UnmarshalJSON(j))
	return u
}

func newClient(t testing.TB) *constraintclient.Client {
	t.Helper()
	driver, err := rego.New()
	require.NoError(t, err)
	c, err := constraintclient.NewClient(
		constraintclient.Targets(&target.K8sValidationTarget{}),
		constraintclient.Driver(driver),
		constraintclient.EnforcementPoints(enforcementPoint),
	)
	require.NoError(t, err)
	return c
}

func unstructuredOf(m map[string]any) *unstructured.Unstructured {
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(b); err != nil {
		panic(err)
	}
	return u
}

// gatekeeperVerdict reviews obj the way admission does (operation CREATE)
// with the inventory Gatekeeper would have synced.
func gatekeeperVerdict(ctx context.Context, t testing.TB, client *constraintclient.Client, ac export.AdmissionCase) []string {
	t.Helper()
	var added []*unstructured.Unstructured
	for _, inv := range ac.Inventory {
		u := unstructuredOf(inv)
		_, err := client.AddData(ctx, u)
		require.NoError(t, err)
		added = append(added, u)
	}
	defer func() {
		for _, u := range added {
			_, err := client.RemoveData(ctx, u)
			require.NoError(t, err)
		}
	}()
	var review any = target.AugmentedUnstructured{Object: *unstructuredOf(ac.Object), Operation: admissionv1.Create}
	if ac.OldObject != nil {
		// An update: the request Gatekeeper's webhook receives.
		u := unstructuredOf(ac.Object)
		object, err := json.Marshal(ac.Object)
		require.NoError(t, err)
		old, err := json.Marshal(ac.OldObject)
		require.NoError(t, err)
		gvk := u.GroupVersionKind()
		review = target.AugmentedReview{AdmissionRequest: &admissionv1.AdmissionRequest{
			UID:       "parity",
			Kind:      metav1.GroupVersionKind{Group: gvk.Group, Version: gvk.Version, Kind: gvk.Kind},
			Name:      u.GetName(),
			Namespace: u.GetNamespace(),
			Operation: admissionv1.Update,
			Object:    runtime.RawExtension{Raw: object},
			OldObject: runtime.RawExtension{Raw: old},
		}}
	}
	resp, err := client.Review(ctx, review, reviews.EnforcementPoint(enforcementPoint))
	require.NoError(t, err)
	var msgs []string
	for _, r := range resp.Results() {
		msgs = append(msgs, r.Msg)
	}
	slices.Sort(msgs)
	return msgs
}

func TestEveryCaseGivesTheSameVerdictInGatekeeper(t *testing.T) {
	lib := loadLibrary(t)
	ctx := context.Background()
	prog := planLibrary(t, lib)
	compared := 0
	for _, c := range lib.Controls() {
		if !c.Admission {
			continue
		}
		cases, err := export.AdmissionCases(ctx, lib, c)
		require.NoError(t, err)
		compared += len(cases)
		for _, legacy := range []bool{false, true} {
			name := c.ID + "/code-v1"
			if legacy {
				name = c.ID + "/legacy-rego"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				tmpl := templateFor(t, lib, c, legacy)
				client := newClient(t)
				_, err := client.AddTemplate(ctx, tmpl)
				require.NoError(t, err, "Gatekeeper rejects the exported template")
				var current string
				denied := 0
				for _, ac := range cases {
					key, _ := json.Marshal(ac.Parameters)
					if string(key) != current {
						// One constraint at a time: a new parameter set
						// replaces the previous constraint.
						_, err := client.AddConstraint(ctx, constraintFor(t, eval.Binding{Control: c, Parameters: ac.Parameters}))
						require.NoError(t, err, "Gatekeeper rejects the constraint for parameters %s", key)
						current = string(key)
					}
					want, err := ac.Offline(ctx, lib, c)
					require.NoError(t, err)
					planned, err := ac.Offline(ctx, lib, c, eval.WithProgram(prog))
					require.NoError(t, err)
					got := gatekeeperVerdict(ctx, t, client, ac)
					assert.Equal(t, want, got, "case %q: Gatekeeper and shipshape scan disagree", ac.Name)
					assert.Equal(t, want, planned, "case %q: the planned evaluator and OPA's disagree", ac.Name)
					if !ac.Expect.Allow {
						denied++
						assert.NotEmpty(t, got, "case %q expects violations; Gatekeeper found none", ac.Name)
					}
				}
				assert.Positive(t, denied, "every control has denied cases")
			})
		}
	}
	t.Logf("compared %d case objects across both template forms", compared)
}

func TestSyncAnnotationIsWhatGatekeeperReads(t *testing.T) {
	lib := loadLibrary(t)
	referential := 0
	for _, c := range lib.Controls() {
		if !c.Admission {
			continue
		}
		tmpl := templateFor(t, lib, c, false)
		reqs, err := parser.ReadSyncRequirements(tmpl)
		require.NoError(t, err, c.ID)
		var got []string
		for _, set := range reqs {
			for gvk := range set {
				got = append(got, fmt.Sprintf("%s/%s/%s", gvk.Group, gvk.Version, gvk.Kind))
			}
		}
		var want []string
		for _, s := range c.Sync {
			want = append(want, fmt.Sprintf("%s/%s/%s", s.Group, s.Version, s.Kind))
		}
		assert.ElementsMatch(t, want, got, c.ID)
		if len(want) > 0 {
			referential++
		}
	}
	assert.Positive(t, referential, "the library has referential admission controls")
}

// TestProfileConstraintsExcludeWhatScanExcludes exports the `all` profile
// with system namespaces given as Gatekeeper patterns, and moves a denied
// object of every admission control into namespaces the patterns do and do
// not cover: Gatekeeper's match and the offline engine must agree.
func TestProfileConstraintsExcludeWhatScanExcludes(t *testing.T) {
	lib := loadLibrary(t)
	ctx := context.Background()
	prog := planLibrary(t, lib)
	schemas, err := profile.NewSchemas()
	require.NoError(t, err)
	profiles, err := schemas.LoadProfiles(bundles.FS, "bundles")
	require.NoError(t, err)
	cfg, err := schemas.ParseConfig("config.yaml", []byte("settings:\n  systemNamespaces: [kube-system, '*-system', 'tenant-*']\n"))
	require.NoError(t, err)
	sel, err := schemas.Select(lib, profiles["all"], cfg)
	require.NoError(t, err)

	checked := 0
	for _, b := range sel.Bindings {
		c := b.Control
		if !c.Admission {
			continue
		}
		cases, err := export.AdmissionCases(ctx, lib, c)
		require.NoError(t, err)
		var denied *export.AdmissionCase
		for i := range cases {
			if !cases[i].Expect.Allow && len(cases[i].Inventory) == 0 {
				denied = &cases[i]
				break
			}
		}
		if denied == nil || input.ClusterScoped(denied.Source.Group(), denied.Source.Kind()) && denied.Source.Kind() != "Namespace" {
			continue
		}
		// The case's own parameters over the profile's: a control whose
		// denied cases need a setting (a target Kubernetes release) is
		// still checked with the profile's namespaces.
		b.Parameters = maps.Clone(b.Parameters)
		maps.Copy(b.Parameters, denied.Parameters)
		t.Run(c.ID, func(t *testing.T) {
			client := newClient(t)
			_, err := client.AddTemplate(ctx, templateFor(t, lib, c, false))
			require.NoError(t, err)
			data, err := export.Constraint(b, "deny")
			require.NoError(t, err)
			u := &unstructured.Unstructured{}
			j, err := yaml.YAMLToJSON(data)
			require.NoError(t, err)
			require.NoError(t, u.UnmarshalJSON(j))
			_, err = client.AddConstraint(ctx, u)
			require.NoError(t, err)
			ev, err := eval.New(lib, []eval.Binding{b})
			require.NoError(t, err)
			planned, err := eval.New(lib, []eval.Binding{b}, eval.WithProgram(prog))
			require.NoError(t, err)
			for _, ns := range []string{"kube-system", "istio-system", "tenant-a", "team-a", "systemic"} {
				ac := *denied
				ac.Object = moveTo(ac.Object, ns)
				obj := input.NewObject(input.Source{File: "moved"}, ac.Object)
				ac.Parameters = b.Parameters
				judge := func(e *eval.Evaluator) eval.Judgement { return e.Judge(ctx, obj) }
				if ac.OldObject != nil {
					ac.OldObject = moveTo(ac.OldObject, ns)
					old := input.NewObject(input.Source{File: "moved"}, ac.OldObject)
					judge = func(e *eval.Evaluator) eval.Judgement { return e.JudgeUpdate(ctx, obj, old) }
				}
				j := judge(ev)
				require.Empty(t, j.Errors)
				var want []string
				for _, f := range j.Findings {
					want = append(want, f.Message)
				}
				slices.Sort(want)
				var plannedWant []string
				for _, f := range judge(planned).Findings {
					plannedWant = append(plannedWant, f.Message)
				}
				slices.Sort(plannedWant)
				assert.Equal(t, want, plannedWant, "%s in %s: the planned evaluator and OPA's disagree", ac.Name, ns)
				got := gatekeeperVerdict(ctx, t, client, ac)
				assert.Equal(t, want, got, "%s in %s", ac.Name, ns)
				if ns == "team-a" && len(b.ExcludedNamespaces) > 0 {
					assert.NotEmpty(t, got, "team-a is not excluded")
				}
			}
		})
		checked++
	}
	assert.Greater(t, checked, 40)
}

// moveTo returns a copy of obj in namespace ns (a Namespace is renamed).
func moveTo(obj map[string]any, ns string) map[string]any {
	b, _ := json.Marshal(obj)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	meta, _ := out["metadata"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
		out["metadata"] = meta
	}
	if out["kind"] == "Namespace" {
		meta["name"] = ns
	} else {
		meta["namespace"] = ns
	}
	return out
}
