// Package fix turns findings into edits of the files they were found in,
// for the controls whose remedy is a known field value (allowPrivilegeEscalation
// false, drop ALL capabilities, a RuntimeDefault seccomp profile, ...). Each
// such control declares its fix beside its policy, in fix.yaml.
//
// A manifest is edited in place, and only on the lines that change: every
// other byte (comments, key order, quoting, anchors, blank lines, line
// endings) stays as it was. An object rendered from a chart or a
// kustomization is never edited: its fix is a patch for the user to apply
// in the chart's values or an overlay.
package fix

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/shipshape-dev/shipshape/engine/eval"
	"github.com/shipshape-dev/shipshape/engine/input"
	"github.com/shipshape-dev/shipshape/engine/internal/parallel"
	"github.com/shipshape-dev/shipshape/engine/policy"
)

// File is the name of a control's fix declaration, beside its policy.
const File = "fix.yaml"

// Rule is one entry of fix.yaml: for a finding whose field path ends with
// Field, set the value at Path below it, or add a value to the list there.
type Rule struct {
	// Field is the end of the finding's field path, keys joined by dots
	// ("securityContext.allowPrivilegeEscalation").
	Field string `yaml:"field" json:"field"`
	// Path is where below the finding's field the value goes, keys joined
	// by dots; empty for the field itself.
	Path string `yaml:"path,omitempty" json:"path,omitempty"`
	// Set is the value the field gets (a scalar).
	Set any `yaml:"set,omitempty" json:"set,omitempty"`
	// Add is a value the list at the field must contain.
	Add any `yaml:"add,omitempty" json:"add,omitempty"`
	// Why says what the fix does, for the report.
	Why string `yaml:"why,omitempty" json:"why,omitempty"`

	line int
	has  string // "set" or "add"
}

// Rules reads a control's fix.yaml; nil when the control declares none.
func Rules(c *policy.Control) ([]Rule, error) {
	name := path.Join(c.Dir(), File)
	data, err := fs.ReadFile(c.FS(), name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	rules, err := parseRules(string(data))
	if err != nil {
		return nil, fmt.Errorf("%s:%w", path.Join(path.Dir(c.File), File), err)
	}
	return rules, nil
}

// parseRules reads fix.yaml's text; errors start with the line.
func parseRules(text string) ([]Rule, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		return nil, fmt.Errorf(" %w", err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.SequenceNode {
		return nil, errors.New("1: want a list of rules")
	}
	var rules []Rule
	for _, n := range doc.Content[0].Content {
		r, err := parseRule(n)
		if err != nil {
			return nil, fmt.Errorf("%d: %w", n.Line, err)
		}
		rules = append(rules, r)
	}
	return rules, nil
}

var ruleKeys = []string{"field", "path", "set", "add", "why"}

func parseRule(n *yaml.Node) (Rule, error) {
	r := Rule{line: n.Line}
	if n.Kind != yaml.MappingNode {
		return r, errors.New("a rule is a mapping with field and set or add")
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !slices.Contains(ruleKeys, k.Value) {
			return r, fmt.Errorf("%q is not a fix.yaml key (want %s; line %d)", k.Value, strings.Join(ruleKeys, ", "), k.Line)
		}
		if (k.Value == "set" || k.Value == "add") && v.Kind != yaml.ScalarNode {
			return r, fmt.Errorf("%s takes a scalar (line %d)", k.Value, k.Line)
		}
	}
	if err := n.Decode(&r); err != nil {
		return r, err
	}
	switch {
	case r.Field == "":
		return r, errors.New("a rule needs field")
	case r.Set != nil && r.Add != nil:
		return r, errors.New("a rule has set or add, not both")
	case r.Set != nil:
		r.has = "set"
	case r.Add != nil:
		r.has = "add"
	default:
		return r, errors.New("a rule needs set or add")
	}
	return r, nil
}

// matches returns how many segments of the finding's field the rule's
// field matches at its end (0: no match).
func (r Rule) matches(field []any) int {
	keys := strings.Split(r.Field, ".")
	if len(keys) > len(field) {
		return 0
	}
	tail := field[len(field)-len(keys):]
	for i, k := range keys {
		if s, ok := tail[i].(string); !ok || s != k {
			return 0
		}
	}
	return len(keys)
}

// target is where the rule writes for a finding at field.
func (r Rule) target(field []any) []any {
	out := slices.Clone(field)
	if r.Path != "" {
		for _, k := range strings.Split(r.Path, ".") {
			out = append(out, k)
		}
	}
	return out
}

// Library maps control IDs to their rules.
type Library map[string][]Rule

// LoadLibrary reads the fix.yaml of every control of lib.
func LoadLibrary(lib *policy.Library) (Library, error) {
	out := Library{}
	var errs []error
	for _, c := range lib.Controls() {
		rules, err := Rules(c)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if len(rules) > 0 {
			out[c.ID] = rules
		}
	}
	return out, errors.Join(errs...)
}

// rule returns the rule that fixes a finding, nil when none does.
func (l Library) rule(control string, field []any) *Rule {
	var best *Rule
	bestLen := 0
	for i, r := range l[control] {
		if n := r.matches(field); n > bestLen {
			best, bestLen = &l[control][i], n
		}
	}
	return best
}

// Change is one edit fix makes (or, for rendered input, proposes).
type Change struct {
	Control string `json:"control"`
	// Line is the finding's line before the fix.
	Line  int    `json:"line"`
	Field string `json:"field"`
	// Op is "set" or "add".
	Op    string `json:"op"`
	Value any    `json:"value"`
	// Object names the object: Kind namespace/name.
	Object string `json:"object"`
	// Note says what else the edit touches (an anchor shared by aliases).
	Note string `json:"note,omitempty"`
	// Also lists the other fields of the object the edit changes with the
	// same stroke: aliases of the anchor it edits, mappings that merge it.
	Also []string `json:"also,omitempty"`
}

// Unfixed is a finding of a selected control that fix leaves as it is.
type Unfixed struct {
	Control string `json:"control"`
	File    string `json:"file"`
	Line    int    `json:"line"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
	// Reason says why: no fix for this field, the file is JSON, ...
	Reason string `json:"reason"`
}

// Result is what fix does to one file.
type Result struct {
	File    string   `json:"file"`
	Changes []Change `json:"changes"`
	// Before and After are the file's text (After == Before when nothing
	// changed).
	Before []byte `json:"-"`
	After  []byte `json:"-"`
	// Patch, for an object rendered from a chart or a kustomization, is a
	// strategic merge patch per object to apply in values or an overlay.
	Patch []byte `json:"patch,omitempty"`
}

// Plan is every result of a fix run.
type Plan struct {
	Results []*Result `json:"results"`
	Unfixed []Unfixed `json:"unfixed"`
}

// Options selects what fix does.
type Options struct {
	// Controls limits the fixes to these control IDs (all when empty).
	Controls []string
	// Inventory adds objects that referential controls see besides the
	// files' own.
	Inventory []*input.Object
}

// request is one finding's fix, located.
type request struct {
	object  *input.Object
	finding eval.Finding
	rule    *Rule
	target  []any
	// before are the object's findings of every control before the fix,
	// by control and field: the fix may add none.
	before map[string]int
}

// Fix judges the objects of files with the fixable controls among
// bindings and returns the edits that make their findings go away.
func Fix(ctx context.Context, lib *policy.Library, bindings []eval.Binding, files []*input.File, rules Library, opts Options, evalOpts ...eval.Option) (*Plan, error) {
	var fixable []eval.Binding
	for _, b := range bindings {
		if _, ok := rules[b.Control.ID]; ok && (len(opts.Controls) == 0 || slices.Contains(opts.Controls, b.Control.ID)) {
			fixable = append(fixable, b)
		}
	}
	plan := &Plan{}
	if len(fixable) == 0 {
		return plan, nil
	}
	all := slices.Clone(opts.Inventory)
	for _, f := range files {
		all = append(all, f.Objects...)
	}
	// Every control judges, so that a fix that makes another control fail
	// is seen; the fixable ones' findings are what fix fixes.
	bindings = append(slices.Clone(bindings), fixable...)
	ev, err := eval.New(lib, uniqueBindings(bindings), append(evalOpts, eval.WithInventory(all))...)
	if err != nil {
		return nil, err
	}
	check := &checker{ctx: ctx, ev: ev}
	granted := bindingsOf(all)
	isFixable := map[string]bool{}
	for _, b := range fixable {
		isFixable[b.Control.ID] = true
	}
	for _, f := range files {
		var reqs []request
		judged, err := ev.JudgeAll(ctx, f.Objects, 0)
		if err != nil {
			return nil, err
		}
		for i, o := range f.Objects {
			j := judged[i]
			if len(j.Errors) > 0 {
				return nil, fmt.Errorf("%s: %w", o.Source, errors.Join(j.Errors...))
			}
			before := findingKeys(j.Findings)
			for _, fd := range j.Findings {
				if !isFixable[fd.Control.ID] {
					continue
				}
				fd.Field = normalizePath(fd.Field)
				r := rules.rule(fd.Control.ID, fd.Field)
				if r == nil {
					plan.Unfixed = append(plan.Unfixed, unfixed(o, fd, "no automatic fix for this field; "+remedy(fd.Control)))
					continue
				}
				target := r.target(fd.Field)
				if why := leftToPeople(o, r, target, granted); why != "" {
					plan.Unfixed = append(plan.Unfixed, unfixed(o, fd, "left to people: "+why))
					continue
				}
				reqs = append(reqs, request{object: o, finding: fd, rule: r, target: target, before: before})
			}
		}
		if len(reqs) == 0 {
			continue
		}
		res, skipped := fixFile(f.Name, reqs, check)
		plan.Unfixed = append(plan.Unfixed, skipped...)
		if res != nil {
			plan.Results = append(plan.Results, res)
		}
	}
	return plan, nil
}

func remedy(c *policy.Control) string {
	if c.Remediation != "" {
		return c.Remediation
	}
	return "fix it by hand"
}

func unfixed(o *input.Object, fd eval.Finding, reason string) Unfixed {
	return Unfixed{Control: fd.Control.ID, File: o.File, Line: o.Locate(fd.Field).Line, Field: pathText(fd.Field), Message: fd.Message, Reason: reason}
}

func objectName(o *input.Object) string {
	if ns := o.Namespace(); ns != "" {
		return o.Kind() + " " + ns + "/" + o.Name()
	}
	return o.Kind() + " " + o.Name()
}

// uniqueBindings drops a control bound twice (keeping the first).
func uniqueBindings(bs []eval.Binding) []eval.Binding {
	seen := map[string]bool{}
	var out []eval.Binding
	for _, b := range bs {
		if !seen[b.Control.ID] {
			seen[b.Control.ID] = true
			out = append(out, b)
		}
	}
	return out
}

// fixFile applies the requests of one file, or, for rendered objects,
// writes the patches.
func fixFile(name string, reqs []request, check *checker) (*Result, []Unfixed) {
	var (
		rendered, plain []request
		skipped         []Unfixed
	)
	for _, r := range reqs {
		switch {
		case r.object.Normalised():
			skipped = append(skipped, unfixed(r.object, r.finding, "the object is normalised from another format; fix it by hand"))
		case r.object.Rendered():
			rendered = append(rendered, r)
		default:
			plain = append(plain, r)
		}
	}
	res := &Result{File: name}
	if len(rendered) > 0 {
		patch, changes := patches(rendered)
		res.Patch, res.Changes = patch, changes
		return res, skipped
	}
	if name == input.StdinName || name == input.Stdin {
		for _, r := range plain {
			skipped = append(skipped, unfixed(r.object, r.finding, "read from standard input; fix the file it came from"))
		}
		return nil, skipped
	}
	text, err := readFile(name)
	if err != nil {
		for _, r := range plain {
			skipped = append(skipped, unfixed(r.object, r.finding, err.Error()))
		}
		return nil, skipped
	}
	res.Before, res.After = text, text
	if reason := refuse(name, text); reason != "" {
		for _, r := range plain {
			skipped = append(skipped, unfixed(r.object, r.finding, reason))
		}
		return nil, skipped
	}
	// Each document is edited on its own, so the time grows with the
	// file, not with its objects times its size.
	var out bytes.Buffer
	byDoc := map[int][]request{}
	docs := splitDocuments(text)
	for _, r := range plain {
		if i := documentOf(docs, r.object.Line); i >= 0 {
			byDoc[i] = append(byDoc[i], r)
			continue
		}
		skipped = append(skipped, unfixed(r.object, r.finding, "cannot find its document in the file; fix it by hand"))
	}
	// Documents are independent: they are fixed in parallel, and put
	// together in order.
	type fixed struct {
		text    []byte
		changes []Change
		left    []Unfixed
	}
	results := make([]fixed, len(docs))
	ctx := context.Background()
	if check != nil {
		ctx = check.ctx
	}
	if err := parallel.ForEach(ctx, len(docs), 0, func(i int) {
		if len(byDoc[i]) == 0 {
			results[i] = fixed{text: docs[i].text}
			return
		}
		after, changes, left := fixDocument(name, docs[i].text, byDoc[i], check)
		results[i] = fixed{after, changes, left}
	}); err != nil {
		for _, r := range plain {
			skipped = append(skipped, unfixed(r.object, r.finding, err.Error()))
		}
		return nil, skipped
	}
	for _, f := range results {
		out.Write(f.text)
		res.Changes = append(res.Changes, f.changes...)
		skipped = append(skipped, f.left...)
	}
	res.After = out.Bytes()
	if bytes.Equal(res.Before, res.After) {
		return nil, skipped
	}
	return res, skipped
}

// maxFile bounds the files fix reads, as the scan's default limit does.
const maxFile = 64 << 20

func readFile(name string) ([]byte, error) {
	info, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if info.Size() > maxFile {
		return nil, fmt.Errorf("%s is larger than %d bytes", name, maxFile)
	}
	return os.ReadFile(name)
}

// refuse says why a file is not edited in place ("" when it is).
func refuse(name string, text []byte) string {
	trimmed := bytes.TrimLeft(text, " \t\r\n\ufeff")
	if strings.HasSuffix(strings.ToLower(name), ".json") || bytes.HasPrefix(trimmed, []byte("{")) || bytes.HasPrefix(trimmed, []byte("[")) {
		return "the file is JSON; fix edits YAML in place, so apply this change by hand"
	}
	if bytes.ContainsRune(text, '\t') && bytes.Contains(text, []byte("\n\t")) {
		return "the file indents with tabs; fix it by hand"
	}
	return ""
}

// fixDocument makes the edits of one document, each only when it holds:
// the document parses to what it was plus the intended field (checked
// after every edit), and no control reports a finding on its objects that
// it did not report before (checked once all are made; an edit that adds
// one is taken back).
func fixDocument(name string, text []byte, reqs []request, check *checker) ([]byte, []Change, []Unfixed) {
	var (
		changes []Change
		kept    []request
		left    []Unfixed
	)
	cur := text
	src, err := parseSource(text)
	if err != nil {
		for _, r := range reqs {
			left = append(left, unfixed(r.object, r.finding, "the file does not parse as YAML here: "+err.Error()))
		}
		return text, nil, left
	}
	// All edits, then one check of the document against their intents;
	// when it fails, again one by one, each checked, to find the culprit.
	run := editAll(text, src, reqs, false)
	if len(run.kept) > 0 && holdsAll(src, run.src, run.intents) != nil {
		run = editAll(text, src, reqs, true)
	}
	cur, src, changes, kept, left = run.text, run.src, run.changes, run.kept, append(left, run.left...)
	if len(kept) == 0 || check == nil {
		return cur, changes, left
	}
	added, err := check.added(name, cur, kept)
	if err != nil || len(added) == 0 {
		if err != nil {
			// The edited document does not read as the scan reads it.
			for _, r := range kept {
				left = append(left, unfixed(r.object, r.finding, "the edited document does not read: "+err.Error()+"; fix it by hand"))
			}
			return text, nil, left
		}
		return cur, changes, left
	}
	// Some edit makes a control fail: make them again one by one, keeping
	// those that add no finding to their object.
	cur, changes = text, nil
	src, _ = parseSource(text)
	for _, r := range kept {
		after, afterSrc, change, err := verifiedEdit(src, r)
		if err != nil || change == nil {
			continue
		}
		if why, err := check.addedTo(name, after, r); err != nil || why != "" {
			if why == "" {
				why = err.Error()
			}
			left = append(left, unfixed(r.object, r.finding, "left to people: the edit would make "+why))
			continue
		}
		cur, src = after, afterSrc
		changes = append(changes, *change)
	}
	return cur, changes, left
}

// editRun is a document after a run of edits.
type editRun struct {
	text    []byte
	src     *source
	changes []Change
	kept    []request
	left    []Unfixed
	intents []intent
}

// editAll makes the edits of a document in order; each is checked on its
// own when eachChecked, else their intents are kept for one check.
func editAll(text []byte, src *source, reqs []request, eachChecked bool) editRun {
	run := editRun{text: text, src: src}
	for _, r := range reqs {
		after, afterSrc, change, in, err := plannedEdit(run.src, r)
		if err == nil && change != nil && afterSrc != run.src && eachChecked {
			err = holdsAll(run.src, afterSrc, in)
		}
		if err != nil {
			run.left = append(run.left, unfixed(r.object, r.finding, "cannot edit the file here ("+err.Error()+"); fix it by hand"))
			continue
		}
		if change == nil {
			continue
		}
		run.text, run.src = after, afterSrc
		run.changes = append(run.changes, *change)
		run.kept = append(run.kept, r)
		run.intents = append(run.intents, in...)
	}
	return run
}

// intent is what an edit means to a reader: at path, set or add value.
type intent struct {
	path  []any
	op    string
	value any
}

// verifiedEdit makes one edit of a document and checks that it parses to
// the document before it plus the intended field, wherever a reader sees
// the edited node (an anchor's aliases, the mappings that merge it).
func verifiedEdit(src *source, r request) ([]byte, *source, *Change, error) {
	after, check, change, intents, err := plannedEdit(src, r)
	if err != nil || change == nil || check == src {
		return after, check, change, err
	}
	if err := holdsAll(src, check, intents); err != nil {
		return nil, nil, nil, err
	}
	return after, check, change, nil
}

// plannedEdit makes one edit of a document, refusing one that writes into
// an anchor other fields share, and says what it means to a reader.
func plannedEdit(src *source, r request) ([]byte, *source, *Change, []intent, error) {
	doc := 0
	if len(src.docs) == 0 {
		return nil, nil, nil, nil, errors.New("the document is empty")
	}
	obj, err := src.object(target{document: doc, items: r.object.Item})
	if err != nil {
		return nil, nil, nil, nil, err
	}
	// Where the edit writes (the deepest node of the path that exists) and
	// every place a reader sees that node.
	steps, _ := walk(obj, r.target)
	written, rest := obj, r.target
	if len(steps) > 0 {
		written, rest = steps[len(steps)-1].node, r.target[len(steps):]
	}
	sites, err := occurrences(src.docs[doc], written)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	if err := sameField(sites, r); err != nil {
		return nil, nil, nil, nil, err
	}
	after, check, change, err := applyRequest(src, doc, r)
	if err != nil || change == nil || check == src {
		return after, check, change, nil, err
	}
	value := r.rule.Set
	if r.rule.has == "add" {
		value = r.rule.Add
	}
	var intents []intent
	prefix := itemPrefix(r.object.Item)
	self := pathText(append(slices.Clone(prefix), r.target...))
	for _, at := range sites {
		full := append(slices.Clone(at), rest...)
		intents = append(intents, intent{full, r.rule.has, value})
		if text := pathText(full); text != self && len(full) >= len(prefix) && slices.Equal(full[:len(prefix)], prefix) {
			change.Also = append(change.Also, pathText(full[len(prefix):]))
		}
	}
	if len(change.Also) > 0 && change.Note == "" {
		change.Note = "edits a mapping that others merge (<<), so " + strings.Join(change.Also, ", ") + " change too"
	}
	return after, check, change, intents, nil
}

// holdsAll checks that the document after reads as the document before
// with the intents applied, and nothing else changed.
func holdsAll(before, after *source, intents []intent) error {
	want, err := decodeNode(before.docs[0])
	if err != nil {
		return err
	}
	for _, in := range intents {
		if want, err = intend(want, in.path, in.op, in.value); err != nil {
			return err
		}
	}
	got, err := decodeNode(after.docs[0])
	if err != nil {
		return fmt.Errorf("the edit would not parse: %w", err)
	}
	if d := difference(want, got, nil); d != nil {
		return fmt.Errorf("the edit would also change %s, which is inherited through a merge key (<<) or shared through an anchor", pathText(d))
	}
	return nil
}

// itemPrefix is the path of a List item from its document's root.
func itemPrefix(items []int) []any {
	var out []any
	for _, i := range items {
		out = append(out, "items", i)
	}
	return out
}

// sameField refuses an edit of a node that an anchor shares with a field
// of another name (securityContext: &empty {} used by emptyDir: *empty):
// what hardens one would be written into the other.
func sameField(sites [][]any, r request) error {
	key := func(p []any) string {
		for i := len(p) - 1; i >= 0; i-- {
			if s, ok := p[i].(string); ok {
				return s
			}
		}
		return ""
	}
	for _, a := range sites[min(1, len(sites)):] {
		if key(a) != key(sites[0]) {
			return fmt.Errorf("the node it edits is an anchor shared by %s and %s, different fields", pathText(sites[0]), pathText(a))
		}
	}
	return nil
}

// applyRequest makes one edit and checks it: the file still parses, and
// the field now holds the value.
func applyRequest(src *source, doc int, r request) ([]byte, *source, *Change, error) {
	obj, err := src.object(target{document: doc, items: r.object.Item})
	if err != nil {
		return nil, nil, nil, err
	}
	_, aliased := walk(obj, r.target)
	var e edit
	changed := true
	switch r.rule.has {
	case "set":
		e, err = src.setEdit(obj, r.target, r.rule.Set)
	case "add":
		e, changed, err = src.addEdit(obj, r.target, r.rule.Add)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	c := &Change{Control: r.finding.Control.ID, Line: r.object.Locate(r.finding.Field).Line, Field: pathText(r.target), Op: r.rule.has, Value: r.rule.Set, Object: objectName(r.object)}
	if r.rule.has == "add" {
		c.Value = r.rule.Add
	}
	if !changed {
		return src.text, src, c, nil // an earlier fix (another control's) made it so
	}
	after := src.apply(e)
	check, err := parseSource(after)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("the edit would not parse: %w", err)
	}
	obj2, err := check.object(target{document: doc, items: r.object.Item})
	if err != nil {
		return nil, nil, nil, err
	}
	if err := holds(obj2, r); err != nil {
		return nil, nil, nil, err
	}
	if len(aliased) > 0 {
		c.Note = "edits the anchor &" + strings.Join(aliased, ", &") + ", so every alias of it changes too"
	}
	return after, check, c, nil
}

// holds checks the edited field has the value the rule gives it.
func holds(obj *yaml.Node, r request) error {
	steps, _ := walk(obj, r.target)
	if len(steps) != len(r.target) {
		return errors.New("the edit did not create the field")
	}
	leaf := steps[len(steps)-1].node
	var got any
	if err := leaf.Decode(&got); err != nil {
		return err
	}
	switch r.rule.has {
	case "set":
		if fmt.Sprint(got) != fmt.Sprint(r.rule.Set) {
			return fmt.Errorf("the field reads %v after the edit", got)
		}
	case "add":
		list, _ := got.([]any)
		if !slices.ContainsFunc(list, func(v any) bool { return fmt.Sprint(v) == fmt.Sprint(r.rule.Add) }) {
			return fmt.Errorf("the list reads %v after the edit", got)
		}
	}
	return nil
}

// normalizePath makes a finding's list indexes ints (Rego gives numbers).
func normalizePath(path []any) []any {
	out := make([]any, len(path))
	for i, seg := range path {
		switch v := seg.(type) {
		case json.Number:
			if n, err := v.Int64(); err == nil {
				out[i] = int(n)
				continue
			}
		case float64:
			out[i] = int(v)
			continue
		case int64:
			out[i] = int(v)
			continue
		}
		out[i] = seg
	}
	return out
}

// Describe says what the rule does, for the control reference.
func (r Rule) Describe() string {
	where := r.Field
	if r.Path != "" {
		where += "." + r.Path
	}
	if r.has == "add" {
		return fmt.Sprintf("adds `%v` to `%s`", r.Add, where)
	}
	return fmt.Sprintf("sets `%s` to `%v`", where, r.Set)
}
