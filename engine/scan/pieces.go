package scan

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/shipshape-dev/shipshape/engine/azure"
	"github.com/shipshape-dev/shipshape/engine/eval"
	"github.com/shipshape-dev/shipshape/engine/input"
)

// poolJoins joins agent pools read apart from their cluster (az aks
// nodepool list output, a template of pools alone) to the cluster of that
// name that another file of the scan holds, so that they are judged with
// it as a pool its cluster's own template declares is. The first pass
// notes where the clusters and the separate pools are; the second pass,
// which reads each file again to judge it, attaches each pool to its
// cluster and drops it from its own file.
type poolJoins struct {
	mu       sync.Mutex
	clusters map[string][]at // cluster name → where objects of it are
	pools    []pool

	// Set by plan.
	into  map[int][]pool // file → the pools that join its clusters
	moved map[at]bool    // pools that joined a cluster
	why   map[at]string  // pools that did not, and why (several clusters)
}

// at is an object's place in the scan: its file and its index there.
type at struct{ file, index int }

type pool struct {
	at
	object  *input.Object
	cluster string
}

// judgesClusters reports whether a control of the bindings judges AKS
// clusters, which is when separate pools must be joined to theirs.
func judgesClusters(bindings []eval.Binding) bool {
	return slices.ContainsFunc(bindings, func(b eval.Binding) bool {
		return b.Control.Matches(azure.Group, azure.KindManagedCluster)
	})
}

func newPoolJoins() *poolJoins { return &poolJoins{clusters: map[string][]at{}} }

// add notes the clusters and separate pools of file i.
func (p *poolJoins) add(i int, objects []*input.Object) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for j, o := range objects {
		if name, ok := input.ClusterName(o); ok {
			p.clusters[name] = append(p.clusters[name], at{i, j})
		}
		if name, ok := input.PoolTarget(o); ok {
			p.pools = append(p.pools, pool{at{i, j}, o, name})
		}
	}
}

// plan decides, once every file was read, which pools join which
// cluster: the one cluster of the name a pool's target gives. Of several
// clusters of that name in different files, none is chosen.
func (p *poolJoins) plan(files []string) {
	p.into, p.moved, p.why = map[int][]pool{}, map[at]bool{}, map[at]string{}
	// Files are read in parallel: in file order, pools join the same way
	// every run.
	sort.Slice(p.pools, func(i, j int) bool {
		a, b := p.pools[i].at, p.pools[j].at
		return a.file < b.file || a.file == b.file && a.index < b.index
	})
	for _, holders := range p.clusters {
		sort.Slice(holders, func(i, j int) bool {
			return holders[i].file < holders[j].file || holders[i].file == holders[j].file && holders[i].index < holders[j].index
		})
	}
	for _, pl := range p.pools {
		holders := p.clusters[pl.cluster]
		switch len(holders) {
		case 0:
			continue // the reader's reason stands: the scan does not hold it
		case 1:
			p.into[holders[0].file] = append(p.into[holders[0].file], pl)
			p.moved[pl.at] = true
		default:
			var where []string
			for _, h := range holders {
				where = append(where, files[h.file])
			}
			sort.Strings(where)
			where = slices.Compact(where)
			p.why[pl.at] = fmt.Sprintf("an agent pool of cluster %q, a name %d clusters of the scan have (%s): node pool settings are judged with their cluster, so scan the pool with the one it belongs to", pl.cluster, len(holders), strings.Join(where, ", "))
		}
	}
}

// apply joins the planned pools to the clusters of file i, which the
// second pass has just read, and drops the pools of file i that joined a
// cluster (their own or another file's).
func (p *poolJoins) apply(i int, f *input.File) error {
	if p == nil || (len(p.into[i]) == 0 && !p.movesFrom(i) && !p.explains(i)) {
		return nil
	}
	for _, pl := range p.into[i] {
		for _, h := range p.clusters[pl.cluster] {
			if h.file != i || h.index >= len(f.Objects) {
				continue
			}
			if err := input.AttachPool(f.Objects[h.index], pl.object); err != nil {
				return err
			}
		}
	}
	kept := f.Objects[:0:0]
	for j, o := range f.Objects {
		switch {
		case p.moved[at{i, j}]:
			continue
		case p.why[at{i, j}] != "":
			o.Value[azure.NotJudgedKey] = p.why[at{i, j}]
		}
		kept = append(kept, o)
	}
	f.Objects = kept
	return nil
}

func (p *poolJoins) movesFrom(i int) bool {
	for a := range p.moved {
		if a.file == i {
			return true
		}
	}
	return false
}

func (p *poolJoins) explains(i int) bool {
	for a := range p.why {
		if a.file == i {
			return true
		}
	}
	return false
}
