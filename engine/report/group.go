package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shipshape-dev/shipshape/engine/policy"
)

// maxAffectedNamed bounds how many affected objects a namespace-level
// message names; the rest are counted (all are in Affected).
const maxAffectedNamed = 5

// joinFact folds a finding that states a fact about a namespace (the same
// control, namespace and details.namespace_fact key as another) into one
// finding about the namespace that names the objects it affects. A
// namespace without a default-deny policy is one problem, however many
// workloads run in it. It returns true when res joined an earlier finding;
// otherwise res starts a new one, last in r.facts. The first affected
// object (in input order) gives the finding its file, line and place.
func (b *Builder) joinFact(res Result) bool {
	r := b.r
	ns := res.fact.namespace
	if ns == "" {
		ns = res.Namespace
	}
	k := factKey{res.Control, ns, res.fact.key}
	affected := ObjectRef{File: res.File, Document: res.Document, Item: res.Item, Line: res.Line,
		APIVersion: res.APIVersion, Kind: res.Kind, Namespace: res.Namespace, Name: res.Name}
	if i, ok := b.factIndex[k]; ok {
		r.facts[i].Affected = append(r.facts[i].Affected, affected)
		return true
	}
	b.factIndex[k] = len(r.facts)
	res.Namespace = ns
	res.Affected = []ObjectRef{affected}
	r.facts = append(r.facts, res)
	return false
}

// finishNamespaceFacts makes each grouped fact a finding about its
// namespace.
func (b *Builder) finishNamespaceFacts() {
	for i := range b.r.facts {
		res := &b.r.facts[i]
		ns := res.Namespace
		res.APIVersion, res.Kind, res.Name, res.Field = "v1", "Namespace", ns, ""
		// The fingerprint is the fact's, so a workload added to the
		// namespace does not make the finding new.
		res.Message = res.fact.msg
		res.Fingerprint = Fingerprint(*res)
		res.Message += "; " + affectedList(res.Affected)
	}
}

// affectedList names the objects a namespace-level finding affects.
func affectedList(objs []ObjectRef) string {
	names := make([]string, 0, min(len(objs), maxAffectedNamed))
	for _, o := range objs[:min(len(objs), maxAffectedNamed)] {
		names = append(names, fmt.Sprintf("%s %q", o.Kind, o.Name))
	}
	s := fmt.Sprintf("it affects %d object(s): %s", len(objs), strings.Join(names, ", "))
	if more := len(objs) - len(names); more > 0 {
		s += fmt.Sprintf(" and %d more", more)
	}
	return s
}

// Group is one problem as a reader sees it: the findings of several
// controls on the same field of the same object that serve a common
// requirement (a hostPath volume is reported by SS-POD-003, SS-PSS-005 and
// SS-PSS-101, all for POD-06). Every control keeps its verdict in JSON and
// the compliance report; text, GitHub and SARIF output show a group once,
// under its primary finding. Findings on one field that serve different
// requirements (an image from an untrusted registry, and without a
// signature) are different problems and stay apart.
type Group struct {
	// Primary is the worst finding of the group (highest severity, then
	// lowest control ID); Others are the rest, in the same order.
	Primary Result
	Others  []Result
}

// Controls lists the group's control IDs, the primary's first.
func (g Group) Controls() []string {
	ids := []string{g.Primary.Control}
	for _, o := range g.Others {
		ids = append(ids, o.Control)
	}
	return ids
}

// Also says which other controls report the same problem, for messages:
// "also SS-PSS-005 (high: HostPath volumes are forbidden)"; "" when alone.
func (g Group) Also() string {
	if len(g.Others) == 0 {
		return ""
	}
	parts := make([]string, 0, len(g.Others))
	for _, o := range g.Others {
		parts = append(parts, fmt.Sprintf("%s (%s: %s)", o.Control, o.Severity, o.Title))
	}
	return "also " + strings.Join(parts, "; ")
}

// joins reports whether res is the same problem as the group: another
// control, with a requirement in common.
func (g Group) joins(res Result) bool {
	for _, r := range append([]Result{g.Primary}, g.Others...) {
		if r.Control == res.Control {
			return false
		}
	}
	for _, r := range append([]Result{g.Primary}, g.Others...) {
		for _, req := range r.Requirements {
			if slices.Contains(res.Requirements, req) {
				return true
			}
		}
	}
	return false
}

// GroupResults groups results that share an object, a field path and a
// requirement, keeping the order in which each group first appears.
// Results without a field path stay alone: nothing says they are the same
// problem.
func GroupResults(results []Result) []Group {
	var groups []Group
	index := map[string][]int{} // object and field → groups
	for _, res := range results {
		if res.Field == "" {
			groups = append(groups, Group{Primary: res})
			continue
		}
		k := fmt.Sprint(res.File, "\x00", res.Document, "\x00", itemOf(res), res.ItemPath, "\x00",
			res.APIVersion, "\x00", res.Kind, "\x00", res.Namespace, "\x00", res.Name, "\x00", res.Baseline)
		joined := false
		for _, i := range index[k] {
			if groups[i].Primary.Field == res.Field && groups[i].joins(res) {
				groups[i].Others = append(groups[i].Others, res)
				joined = true
				break
			}
		}
		if !joined {
			index[k] = append(index[k], len(groups))
			groups = append(groups, Group{Primary: res})
		}
	}
	for i := range groups {
		g := &groups[i]
		if len(g.Others) == 0 {
			continue
		}
		all := append([]Result{g.Primary}, g.Others...)
		slices.SortStableFunc(all, func(a, b Result) int {
			if d := policy.Severity(b.Severity).Rank() - policy.Severity(a.Severity).Rank(); d != 0 {
				return d
			}
			return strings.Compare(a.Control, b.Control)
		})
		g.Primary, g.Others = all[0], all[1:]
	}
	return groups
}

func itemOf(res Result) int {
	if res.Item == nil {
		return -1
	}
	return *res.Item
}
