package pss

import (
	"encoding/binary"
	"hash/fnv"
	"testing"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/pod-security-admission/api"
)

// boundaryPods is how many random pods the differential test judges.
const boundaryPods = 10_000

// TestDifferentialBoundaryPods judges seeded random boundary pods, each
// wrapped in a random pod-bearing kind, with shipshape and with upstream,
// and requires the same verdict per check and per level.
func TestDifferentialBoundaryPods(t *testing.T) {
	h := newHarness(t)
	g := newGen(20261122)
	counts := map[api.Level]int{}
	flagged := map[string]int{}
	for i := range boundaryPods {
		pod := g.pod()
		kind, obj := g.wrap(pod)
		got, want, msgs, reasons, data := judgeBoth(t, h, pod, obj)
		if diff := compare(got, want); diff != "" {
			t.Fatalf("pod %d (%s) disagrees: %s\nobject: %s\nshipshape: %q\nupstream: %q", i, kind, diff, data, msgs, reasons)
		}
		for level, allowed := range want.levels {
			if allowed {
				counts[level]++
			}
		}
		for id := range want.failedChecks {
			flagged[id]++
		}
	}
	// The generator must exercise both verdicts of every check and level.
	for _, id := range controlFor {
		require.Greater(t, flagged[id], 20, "check %s was rarely violated; widen the generator", id)
		require.Less(t, flagged[id], boundaryPods-20, "check %s was rarely satisfied", id)
	}
	for _, level := range []api.Level{api.LevelBaseline, api.LevelRestricted} {
		require.Greater(t, counts[level], boundaryPods/20, "too few pods allowed at %s", level)
		require.Less(t, counts[level], boundaryPods-boundaryPods/20, "too few pods denied at %s", level)
	}
	t.Logf("%d pods: %d allowed at baseline, %d at restricted", boundaryPods, counts[api.LevelBaseline], counts[api.LevelRestricted])
}

func judgeBoth(t testing.TB, h *harness, pod *corev1.Pod, wrapped any) (got, want verdict, msgs, reasons []string, data []byte) {
	obj, data := toObject(t, wrapped)
	got, msgs = h.shipshape(t, obj)
	want, reasons = h.reference(&pod.ObjectMeta, &pod.Spec)
	return got, want, msgs, reasons, data
}

// FuzzPSSParity checks the same property on pods generated from fuzzer
// input: any byte string seeds the generator.
func FuzzPSSParity(f *testing.F) {
	for _, seed := range []string{"", "privileged", "windows", "hostUsers", "\x00\x01\x02\x03", "restricted-volumes"} {
		f.Add([]byte(seed))
	}
	h := newHarness(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		hash := fnv.New64a()
		hash.Write(data)
		seed := hash.Sum64()
		if len(data) >= 8 {
			seed ^= binary.LittleEndian.Uint64(data)
		}
		g := newGen(seed)
		pod := g.pod()
		_, obj := g.wrap(pod)
		got, want, msgs, reasons, raw := judgeBoth(t, h, pod, obj)
		if diff := compare(got, want); diff != "" {
			t.Fatalf("disagreement: %s\nobject: %s\nshipshape: %q\nupstream: %q", diff, raw, msgs, reasons)
		}
	})
}
