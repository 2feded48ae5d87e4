// Package report turns judgements into the scan report and writes it as
// text, JSON, SARIF 2.1.0, JUnit XML or GitHub workflow annotations. The
// JSON form is a contract with the tools that read it: the json tags of
// Report, Result and their parts below are its fields, and a release only
// ever adds fields (tests/cli's golden files hold every format).
package report

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/shipshape-dev/shipshape/engine/azure"
	"github.com/shipshape-dev/shipshape/engine/eval"
	"github.com/shipshape-dev/shipshape/engine/exceptions"
	"github.com/shipshape-dev/shipshape/engine/input"
	"github.com/shipshape-dev/shipshape/engine/policy"
)

// Report is the result of a scan. Its JSON form is the output contract;
// fields beyond the contract are additions only. Its results ("results" in
// JSON) are read with Each, Chunks or All: a large scan keeps them in a
// temporary file, which Close removes.
type Report struct {
	Summary Summary `json:"summary"`
	// Skipped lists documents that hold no Kubernetes object.
	Skipped []Skipped `json:"skipped,omitempty"`
	// Excluded lists objects some controls did not judge because of their
	// namespace (settings.systemNamespaces).
	Excluded []Excluded `json:"excluded,omitempty"`
	// NotJudged lists objects that no control of the profile judged (an
	// unknown kind, or controls whose applies rule left them out): they did
	// not pass, they were not looked at.
	NotJudged []NotJudged `json:"not_judged,omitempty"`
	// Ignored lists files and directories under the scanned paths that were
	// not read, with the reason (a kustomization's unreferenced folders).
	Ignored []Ignored `json:"ignored,omitempty"`
	// UnusedEvidence lists --evidence files about no scanned image (a
	// report of another tag, a tarball's report without RepoTags).
	UnusedEvidence []Ignored `json:"unused_evidence,omitempty"`
	// NotEvaluated lists controls of the profile that did not run, and why
	// (cluster-level controls in a scan of manifests).
	NotEvaluated []NotEvaluated `json:"not_evaluated,omitempty"`
	// Errors lists input and evaluation problems (exit code 2).
	Errors []Problem `json:"errors,omitempty"`
	// Exempted lists findings an exception covers; they do not fail the
	// scan but are never dropped.
	Exempted []ExemptedResult `json:"exempted,omitempty"`
	// ExpiredExceptions are exceptions that matched findings but are past
	// their date, so those findings count again.
	ExpiredExceptions []exceptions.Exception `json:"expired_exceptions,omitempty"`
	// RefusedExceptions are inline exceptions the settings forbid.
	RefusedExceptions []exceptions.Exception `json:"refused_exceptions,omitempty"`
	// ClusterFile is where formats that need a file for every result (SARIF:
	// GitHub rejects a result without a location) put the results of
	// cluster-level controls: the scanned chart's Chart.yaml, the
	// kustomization, or the first file scanned.
	ClusterFile string `json:"cluster_file,omitempty"`

	controls []*policy.Control
	objects  []ObjectRef
	judged   map[string]int // control ID → objects it judged
	results  store
	// facts are the findings about a namespace, each grouped from the
	// findings of every object it affects (see factSlot).
	facts []Result
	// baseline counts the fingerprints of the --baseline report's
	// findings: as many of each are marked Baseline, in order.
	baseline map[string]int
}

// Result is one violation. A result of a cluster-level control has an
// empty File and Line 0: it is about the scanned objects as a whole.
type Result struct {
	Control      string   `json:"control"`
	Severity     string   `json:"severity"`
	Title        string   `json:"title"`
	Message      string   `json:"message"`
	File         string   `json:"file"`
	Document     int      `json:"document"`
	Item         *int     `json:"item,omitempty"`
	Line         int      `json:"line"`
	Kind         string   `json:"kind"`
	Namespace    string   `json:"namespace"`
	Name         string   `json:"name"`
	Requirements []string `json:"requirements"`
	// Additions to the contract.
	APIVersion string `json:"apiVersion,omitempty"`
	ItemPath   []int  `json:"item_path,omitempty"`
	Field      string `json:"field,omitempty"`
	// Fingerprint identifies the finding across runs: control, object
	// identity and field path, not the file or line, which move.
	Fingerprint string `json:"fingerprint,omitempty"`
	// Baseline marks a finding the --baseline report already had; it does
	// not fail the scan.
	Baseline bool `json:"baseline,omitempty"`
	// Address is the Terraform resource address of a finding on a plan
	// (module.aks.azurerm_kubernetes_cluster.this).
	Address string `json:"address,omitempty"`
	// RenderedLine is true when Line counts in the rendered output of File
	// (a chart template or a kustomization's source that does not hold
	// the field as rendered), not in File itself.
	RenderedLine bool `json:"rendered_line,omitempty"`
	// Affected lists the objects a namespace-level finding is about (a
	// namespace without a default-deny NetworkPolicy: its workloads); the
	// result itself names the namespace.
	Affected []ObjectRef `json:"affected,omitempty"`

	annotations map[string]string // the object's, for inline exceptions
	image       string            // the image of the container the finding is about, for image-scoped exceptions
	fact        *namespaceFact    // set when the finding is a fact about the namespace
}

// namespaceFact is what a control says about an object's namespace rather
// than the object (details.namespace_fact): findings of one control with the
// same namespace and key are one finding.
type namespaceFact struct {
	key, msg, namespace string
}

// ExemptedResult is a finding with the exception that covers it.
type ExemptedResult struct {
	Result
	Exception exceptions.Exception `json:"exception"`
}

// Summary counts what the scan saw.
type Summary struct {
	Objects    int            `json:"objects"`
	Files      int            `json:"files"`
	Controls   int            `json:"controls"`
	Violations int            `json:"violations"`
	BySeverity map[string]int `json:"by_severity"`
	// Additions to the contract.
	Profile  string `json:"profile,omitempty"`
	Failed   int    `json:"failed_objects"`
	Skipped  int    `json:"skipped"`
	Excluded int    `json:"excluded"`
	Errors   int    `json:"errors"`
	Exempted int    `json:"exempted"`
	// NotJudged counts objects no control judged; Ignored counts files
	// and directories that were not read.
	NotJudged      int `json:"not_judged"`
	Ignored        int `json:"ignored"`
	UnusedEvidence int `json:"unused_evidence"`
	// SourceFiles counts the files the findings and objects come from:
	// a rendered chart or kustomization counts its templates and bases,
	// where Files counts the chart once.
	SourceFiles int `json:"source_files"`
	// New counts the findings that are not in the --baseline report.
	New *int `json:"new,omitempty"`
	// ClusterChecked is true when cluster-level controls judged the scanned
	// objects as a whole; their results have an empty file.
	ClusterChecked bool `json:"cluster_checked"`
}

// Skipped is a document without a Kubernetes object.
type Skipped struct {
	File     string `json:"file"`
	Document int    `json:"document"`
	Line     int    `json:"line"`
	Reason   string `json:"reason"`
}

// Excluded is an object whose namespace some controls skip.
type Excluded struct {
	ObjectRef
	Controls []string `json:"controls"`
}

// NotJudged is an object no control judged, and why.
type NotJudged struct {
	ObjectRef
	Reason string `json:"reason"`
}

// NotEvaluated is a control that did not run, and why.
type NotEvaluated struct {
	Control string `json:"control"`
	Reason  string `json:"reason"`
}

// Ignored is a file or directory under a scanned path that was not read.
type Ignored struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// Problem is an input or evaluation error.
type Problem struct {
	File     string `json:"file,omitempty"`
	Document *int   `json:"document,omitempty"`
	Line     int    `json:"line,omitempty"`
	Message  string `json:"message"`
}

// ObjectRef identifies a scanned object.
type ObjectRef struct {
	File       string `json:"file"`
	Document   int    `json:"document"`
	Item       *int   `json:"item,omitempty"`
	Line       int    `json:"line"`
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace"`
	Name       string `json:"name"`
	// Violations counts the object's results.
	Violations int `json:"-"`
	// Judged counts the controls that judged the object, and Failed those
	// that failed on it: an object no control judged did not pass.
	Judged int `json:"-"`
	Failed int `json:"-"`
}

// Label names the object for people: "Deployment prod/web".
func (o ObjectRef) Label() string {
	name := o.Name
	if name == "" {
		name = "(unnamed)"
	}
	if o.Namespace != "" && !(o.Kind == "Namespace" && o.Namespace == o.Name) {
		name = o.Namespace + "/" + name
	}
	return o.Kind + " " + name
}

// Controls returns the controls the scan evaluated.
func (r *Report) Controls() []*policy.Control { return r.controls }

// Judged returns how many objects a control judged.
func (r *Report) Judged(controlID string) int { return r.judged[controlID] }

// Objects returns every scanned object in input order.
func (r *Report) Objects() []ObjectRef { return r.objects }

// Part is the report of one file. Parts are built independently (so files
// can be judged in parallel and their objects released early) and added to
// a Builder in input order.
type Part struct {
	notEvaluated []NotEvaluated
	judged       map[string]int
	file         string
	cluster      bool
	results      []Result
	objects      []ObjectRef
	skipped      []Skipped
	excluded     []Excluded
	notJudged    []NotJudged
	ignored      []Ignored
	errors       []Problem
}

// NewPart builds the report of one file from its judgements (in the file's
// object order).
func NewPart(f *input.File, judgements []eval.Judgement) *Part {
	p := &Part{file: f.Name}
	for _, s := range f.Skipped {
		p.skipped = append(p.skipped, Skipped{File: s.File, Document: s.Document, Line: s.Line, Reason: s.Reason})
	}
	for _, err := range f.Errors {
		p.errors = append(p.errors, problemOf(err))
	}
	for _, ig := range f.Ignored {
		p.ignored = append(p.ignored, Ignored{Path: ig.Path, Reason: ig.Reason})
	}
	findings := 0
	for _, j := range judgements {
		findings += len(j.Findings)
	}
	// One allocation for the file's results: a Result is large, and a
	// Pod with twenty findings is common.
	p.results = make([]Result, 0, findings)
	for _, j := range judgements {
		p.addJudgement(j)
	}
	sortResults(p.results)
	return p
}

// sortResults orders results as a reader goes through files: by file, then
// line, then control and message.
func sortResults(results []Result) {
	sort.SliceStable(results, func(i, j int) bool {
		a, c := results[i], results[j]
		if a.File != c.File {
			return a.File < c.File
		}
		if a.Line != c.Line {
			return a.Line < c.Line
		}
		if a.Control != c.Control {
			return a.Control < c.Control
		}
		return a.Message < c.Message
	})
}

func (p *Part) addJudgement(j eval.Judgement) {
	obj := j.Object
	ref := ObjectRef{
		File: obj.File, Document: obj.Document, Line: obj.Line,
		APIVersion: obj.APIVersion(), Kind: obj.Kind(), Namespace: obj.Namespace(), Name: obj.Name(),
		Violations: len(j.Findings),
		Judged:     len(j.Judged),
		Failed:     len(j.Errors),
	}
	if len(obj.Item) > 0 {
		i := obj.Item[0]
		ref.Item = &i
	}
	p.objects = append(p.objects, ref)
	if p.judged == nil {
		p.judged = map[string]int{}
	}
	for _, id := range j.Judged {
		p.judged[id]++
	}
	if len(j.Excluded) > 0 {
		p.excluded = append(p.excluded, Excluded{ObjectRef: ref, Controls: j.Excluded})
	}
	if len(j.Judged) == 0 && len(j.Excluded) == 0 && len(j.Errors) == 0 && !p.cluster {
		p.notJudged = append(p.notJudged, NotJudged{ObjectRef: ref, Reason: notJudgedReason(obj, j)})
	}
	for _, err := range j.Errors {
		p.errors = append(p.errors, problemOf(err))
	}
	for _, f := range j.Findings {
		// Shared with the control (read-only, capped so an append copies):
		// a scan can hold hundreds of thousands of results.
		requirements := slices.Clip(f.Control.Requirements)
		if requirements == nil {
			requirements = []string{}
		}
		loc := obj.Locate(f.Field)
		address, _ := obj.Value["address"].(string)
		res := Result{
			Address:      address,
			RenderedLine: loc.Rendered,
			Control:      f.Control.ID,
			Severity:     string(severityOf(f)),
			Title:        f.Control.Title,
			Message:      f.Message,
			File:         cmp.Or(loc.File, obj.File),
			Document:     obj.Document,
			Item:         ref.Item,
			Line:         loc.Line,
			Kind:         ref.Kind,
			Namespace:    ref.Namespace,
			Name:         ref.Name,
			Requirements: requirements,
			APIVersion:   ref.APIVersion,
			Field:        FieldPath(f.Field),
		}
		if len(obj.Item) > 1 {
			res.ItemPath = append([]int{}, obj.Item...)
		}
		res.annotations = annotationsOf(obj)
		res.image, _ = input.ContainerImage(obj.Value, f.Field)
		res.fact = namespaceFactOf(f.Details)
		res.Fingerprint = Fingerprint(res)
		p.results = append(p.results, res)
	}
}

// severityOf is a finding's severity: the control's, unless the finding
// names a valid one in details.severity (one check of a control may be
// worse than the rest: Kubernetes RBAC turned off makes every user cluster
// admin, where Azure RBAC left off is a medium gap).
func severityOf(f eval.Finding) policy.Severity {
	if s, ok := f.Details["severity"].(string); ok {
		if sev, err := policy.ParseSeverity(s); err == nil {
			return sev
		}
	}
	return f.Control.Severity
}

// notJudgedReason says why no control judged an object.
func notJudgedReason(obj *input.Object, j eval.Judgement) string {
	kind := obj.Kind()
	if g := obj.Group(); g != "" {
		kind = g + "/" + kind
	}
	if len(j.NotApplicable) > 0 {
		return fmt.Sprintf("the controls for %s (%s) do not apply to this object", kind, strings.Join(j.NotApplicable, ", "))
	}
	if why, _ := obj.Value[azure.NotJudgedKey].(string); why != "" {
		return why // the reader knows why (an agent pool apart from its cluster)
	}
	return fmt.Sprintf("no control of the profile judges %s", kind)
}

// namespaceFactOf reads details.namespace_fact: {key, msg}.
func namespaceFactOf(details map[string]any) *namespaceFact {
	m, ok := details["namespace_fact"].(map[string]any)
	if !ok {
		return nil
	}
	key, _ := m["key"].(string)
	msg, _ := m["msg"].(string)
	ns, _ := m["namespace"].(string) // where the object lands ("default" when it names none)
	if msg == "" {
		return nil
	}
	return &namespaceFact{key: key, msg: msg, namespace: ns}
}

// NewClusterPart builds the part of the synthetic Cluster object that
// cluster-level controls judge; its results carry no file or line.
func NewClusterPart(j eval.Judgement) *Part {
	p := &Part{cluster: true}
	p.addJudgement(j)
	return p
}

// NewNotEvaluatedPart records controls that did not run, and why.
func NewNotEvaluatedPart(controls []string, reason string) *Part {
	p := &Part{cluster: true}
	for _, id := range controls {
		p.notEvaluated = append(p.notEvaluated, NotEvaluated{Control: id, Reason: reason})
	}
	return p
}

// WithNotEvaluated adds controls that did not run, and why, to a part
// (a new one when p is nil).
func (p *Part) WithNotEvaluated(controls []string, reason string) *Part {
	if len(controls) == 0 {
		return p
	}
	if p == nil {
		return NewNotEvaluatedPart(controls, reason)
	}
	for _, id := range controls {
		p.notEvaluated = append(p.notEvaluated, NotEvaluated{Control: id, Reason: reason})
	}
	return p
}

// NotEvaluatedReason says why a control did not run ("" when it ran or
// nothing is recorded).
func (r *Report) NotEvaluatedReason(control string) string {
	for _, n := range r.NotEvaluated {
		if n.Control == control {
			return n.Reason
		}
	}
	return ""
}

// annotationsOf returns the object's string annotations.
func annotationsOf(obj *input.Object) map[string]string {
	meta, _ := obj.Value["metadata"].(map[string]any)
	ann, _ := meta["annotations"].(map[string]any)
	if len(ann) == 0 {
		return nil
	}
	out := make(map[string]string, len(ann))
	for k, v := range ann {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

// Builder assembles a report from parts, in input order.
type Builder struct {
	r          *Report
	files      map[string]bool
	exceptions *exceptions.Set
	now        time.Time
	// noted are the expired and refused exceptions recorded.
	noted map[string]bool
	// factIndex finds a namespace fact's grouped finding in r.facts.
	factIndex map[factKey]int
	// failed are the objects with a finding no exception covers.
	failed map[failedKey]bool
}

type factKey struct{ control, namespace, fact string }

type failedKey struct {
	file, itemPath, kind, namespace, name string
	document                              int
	item                                  bool
}

// WithExceptions makes the builder set aside the findings exceptions cover
// at now. Call it before adding parts.
func (b *Builder) WithExceptions(set *exceptions.Set, now time.Time) *Builder {
	b.exceptions, b.now = set, now
	return b
}

// SpillAt sets how many results the report keeps in memory before it
// moves them to a temporary file (DefaultSpillAt; 0 never).
func (b *Builder) SpillAt(n int) *Builder {
	b.r.results.spillAt = n
	return b
}

// NewBuilder starts a report for the given controls and profile.
func NewBuilder(controls []*policy.Control, profile string) *Builder {
	b := &Builder{
		r: &Report{
			Summary:  Summary{Profile: profile, Controls: len(controls), BySeverity: map[string]int{}},
			controls: controls,
			results:  store{spillAt: DefaultSpillAt},
		},
		files:     map[string]bool{},
		noted:     map[string]bool{},
		factIndex: map[factKey]int{},
		failed:    map[failedKey]bool{},
	}
	for _, s := range policy.Severities() {
		b.r.Summary.BySeverity[string(s)] = 0
	}
	return b
}

// Add appends one file's part (or the cluster part): exceptions set its
// findings aside, findings of one fact about a namespace join into one,
// and the rest go to the report's store, so the part can be let go.
func (b *Builder) Add(p *Part) error {
	r := b.r
	r.Errors = append(r.Errors, p.errors...)
	if r.judged == nil {
		r.judged = map[string]int{}
	}
	for id, n := range p.judged {
		r.judged[id] += n
	}
	kept := p.results[:0] // filtered in place: kept never overtakes the loop
	var slots []factSlot
	for _, res := range p.results {
		if b.exempt(res) {
			continue
		}
		b.failed[failedKey{file: res.File, document: res.Document, item: res.Item != nil && *res.Item >= 0,
			itemPath: fmt.Sprint(res.ItemPath), kind: res.Kind, namespace: res.Namespace, name: res.Name}] = true
		if res.fact != nil {
			if b.joinFact(res) {
				continue
			}
			slots = append(slots, factSlot{pos: len(kept) + len(slots), group: len(r.facts) - 1})
		} else {
			kept = append(kept, res)
		}
		r.Summary.Violations++
		r.Summary.BySeverity[res.Severity]++
	}
	clear(p.results[len(kept):])
	if err := r.results.add(kept, slots); err != nil {
		return err
	}
	p.results = nil
	if p.cluster {
		// The cluster part may both judge the synthetic object and list
		// the controls no scan runs (update-only ones).
		r.NotEvaluated = append(r.NotEvaluated, p.notEvaluated...)
		if len(p.objects) > 0 {
			r.Summary.ClusterChecked = true
		}
		return nil
	}
	if !b.files[p.file] {
		b.files[p.file] = true
		r.Summary.Files++
	}
	r.Skipped = append(r.Skipped, p.skipped...)
	r.Excluded = append(r.Excluded, p.excluded...)
	r.NotJudged = append(r.NotJudged, p.notJudged...)
	r.Ignored = append(r.Ignored, p.ignored...)
	r.objects = append(r.objects, p.objects...)
	r.Summary.Objects += len(p.objects)
	for _, o := range p.objects {
		if o.Violations > 0 {
			r.Summary.Failed++
		}
	}
	return nil
}

// exempt reports whether an exception covers res, and records it and the
// expired and refused exceptions it met (each once).
func (b *Builder) exempt(res Result) bool {
	if b.exceptions == nil {
		return false
	}
	r := b.r
	note := func(list *[]exceptions.Exception, e exceptions.Exception) {
		key := e.Source + "|" + e.Control + "|" + e.Requirement + "|" + res.File + "|" + res.Name
		if e.Source != "inline" {
			key = e.Source
		}
		if !b.noted[key] {
			b.noted[key] = true
			*list = append(*list, e)
		}
	}
	kind := res.Kind
	if g, _ := input.SplitAPIVersion(res.APIVersion); g != "" {
		kind = g + "/" + res.Kind
	}
	d := b.exceptions.Decide(exceptions.Finding{
		Control: res.Control, Requirements: res.Requirements,
		Namespace: res.Namespace, Kind: kind, Name: res.Name, Image: res.image, Annotations: res.annotations,
	}, b.now)
	for _, e := range d.Expired {
		note(&r.ExpiredExceptions, e)
	}
	if d.Refused != nil {
		note(&r.RefusedExceptions, *d.Refused)
	}
	if d.Exempt != nil {
		r.Exempted = append(r.Exempted, ExemptedResult{Result: res, Exception: *d.Exempt})
		return true
	}
	return false
}

// AddIgnored records paths that were not read (evidence files that are no
// known format).
func (b *Builder) AddIgnored(ignored []input.Ignored) {
	for _, ig := range ignored {
		b.r.Ignored = append(b.r.Ignored, Ignored{Path: ig.Path, Reason: ig.Reason})
	}
}

// AddUnusedEvidence records evidence files about no scanned image.
func (b *Builder) AddUnusedEvidence(unused []input.Ignored) {
	for _, ig := range unused {
		b.r.UnusedEvidence = append(b.r.UnusedEvidence, Ignored{Path: ig.Path, Reason: ig.Reason})
	}
}

// Objects counts the objects added so far.
func (b *Builder) Objects() int { return b.r.Summary.Objects }

// SetClusterFile sets Report.ClusterFile.
func (b *Builder) SetClusterFile(file string) { b.r.ClusterFile = file }

// Ignored lists the paths not read so far, and why.
func (b *Builder) Ignored() []Ignored { return b.r.Ignored }

// Skipped returns the documents skipped so far.
func (b *Builder) Skipped() []Skipped { return b.r.Skipped }

// HasErrors reports whether a problem was recorded.
func (b *Builder) HasErrors() bool { return len(b.r.Errors) > 0 }

// AddError records a problem that makes the scan exit with code 2.
func (b *Builder) AddError(err error) { b.r.Errors = append(b.r.Errors, problemOf(err)) }

func problemOf(err error) Problem {
	var ie *input.Error
	var ce *eval.ControlError
	switch {
	case errors.As(err, &ie):
		p := Problem{File: ie.File, Line: ie.Line, Message: err.Error()}
		if ie.Document >= 0 {
			d := ie.Document
			p.Document = &d
		}
		return p
	case errors.As(err, &ce):
		d := ce.Source.Document
		return Problem{File: ce.Source.File, Document: &d, Line: ce.Source.Line, Message: err.Error()}
	}
	return Problem{Message: err.Error()}
}

// Finish returns the report. Results follow input order (file, document,
// item), then control ID, line and message within an object.
func (b *Builder) Finish() *Report {
	r := b.r
	b.finishNamespaceFacts()
	if len(r.Exempted) > 0 {
		r.Summary.Failed = len(b.failed)
	}
	r.Summary.Exempted = len(r.Exempted)
	r.Summary.Skipped = len(r.Skipped)
	r.Summary.Excluded = len(r.Excluded)
	r.Summary.NotJudged = len(r.NotJudged)
	r.Ignored = onceEach(r.Ignored)
	r.Summary.Ignored = len(r.Ignored)
	r.Summary.UnusedEvidence = len(r.UnusedEvidence)
	r.Summary.Errors = len(r.Errors)
	r.Summary.SourceFiles = sourceFiles(r)
	return r
}

// onceEach drops repeats of the same path not read for the same reason (a
// Bicep module from a registry, met once through each file that calls it).
func onceEach(ignored []Ignored) []Ignored {
	seen := make(map[Ignored]bool, len(ignored))
	out := ignored[:0:0]
	for _, ig := range ignored {
		if !seen[ig] {
			seen[ig] = true
			out = append(out, ig)
		}
	}
	return out
}

// sourceFiles counts the distinct files the objects came from.
func sourceFiles(r *Report) int {
	files := map[string]bool{}
	for _, o := range r.objects {
		if o.File != "" {
			files[o.File] = true
		}
	}
	return len(files)
}

// Chunks calls fn with the results of each file in input order, marked
// against the baseline. The slice is fn's to keep.
func (r *Report) Chunks(fn func([]Result) error) error {
	var left map[string]int
	if r.baseline != nil {
		left = maps.Clone(r.baseline)
	}
	for i := range r.results.chunks {
		results, err := r.chunkResults(i)
		if err != nil {
			return err
		}
		if left != nil {
			for j := range results {
				if fp := results[j].Fingerprint; left[fp] > 0 {
					left[fp]--
					results[j].Baseline = true
				}
			}
		}
		if err := fn(results); err != nil {
			return err
		}
	}
	return nil
}

// chunkResults returns chunk i's results with the grouped namespace facts
// in their places, in a new slice.
func (r *Report) chunkResults(i int) ([]Result, error) {
	c := &r.results.chunks[i]
	stored, err := r.results.read(c)
	if err != nil {
		return nil, err
	}
	results := make([]Result, 0, len(stored)+len(c.facts))
	next := 0 // in stored
	for _, slot := range c.facts {
		take := slot.pos - len(results)
		results = append(results, stored[next:next+take]...)
		next += take
		results = append(results, r.facts[slot.group])
	}
	return append(results, stored[next:]...), nil
}

// Each calls fn with every result in order (see Chunks).
func (r *Report) Each(fn func(Result) error) error {
	return r.Chunks(func(results []Result) error {
		for _, res := range results {
			if err := fn(res); err != nil {
				return err
			}
		}
		return nil
	})
}

// All returns every result in order: for small reports and tests, since a
// large scan's results do not fit in memory together.
func (r *Report) All() []Result {
	out := []Result{}
	_ = r.Chunks(func(results []Result) error {
		out = append(out, results...)
		return nil
	})
	return out
}

// Len counts the results.
func (r *Report) Len() int { return r.results.n + len(r.facts) }

// Discard lets go of a report that will not be finished (a scan that
// stopped), removing its temporary file.
func (b *Builder) Discard() { _ = b.r.Close() }

// Close removes the temporary file of a large report's results.
func (r *Report) Close() error { return r.results.close() }

// NewReport returns a report of the given results (for tests and tools
// that build reports by hand).
func NewReport(results []Result, summary Summary) *Report {
	r := &Report{Summary: summary}
	r.setResults(results)
	return r
}

// FieldPath renders a field path the way kubectl explain does (see
// input.FieldPath).
func FieldPath(path []any) string { return input.FieldPath(path) }

// ExitCode is 2 when the scan had errors, 1 when a violation is at or above
// failOn (never when failOn is ""), else 0.
func (r *Report) ExitCode(failOn policy.Severity) int {
	if len(r.Errors) > 0 {
		return 2
	}
	if failOn == "" {
		return 0
	}
	// Stops at the first failing finding; a report that cannot be read
	// back fails the gate too.
	if err := r.Each(func(res Result) error {
		if !res.Baseline && policy.Severity(res.Severity).Rank() >= failOn.Rank() {
			return errFailed
		}
		return nil
	}); err != nil {
		return 1
	}
	return 0
}

// Fingerprint identifies a finding across runs by its control, the
// object's API group (legacy groups folded into the current one, so moving
// a Deployment from extensions/v1beta1 to apps/v1 keeps its findings), kind,
// namespace and name, the field path and the message. The file and line are
// left out, since they move; the message is in, since one control may
// report several different problems on one field (exec and attach grants
// on the same rule), and a gate must never take a new finding for an old
// one.
func Fingerprint(res Result) string {
	group, _ := input.SplitAPIVersion(res.APIVersion)
	group = input.CurrentGroup(group, res.Kind)
	h := sha256.Sum256([]byte(strings.Join([]string{res.Control, group, res.Kind, res.Namespace, res.Name, res.Field, res.Message}, "\x00")))
	return hex.EncodeToString(h[:16])
}

var errFailed = errors.New("a finding fails the gate")

// ApplyBaseline marks the findings an earlier report holds; only the
// others fail the scan. known counts each fingerprint: a finding that now
// occurs more often than it did is new that many times.
func (r *Report) ApplyBaseline(known map[string]int) error {
	r.baseline = maps.Clone(known)
	n := 0
	if err := r.Each(func(res Result) error {
		if !res.Baseline {
			n++
		}
		return nil
	}); err != nil {
		return err
	}
	r.Summary.New = &n
	return nil
}
