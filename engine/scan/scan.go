// Package scan runs a whole scan: it discovers the inputs, reads and judges
// them in parallel, and assembles the report in a deterministic order. When
// no selected control reads data.inventory, each file is judged as soon as
// it is read and its objects are released, so memory stays flat in the
// number of files; otherwise every object is read first to build the
// inventory.
package scan

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shipshape-dev/shipshape/engine/eval"
	"github.com/shipshape-dev/shipshape/engine/evidence"
	"github.com/shipshape-dev/shipshape/engine/exceptions"
	"github.com/shipshape-dev/shipshape/engine/input"
	"github.com/shipshape-dev/shipshape/engine/internal/parallel"
	"github.com/shipshape-dev/shipshape/engine/ireval"
	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/engine/render"
	"github.com/shipshape-dev/shipshape/engine/report"
)

// Options says what to scan and how.
type Options struct {
	// Paths are files, directories or "-" for standard input. Their order
	// does not matter: the files found are judged and reported in path
	// order, each once (see inPathOrder).
	Paths []string
	// Stdin replaces os.Stdin for "-".
	Stdin io.Reader
	// Workers bounds parallelism (GOMAXPROCS when zero).
	Workers int
	// Limits bound each file (defaults for zero fields).
	Limits input.Limits
	// MaxObjects bounds the objects of the whole scan (DefaultMaxObjects
	// when zero); past it, the scan stops with an error naming the file
	// that crossed it.
	MaxObjects int
	// Profile names the profile in the report.
	Profile string
	// ClusterChecks says when cluster-level controls (kind
	// shipshape.dev/Cluster: a runtime agent, alert rules, backups, GitOps)
	// run: ClusterAlways for a scan whose input is a whole cluster (scope
	// cluster), ClusterNever (or "") for manifests (scope manifests, the
	// default), ClusterAuto (deprecated) when the scan holds a
	// cluster-scoped object. When they do not run, the report says so.
	ClusterChecks ClusterMode
	// Evidence are files and directories of supply-chain evidence (image
	// scans, SBOMs, signature verifications). Referential controls find it
	// in data.inventory; it is not judged itself, and a file that cannot be
	// read is an input error.
	Evidence []string

	evidence []*input.Object // loaded from Evidence
	images   *imageSet       // the scanned workloads' images, when there is evidence

	// Context are paths whose objects join the inventory of referential
	// controls, as Gatekeeper's synced data holds the cluster's objects,
	// without being judged: the rest of a repository when a scan judges
	// its changed files. A context file that cannot be read is listed as
	// ignored, with why.
	Context      []string
	contextFiles []string   // discovered from Context, less the judged files
	pools        *poolJoins // separate agent pools to join their clusters

	// Exceptions set aside the findings they cover (nil: none); Now is the
	// date they are judged at (time.Now when zero).
	Exceptions *exceptions.Set
	Now        time.Time
	// AllowEmpty accepts a scan that finds no object to judge; otherwise
	// that is an input error, so a failed producer (an empty pipe from
	// kustomize) never passes a gate.
	AllowEmpty bool
	// Helm tunes how charts among the paths are rendered.
	Helm render.HelmOptions
	// SpillResults is how many results the report keeps in memory before
	// it moves them to a temporary file (report.DefaultSpillAt when zero,
	// never when negative).
	SpillResults int
	// Program, when set, evaluates the controls with the library's plan
	// (eval.WithProgram); controls it lacks make the scan use OPA's
	// evaluator.
	Program *ireval.Program
	// RenderOut, when set, is a directory the manifests rendered from
	// charts and kustomizations are written to.
	RenderOut string
	// TerraformVarFiles are .tfvars files read into every Terraform
	// module read from source, as terraform's -var-file.
	TerraformVarFiles []string
	// Progress, when set, is told how many of the files have been read;
	// it is called from several goroutines.
	Progress func(done, total int)
}

// ClusterMode says when cluster-level controls run.
type ClusterMode string

// Cluster modes.
const (
	ClusterAuto   ClusterMode = "auto"
	ClusterAlways ClusterMode = "always"
	ClusterNever  ClusterMode = "never"
)

// Scopes: what the scanned input stands for. A scan of manifests (a chart,
// an app's folder, a pull request) judges each object; a scan of a whole
// cluster (an export, a GitOps repository's root) also judges what the
// cluster as a whole must have.
const (
	ScopeManifests = "manifests"
	ScopeCluster   = "cluster"
)

// ModeOfScope returns the cluster mode of a scope ("" is manifests).
func ModeOfScope(scope string) (ClusterMode, error) {
	switch scope {
	case ScopeManifests, "":
		return ClusterNever, nil
	case ScopeCluster:
		return ClusterAlways, nil
	}
	return "", fmt.Errorf("scope %q: want %s or %s", scope, ScopeManifests, ScopeCluster)
}

// ClusterGroup and ClusterKind name the synthetic object that cluster-level
// controls judge; they read data.inventory as a whole.
const (
	ClusterGroup = "shipshape.dev"
	ClusterKind  = "Cluster"
)

func (o Options) workers() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// Run scans opts.Paths with the given bindings. Input problems do not stop
// the scan: they are recorded in the report (and make its exit code 2).
func Run(ctx context.Context, lib *policy.Library, bindings []eval.Binding, opts Options) (*report.Report, error) {
	controls := make([]*policy.Control, len(bindings))
	for i, b := range bindings {
		controls[i] = b.Control
	}
	builder := report.NewBuilder(controls, opts.Profile)
	switch {
	case opts.SpillResults > 0:
		builder.SpillAt(opts.SpillResults)
	case opts.SpillResults < 0:
		builder.SpillAt(0)
	}
	if opts.Exceptions != nil {
		now := opts.Now
		if now.IsZero() {
			now = time.Now()
		}
		builder.WithExceptions(opts.Exceptions, now)
	}

	var files []string
	for _, p := range opts.Paths {
		if hint := input.SourceFormatHint(p); hint != "" {
			// Named on its own, a source shipshape does not read is an
			// input error; found in a folder, it is listed as not read.
			builder.AddError(&input.Error{File: p, Document: -1, Err: errors.New(hint)})
			continue
		}
		// An entry that cannot be read is an input error; what is
		// beside it is still judged.
		found, errs := input.Discover(ctx, []string{p})
		if err := ctx.Err(); err != nil {
			builder.Discard()
			return nil, err
		}
		for _, err := range errs {
			builder.AddError(err)
		}
		if len(found) == 0 && len(errs) > 0 {
			continue
		}
		if len(found) == 0 {
			// A gate that scans nothing must not pass quietly.
			msg := "no .yaml, .yml, .json, Dockerfile or kubelet unit files found"
			if hint := dirHint(p); hint != "" {
				msg += "; " + hint
			}
			builder.AddError(&input.Error{File: p, Document: -1, Err: errors.New(msg)})
			continue
		}
		files = append(files, found...)
	}
	files = inPathOrder(files)
	builder.SetClusterFile(clusterFile(files))
	if len(opts.Context) > 0 {
		found, errs := input.Discover(ctx, opts.Context)
		if err := ctx.Err(); err != nil {
			builder.Discard()
			return nil, err
		}
		for _, err := range errs {
			builder.AddError(err)
		}
		judged := map[string]bool{}
		for _, f := range files {
			judged[filepath.Clean(f)] = true
		}
		for _, f := range inPathOrder(found) {
			if !judged[filepath.Clean(f)] {
				opts.contextFiles = append(opts.contextFiles, f)
			}
		}
	}
	for _, err := range helmOptionErrors(opts.Helm, files) {
		builder.AddError(err)
	}
	readOpts := input.Options{Stdin: opts.Stdin, Limits: opts.Limits, Workers: opts.workers(), Helm: opts.Helm, RenderOut: opts.RenderOut, TerraformVarFiles: opts.TerraformVarFiles}
	if opts.Progress != nil {
		var done atomic.Int64
		total := len(files)
		readOpts.FileRead = func() { opts.Progress(int(done.Add(1)), total) }
	}
	if len(opts.Evidence) > 0 {
		objs, ignored, errs := evidence.Load(opts.Evidence)
		for _, err := range errs {
			builder.AddError(err)
		}
		builder.AddIgnored(ignored)
		opts.evidence = objs
		opts.images = &imageSet{}
	}

	sink := &partSink{builder: builder, pending: map[int]*report.Part{}}
	var err error
	if eval.NeedsInventory(bindings) || judgesClusters(bindings) {
		// A cluster's pools may be in another file: the first pass finds
		// them.
		err = judgeWithInventory(ctx, lib, bindings, files, readOpts, opts, sink)
	} else {
		err = judgeStreaming(ctx, lib, bindings, files, readOpts, opts, sink)
	}
	if err == nil {
		err = sink.err
	}
	if err != nil {
		builder.Discard()
		return nil, err
	}
	if opts.images != nil {
		builder.AddUnusedEvidence(unusedEvidence(opts.evidence, opts.images))
	}
	if !opts.AllowEmpty && builder.Objects() == 0 && !builder.HasErrors() {
		err := fmt.Errorf("%s: %w; %s", strings.Join(displayPaths(opts.Paths), ", "), ErrNothingToJudge, emptyAdvice)
		if azureOnly(builder.Skipped()) {
			// Infrastructure that holds nothing to judge is not waved
			// through with --allow-empty either: say what it held.
			err = fmt.Errorf("%s: %w (%s: %s)", strings.Join(displayPaths(opts.Paths), ", "), ErrNothingToJudge, builder.Skipped()[0].File, builder.Skipped()[0].Reason)
		}
		if ignored := builder.Ignored(); len(ignored) > 0 {
			// Say why what was there was not read (a library chart,
			// Terraform source); infrastructure that was not read is
			// never waved through with --allow-empty.
			err = fmt.Errorf("%s: %w (not read: %s: %s)", strings.Join(displayPaths(opts.Paths), ", "), ErrNothingToJudge, ignored[0].Path, ignored[0].Reason)
			if !slices.ContainsFunc(ignored, func(i report.Ignored) bool { return input.IsInfrastructureSource(i.Path) }) {
				err = fmt.Errorf("%w; %s", err, emptyAdvice)
			}
		}
		builder.AddError(err)
	}
	return builder.Finish(), nil
}

// inPathOrder sorts the files a scan found, and drops a file found
// twice, so that the report does not depend on the order the paths were
// given in (a shell's glob, git's list of changed files, a CI matrix): the
// order of the results, which object of an identity the inventory keeps
// when several files hold one (the last, as a later apply would), and
// which object a namespace-level finding is placed at all follow it. Paths
// compare cleaned, one element at a time, which is the order a directory
// walk visits them in (deploy/app/x.yaml before deploy/app-v2/y.yaml); a
// file named twice, or in two spellings, is read once, under the spelling
// that sorts first.
func inPathOrder(files []string) []string {
	type entry struct {
		file, clean string
		elems       []string
	}
	entries := make([]entry, len(files))
	for i, f := range files {
		clean := filepath.Clean(f)
		entries[i] = entry{file: f, clean: clean, elems: strings.Split(clean, string(filepath.Separator))}
	}
	slices.SortFunc(entries, func(a, b entry) int {
		return cmp.Or(slices.Compare(a.elems, b.elems), strings.Compare(a.file, b.file))
	})
	out := make([]string, 0, len(entries))
	for i, e := range entries {
		if i > 0 && e.clean == entries[i-1].clean {
			continue
		}
		out = append(out, e.file)
	}
	return out
}

// azureOnly reports whether every skipped document is an Azure resource
// document with nothing to judge (and there is one).
func azureOnly(skipped []report.Skipped) bool {
	return len(skipped) > 0 && !slices.ContainsFunc(skipped, func(s report.Skipped) bool {
		return !strings.HasPrefix(s.Reason, input.AzureNothingJudgedPrefix)
	})
}

// ErrNothingToJudge is the error of a scan that found no object to judge.
var ErrNothingToJudge = errors.New("no Kubernetes object, Dockerfile or Azure resource to judge")

// emptyAdvice follows ErrNothingToJudge when nothing was left unread.
const emptyAdvice = "an empty input fails, so a producer that failed (an empty kustomize or helm pipe) cannot pass the gate: check the paths, or pass --allow-empty"

// displayPaths names the scanned paths for messages ("<stdin>" for "-").
func displayPaths(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		if p == input.Stdin {
			p = input.StdinName
		}
		out[i] = p
	}
	return out
}

// DefaultMaxObjects bounds the objects of one scan.
const DefaultMaxObjects = 1_000_000

// objectBudget counts the objects read across a scan's workers and fails
// the scan once they pass the limit.
type objectBudget struct {
	max    int64
	n      atomic.Int64
	mu     sync.Mutex
	err    error
	cancel context.CancelFunc
}

func newObjectBudget(ctx context.Context, max int) (context.Context, *objectBudget) {
	if max <= 0 {
		max = DefaultMaxObjects
	}
	ctx, cancel := context.WithCancel(ctx)
	return ctx, &objectBudget{max: int64(max), cancel: cancel}
}

// take counts f's objects; past the limit it records an error naming the
// file and stops the scan.
func (b *objectBudget) take(f *input.File) bool {
	if b.n.Add(int64(len(f.Objects))) <= b.max {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err == nil {
		b.err = &input.Error{File: f.Name, Document: -1, Err: &input.LimitError{
			What: "the input holds too many objects", Limit: b.max, Flag: "max-objects"}}
		b.cancel()
	}
	return false
}

// done releases the budget and returns its error, if the limit was hit.
func (b *objectBudget) done() error {
	b.cancel()
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err
}

func (o Options) evalOptions() []eval.Option {
	if o.Program == nil {
		return nil
	}
	return []eval.Option{eval.WithProgram(o.Program)}
}

// judgeStreaming reads and judges files independently.
func judgeStreaming(ctx context.Context, lib *policy.Library, bindings []eval.Binding, files []string, readOpts input.Options, opts Options, sink *partSink) error {
	ev, err := eval.New(lib, bindings, opts.evalOptions()...)
	if err != nil {
		return err
	}
	return judgeFiles(ctx, ev, files, readOpts, opts, sink)
}

// partSink adds the parts of files judged in parallel to the report in
// input order, each as soon as the parts before it are in, so a file's
// findings are let go (or spilled to disk) while the scan goes on.
type partSink struct {
	mu      sync.Mutex
	builder *report.Builder
	pending map[int]*report.Part
	next    int
	err     error
}

// put hands over part i (nil: the file gave none).
func (s *partSink) put(i int, p *report.Part) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pending[i] = p
	for {
		p, ok := s.pending[s.next]
		if !ok {
			return
		}
		delete(s.pending, s.next)
		s.next++
		if p != nil && s.err == nil {
			s.err = s.builder.Add(p)
		}
	}
}

// judgeFiles reads and judges files one by one: only the files in flight
// are in memory.
func judgeFiles(ctx context.Context, ev *eval.Evaluator, files []string, readOpts input.Options, opts Options, sink *partSink) error {
	workers := opts.workers()
	ctx, budget := newObjectBudget(ctx, opts.MaxObjects)
	err := parallel.ForEach(ctx, len(files), workers, func(i int) {
		f := input.ReadFile(ctx, files[i], readOpts)
		if readOpts.FileRead != nil {
			readOpts.FileRead()
		}
		if !budget.take(f) {
			sink.put(i, nil)
			return
		}
		if err := opts.pools.apply(i, f); err != nil {
			f.Errors = append(f.Errors, err)
		}
		opts.images.add(f.Objects)
		// An error means the scan was stopped; ForEach reports it.
		judged, err := ev.JudgeAll(ctx, f.Objects, workers)
		if err != nil {
			sink.put(i, nil)
			return
		}
		sink.put(i, report.NewPart(f, judged))
	})
	if berr := budget.done(); berr != nil {
		return berr
	}
	return err
}

// judgeWithInventory judges with referential controls, which see the
// scanned objects of the types they declare in data.inventory. A first pass
// reads every file and keeps only the objects that the controls judging the
// scan's kinds read (inventoryPass); a second pass reads the files again
// and judges them one by one, so memory grows with the inventory, not with
// the scan. Standard input cannot be read twice: a scan of it holds every
// object.
func judgeWithInventory(ctx context.Context, lib *policy.Library, bindings []eval.Binding, files []string, readOpts input.Options, opts Options, sink *partSink) error {
	workers := opts.workers()
	if slices.Contains(files, input.Stdin) {
		return judgeInMemory(ctx, lib, bindings, files, readOpts, opts, sink)
	}
	var (
		mu            sync.Mutex
		clusterScoped bool
	)
	firstPass := readOpts
	firstPass.FileRead = nil
	firstPass.RenderOut = ""
	inventoryFiles := append(slices.Clone(files), opts.contextFiles...)
	pass := newInventoryPass(bindings, len(inventoryFiles))
	if judgesClusters(bindings) {
		opts.pools = newPoolJoins()
	}
	contextErrors := make([]error, len(inventoryFiles))
	passCtx, budget := newObjectBudget(ctx, opts.MaxObjects)
	err := parallel.ForEach(passCtx, len(inventoryFiles), workers, func(i int) {
		f := input.ReadFile(passCtx, inventoryFiles[i], firstPass)
		if i >= len(files) {
			// Context: only the inventory sees it, and what spoils it is said.
			if len(f.Errors) > 0 {
				contextErrors[i] = f.Errors[0]
			}
			pass.add(i, f.Objects, false)
			return
		}
		if !budget.take(f) {
			return
		}
		pass.add(i, f.Objects, true)
		if opts.pools != nil {
			opts.pools.add(i, f.Objects)
		}
		mu.Lock()
		defer mu.Unlock()
		clusterScoped = clusterScoped || slices.ContainsFunc(f.Objects, isClusterScoped)
	})
	for i, cerr := range contextErrors {
		if cerr != nil {
			sink.builder.AddIgnored([]input.Ignored{{Path: inventoryFiles[i], Reason: "context for referential controls, not read: " + cerr.Error()}})
		}
	}
	if berr := budget.done(); berr != nil {
		return berr
	}
	if err != nil {
		return err
	}
	if opts.pools != nil {
		opts.pools.plan(files)
	}
	if runClusterChecks(opts.ClusterChecks, bindings, clusterScoped) {
		pass.judges(policy.Kind{Group: ClusterGroup, Kind: ClusterKind})
	}
	kept, err := pass.inventory(ctx, workers, func(i int) []*input.Object {
		return input.ReadFile(ctx, inventoryFiles[i], firstPass).Objects
	})
	if err != nil {
		return err
	}
	ev, err := eval.New(lib, bindings, append(opts.evalOptions(), eval.WithInventory(append(kept, opts.evidence...)))...)
	if err != nil {
		return err
	}
	if err := judgeFiles(ctx, ev, files, readOpts, opts, sink); err != nil {
		return err
	}
	sink.put(len(files), clusterPart(ctx, ev, opts.ClusterChecks, bindings, clusterScoped).
		WithNotEvaluated(updateOnly(bindings), updateOnlyReason))
	return ctx.Err()
}

// judgeInMemory reads every file, then judges every object with all of
// them in the inventory.
func judgeInMemory(ctx context.Context, lib *policy.Library, bindings []eval.Binding, files []string, readOpts input.Options, opts Options, sink *partSink) error {
	workers := opts.workers()
	read, err := input.ReadAll(ctx, files, readOpts)
	if err != nil {
		return err
	}
	_, budget := newObjectBudget(ctx, opts.MaxObjects)
	if judgesClusters(bindings) {
		pools := newPoolJoins()
		for i, f := range read {
			pools.add(i, f.Objects)
		}
		pools.plan(files)
		for i, f := range read {
			if err := pools.apply(i, f); err != nil {
				f.Errors = append(f.Errors, err)
			}
		}
	}
	var all []*input.Object
	for _, f := range read {
		budget.take(f)
		opts.images.add(f.Objects)
		all = append(all, f.Objects...)
	}
	if berr := budget.done(); berr != nil {
		return berr
	}
	ev, err := eval.New(lib, bindings, append(opts.evalOptions(), eval.WithInventory(append(slices.Clone(all), opts.evidence...)))...)
	if err != nil {
		return err
	}
	judged, err := ev.JudgeAll(ctx, all, workers)
	if err != nil {
		return err
	}
	next := 0
	for i, f := range read {
		sink.put(i, report.NewPart(f, judged[next:next+len(f.Objects)]))
		next += len(f.Objects)
	}
	sink.put(len(read), clusterPart(ctx, ev, opts.ClusterChecks, bindings, slices.ContainsFunc(all, isClusterScoped)).
		WithNotEvaluated(updateOnly(bindings), updateOnlyReason))
	return ctx.Err()
}

// clusterPart judges the synthetic Cluster object when the mode says so;
// otherwise it records which cluster-level controls were not evaluated and
// why. Nil when the bindings have no cluster-level control.
func clusterPart(ctx context.Context, ev *eval.Evaluator, mode ClusterMode, bindings []eval.Binding, sawClusterScoped bool) *report.Part {
	var ids []string
	for _, b := range bindings {
		if b.Control.Matches(ClusterGroup, ClusterKind) {
			ids = append(ids, b.Control.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	if runClusterChecks(mode, bindings, sawClusterScoped) {
		return report.NewClusterPart(ev.Judge(ctx, clusterObject()))
	}
	reason := "the scan's scope is manifests, not a whole cluster; --scope cluster (or scope: cluster in the config) judges the scanned objects as a cluster"
	if mode == ClusterAuto {
		reason = "--cluster-checks auto found no cluster-scoped object in the scan"
	}
	return report.NewNotEvaluatedPart(ids, reason)
}

// updateOnlyReason says why a scan does not evaluate update-only controls.
const updateOnlyReason = "they judge a change to an object (an UPDATE and its old object), which only admission sees; Gatekeeper and the OPA admission entrypoint enforce them"

// updateOnly lists the bindings' controls that judge changes only.
func updateOnly(bindings []eval.Binding) []string {
	var ids []string
	for _, b := range bindings {
		if b.Control.UpdateOnly {
			ids = append(ids, b.Control.ID)
		}
	}
	return ids
}

// isClusterScoped is true for a Kubernetes object that is not namespaced:
// its presence says the scan describes a cluster.
func isClusterScoped(o *input.Object) bool {
	return input.ClusterScoped(o.Group(), o.Kind()) && !input.Normalized(o.Group())
}

// runClusterChecks decides whether to judge the synthetic Cluster object.
func runClusterChecks(mode ClusterMode, bindings []eval.Binding, sawClusterScoped bool) bool {
	switch mode {
	case ClusterAlways:
		return true
	case ClusterAuto:
		return sawClusterScoped
	}
	return false
}

// clusterObject is the synthetic object cluster-level controls judge.
func clusterObject() *input.Object {
	return input.NewObject(input.Source{}, map[string]any{
		"apiVersion": ClusterGroup + "/v1",
		"kind":       ClusterKind,
		"metadata":   map[string]any{"name": "scanned-objects"},
	})
}

// imageSet collects the images of the scanned workloads, so evidence that
// matches none of them is reported. A nil set collects nothing.
type imageSet struct {
	mu     sync.Mutex
	images []evidence.Image
}

// containerLists are the pod spec fields that hold containers.
var containerLists = []string{"containers", "initContainers", "ephemeralContainers"}

func (s *imageSet) add(objects []*input.Object) {
	if s == nil {
		return
	}
	var found []evidence.Image
	for _, o := range objects {
		walkContainers(o.Value, 0, func(image string) {
			found = append(found, evidence.Identity(image))
		})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.images = append(s.images, found...)
}

// walkContainers calls visit with the image of every container of every
// container list inside v (a pod, a template, a CronJob's job template).
func walkContainers(v any, depth int, visit func(image string)) {
	m, ok := v.(map[string]any)
	if !ok || depth > 8 {
		return
	}
	for k, e := range m {
		if slices.Contains(containerLists, k) {
			list, _ := e.([]any)
			for _, c := range list {
				if cm, ok := c.(map[string]any); ok {
					if image, ok := cm["image"].(string); ok {
						visit(image)
					}
				}
			}
			continue
		}
		walkContainers(e, depth+1, visit)
	}
}

// unusedEvidence lists the evidence files none of whose objects is about a
// scanned image: a report that names another tag, or a tarball's report
// without RepoTags, would otherwise be ignored without a word.
func unusedEvidence(objects []*input.Object, images *imageSet) []input.Ignored {
	used := map[string]bool{}
	var files []string
	about := map[string][]string{}
	for _, o := range objects {
		if _, seen := about[o.File]; !seen {
			files = append(files, o.File)
			about[o.File] = nil
		}
		ev := evidence.About(o)
		about[o.File] = append(about[o.File], cmp.Or(ev.Reference, ev.Digest))
		for _, img := range images.images {
			if ev.Matches(img) {
				used[o.File] = true
				break
			}
		}
	}
	var out []input.Ignored
	for _, f := range files {
		if !used[f] {
			out = append(out, input.Ignored{Path: f, Reason: "evidence about " + strings.Join(slices.Compact(about[f]), ", ") + " matches no image of the scanned workloads"})
		}
	}
	return out
}

// dirHint explains a directory with no manifests that holds Terraform
// sources.
func dirHint(dir string) string {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if hint := input.SourceFormatHint(e.Name()); hint != "" {
			return e.Name() + " is " + hint
		}
	}
	return ""
}

// clusterFile is the file that stands for the scanned input as a whole:
// the first chart's Chart.yaml, the first kustomization, else the first
// file read.
func clusterFile(files []string) string {
	for _, f := range files {
		if render.IsChart(f) {
			return filepath.Join(f, "Chart.yaml")
		}
		if k := render.KustomizationFile(f); k != "" {
			return k
		}
	}
	for _, f := range files {
		if f != input.Stdin {
			return f
		}
	}
	if len(files) > 0 {
		return input.StdinName
	}
	return ""
}

// helmOptionErrors refuses --values, --set and --api-versions given with no
// chart among the paths, where they would be ignored. (A missing values
// file is the chart's render error.)
func helmOptionErrors(helm render.HelmOptions, files []string) []error {
	if len(helm.ValuesFiles) == 0 && len(helm.Set) == 0 && len(helm.APIVersions) == 0 || slices.ContainsFunc(files, render.IsAnyChart) {
		return nil
	}
	return []error{errors.New("--values, --set and --api-versions apply to Helm charts, and no path is a chart (a directory with Chart.yaml, or a packaged .tgz); name the chart")}
}
