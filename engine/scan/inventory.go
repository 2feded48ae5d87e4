package scan

import (
	"context"
	"sync"

	"github.com/shipshape-dev/shipshape/engine/eval"
	"github.com/shipshape-dev/shipshape/engine/input"
	"github.com/shipshape-dev/shipshape/engine/internal/parallel"
	"github.com/shipshape-dev/shipshape/engine/policy"
)

// inventoryPass collects a referential scan's inventory as its first pass
// reads the files. A control reads the inventory only when it judges an
// object, so an object is kept only when a control that judges a kind the
// scan holds reads its type: a scan of Pods alone holds none of the
// workloads that a Service's selector is matched against. Files are read
// in parallel, so a type may turn out to be read only after some of its
// objects went by (the Service comes after the Deployments it selects):
// the files that held them are read again at the end, those alone.
type inventoryPass struct {
	bindings []eval.Binding
	// all are the types any binding reads: the others are never kept.
	all eval.InventoryTypes

	mu sync.Mutex
	// judged are the kinds of the scan's objects so far, and read the
	// types the controls that judge them read.
	judged map[policy.Kind]bool
	read   eval.InventoryTypes
	// perFile are the objects kept from each file; passed the types of
	// the objects each file held that were not read when it went by.
	perFile [][]*input.Object
	passed  []map[policy.Kind]bool
}

func newInventoryPass(bindings []eval.Binding, files int) *inventoryPass {
	return &inventoryPass{
		bindings: bindings,
		all:      eval.TypesRead(bindings),
		judged:   map[policy.Kind]bool{},
		read:     eval.InventoryTypes{},
		perFile:  make([][]*input.Object, files),
		passed:   make([]map[policy.Kind]bool, files),
	}
}

// add takes file i's objects; judged is false for context files, which
// only the inventory sees.
func (p *inventoryPass) add(i int, objects []*input.Object, judged bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if judged {
		for _, o := range objects {
			p.judgesLocked(eval.KindOf(o))
		}
	}
	for _, o := range objects {
		switch k := eval.KindOf(o); {
		case p.read[k]:
			p.perFile[i] = append(p.perFile[i], o)
		case p.all[k]:
			if p.passed[i] == nil {
				p.passed[i] = map[policy.Kind]bool{}
			}
			p.passed[i][k] = true
		}
	}
}

// judges records that the scan judges objects of kind k (the synthetic
// Cluster object, say).
func (p *inventoryPass) judges(k policy.Kind) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.judgesLocked(k)
}

func (p *inventoryPass) judgesLocked(k policy.Kind) {
	if p.judged[k] {
		return
	}
	p.judged[k] = true
	p.read = eval.TypesReadJudging(p.bindings, p.judged)
}

// inventory returns the kept objects in file order (later objects replace
// earlier ones, as a later apply would), after reading again, with
// readFile, the files that held objects of types found to be read late.
func (p *inventoryPass) inventory(ctx context.Context, workers int, readFile func(i int) []*input.Object) ([]*input.Object, error) {
	var again []int
	for i, kinds := range p.passed {
		for k := range kinds {
			if p.read[k] {
				again = append(again, i)
				break
			}
		}
	}
	err := parallel.ForEach(ctx, len(again), workers, func(j int) {
		p.perFile[again[j]] = p.read.Keep(readFile(again[j]))
	})
	if err != nil {
		return nil, err
	}
	var kept []*input.Object
	for _, objs := range p.perFile {
		kept = append(kept, objs...)
	}
	return kept, nil
}
