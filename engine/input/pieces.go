package input

import (
	"fmt"
	"strings"

	"github.com/shipshape-dev/shipshape/engine/azure"
)

// PoolTarget returns the name of the cluster an agent pool read apart
// from it belongs to (lower-cased, as Azure compares names), and whether
// the object is such a pool: one whose cluster its own file did not hold.
func PoolTarget(o *Object) (string, bool) {
	if o.Group() != azure.Group || o.Kind() != azure.KindAgentPool {
		return "", false
	}
	spec, _ := o.Value["spec"].(map[string]any)
	target, _ := spec["target"].(string)
	_, name, ok := strings.Cut(target, "/managedclusters/")
	if !ok || name == "" {
		return "", false
	}
	return strings.ToLower(name), true
}

// ClusterName returns the lower-cased name of an AKS cluster object, and
// whether the object is one.
func ClusterName(o *Object) (string, bool) {
	if o.Group() != azure.Group || o.Kind() != azure.KindManagedCluster || o.Name() == "" {
		return "", false
	}
	return strings.ToLower(o.Name()), true
}

// AttachPool adds an agent pool read from another file to its cluster's
// agentPoolProfiles, so the controls judge it with the cluster as they
// judge a pool its cluster's own template declares; its unevaluated values
// join the cluster's, and its fields keep the pool file's lines.
func AttachPool(cluster, pool *Object) error {
	spec, _ := cluster.Value["spec"].(map[string]any)
	poolSpec, _ := pool.Value["spec"].(map[string]any)
	if spec == nil || poolSpec == nil {
		return fmt.Errorf("%s: agent pool %q cannot join cluster %q: one has no spec", pool.File, pool.Name(), cluster.Name())
	}
	profile := make(map[string]any, len(poolSpec))
	for k, v := range poolSpec {
		if k != "target" && k != "unresolved" {
			profile[k] = v
		}
	}
	list, _ := spec["agentpoolprofiles"].([]any)
	at := []any{"spec", "agentpoolprofiles", len(list)}
	spec["agentpoolprofiles"] = append(list, profile)
	pending, _ := poolSpec["unresolved"].([]any)
	for _, e := range pending {
		entry, ok := e.(map[string]any)
		if !ok {
			continue
		}
		moved := make(map[string]any, len(entry))
		for k, v := range entry {
			moved[k] = v
		}
		rel, _ := entry["path"].([]any)
		moved["path"] = append(append([]any{}, at...), rel[min(1, len(rel)):]...)
		existing, _ := spec["unresolved"].([]any)
		spec["unresolved"] = append(existing, moved)
	}
	own := *cluster // its locations before this pool joined
	cluster.place = func(path []any) Location {
		if len(path) < len(at) || path[0] != at[0] || path[1] != at[1] {
			return own.Locate(path)
		}
		if i, ok := pathIndex(path[2]); !ok || i != at[2] {
			return own.Locate(path)
		}
		loc := pool.Locate(append([]any{"spec"}, path[len(at):]...))
		if loc.File == "" {
			loc.File = pool.File
		}
		return loc
	}
	return nil
}
