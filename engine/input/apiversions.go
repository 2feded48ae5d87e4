package input

import "sort"

// legacyGroups maps an API group that Kubernetes no longer serves for a kind
// to the group that serves it now, kind by kind. The shapes are the same for
// what the library judges (a Deployment's pod template, a NetworkPolicy's
// rules), so an object written against the old group is judged as the API
// server that last accepted it would have stored it: as the current kind.
// library/lib/k8s.rego holds the same table for the Rego side; a test keeps
// the two equal.
var legacyGroups = map[string]map[string]string{
	"extensions": {
		"DaemonSet":         "apps",
		"Deployment":        "apps",
		"ReplicaSet":        "apps",
		"NetworkPolicy":     "networking.k8s.io",
		"Ingress":           "networking.k8s.io",
		"PodSecurityPolicy": "policy",
	},
}

// CurrentGroup returns the group that serves kind today when group is a
// legacy group of it (extensions for Deployment: apps), else group.
func CurrentGroup(group, kind string) string {
	if current, ok := legacyGroups[group][kind]; ok {
		return current
	}
	return group
}

// LegacyGroups returns the legacy groups of kind in group: the groups whose
// objects of that kind are judged as if they were in group.
func LegacyGroups(group, kind string) []string {
	var out []string
	for legacy, kinds := range legacyGroups {
		if current, ok := kinds[kind]; ok && current == group {
			out = append(out, legacy)
		}
	}
	sort.Strings(out)
	return out
}

// LegacyGroupTable returns a copy of the legacy group table: legacy group →
// kind → current group.
func LegacyGroupTable() map[string]map[string]string {
	out := make(map[string]map[string]string, len(legacyGroups))
	for g, kinds := range legacyGroups {
		out[g] = make(map[string]string, len(kinds))
		for k, v := range kinds {
			out[g][k] = v
		}
	}
	return out
}
