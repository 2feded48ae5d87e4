// Package policy loads the Rego library: shared helpers under `lib.*` and
// one control per `shipshape.*` package, each described by an OPA METADATA
// block. It compiles everything once and exposes the controls' metadata
// (ID, severity, requirements, frameworks, kinds, parameter schema).
package policy

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/shipshape-dev/shipshape/engine/input"
	"github.com/shipshape-dev/shipshape/engine/internal/parallel"
	"github.com/shipshape-dev/shipshape/engine/requirements"
	"github.com/shipshape-dev/shipshape/engine/schema"
)

// Source is a tree of Rego files: the built-in library or a user's.
type Source struct {
	// Name prefixes file names in messages: "library" for the built-in
	// library, the directory as given for a user library.
	Name string
	FS   fs.FS
	// Builtin marks the library shipped with shipshape.
	Builtin bool
	// Keep, when set, chooses the controls of this source to compile by
	// ID; the others are parsed only (Library.Knows names them). A scan of
	// one profile compiles its controls and the helpers, which is most of
	// a cold start saved for the Pod Security profiles.
	Keep func(id string) bool
	// Facts, when set, are what compiling this source tells about its
	// controls, recorded when it was last compiled (with the plan of the
	// built-in library). A load whose every source has them does not
	// compile: Compiler compiles on first use.
	Facts *Facts
}

// Facts are what a load learns from compiling that it cannot read from the
// parsed sources: which controls read data.inventory (through helper rules
// too, so imports must be resolved) and which define an applies rule.
type Facts struct {
	// Referential and Applicability list control packages.
	Referential   []string `json:"referential"`
	Applicability []string `json:"applicability"`
}

// Library is the compiled set of controls and helpers.
type Library struct {
	// compile returns the compiler, built at load or, for a library loaded
	// with Facts, on first use.
	compile  func() (*ast.Compiler, error)
	modules  map[string]*ast.Module
	sources  map[string]string // file name → Rego text
	controls []*Control
	byID     map[string]*Control
	// left are the controls a source's Keep left out, by ID → file.
	left map[string]string
}

// ControlFile is the file name that marks a folder as a control.
const ControlFile = "policy.rego"

// Package prefixes of the Rego contract.
const (
	ControlRoot = "shipshape"
	HelperRoot  = "lib"
)

// ParametersRoot is where the evaluator serves control parameters:
// data.shipshape_parameters[<control ID>]. Controls are written against
// Gatekeeper's input.parameters; the compiled library reads this document
// instead, so one query evaluates every control with a shared cache.
const ParametersRoot = "shipshape_parameters"

// Load parses and compiles every source. The requirement IDs that controls
// name must exist in the catalogue.
func Load(ctx context.Context, catalogue *requirements.Catalogue, sources ...Source) (*Library, error) {
	l := &Library{modules: map[string]*ast.Module{}, sources: map[string]string{}, byID: map[string]*Control{}, left: map[string]string{}}
	type controlFile struct {
		src  Source
		dir  string
		name string
	}
	var (
		errs     []error
		controls []controlFile
	)
	// Files are listed in walk order, parsed in parallel (parsing is a
	// third of a cold start), then registered in that order.
	type regoFile struct {
		src  Source
		path string
		name string
		data []byte
		mod  *ast.Module
		err  error
		left string // the ID of a control Keep left out, not parsed
		// rewritten is mod as the evaluator compiles it (rewriteParameters).
		rewritten  *ast.Module
		rewriteErr error
	}
	var files []*regoFile
	compiled := map[string]*ast.Module{}
	for _, src := range sources {
		err := fs.WalkDir(src.FS, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			if d.IsDir() || !strings.HasSuffix(p, ".rego") || strings.HasSuffix(p, "_test.rego") {
				return nil
			}
			data, err := fs.ReadFile(src.FS, p)
			if err != nil {
				return err
			}
			files = append(files, &regoFile{src: src, path: p, name: path.Join(src.Name, p), data: data})
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("reading library %s: %w", src.Name, err)
		}
	}
	if err := parallel.ForEach(ctx, len(files), 0, func(i int) {
		f := files[i]
		if f.src.Keep != nil {
			// Parsing is most of what a left-out control would cost: its
			// METADATA id is read from the text.
			if m := metadataID.FindSubmatch(f.data); m != nil && !f.src.Keep(string(m[1])) {
				f.left = string(m[1])
				return
			}
		}
		f.mod, f.err = parseModule(f.name, string(f.data))
		if f.err == nil {
			f.rewritten, f.rewriteErr = rewriteParameters(f.mod)
		}
	}); err != nil {
		return nil, err
	}
	for _, f := range files {
		if _, dup := l.sources[f.name]; dup {
			errs = append(errs, fmt.Errorf("%s: loaded twice", f.name))
			continue
		}
		if f.left != "" {
			l.left[f.left] = f.name
			continue
		}
		if f.err != nil {
			errs = append(errs, f.err)
			continue
		}
		mod := f.mod
		pkg := packagePath(mod)
		switch {
		case strings.HasPrefix(pkg, HelperRoot+"."):
		case strings.HasPrefix(pkg, ControlRoot+"."):
			if path.Base(f.path) == ControlFile {
				controls = append(controls, controlFile{src: f.src, dir: path.Dir(f.path), name: f.name})
			}
		default:
			errs = append(errs, fmt.Errorf("%s:%d: package %s: controls live under %q and helpers under %q",
				f.name, mod.Package.Location.Row, pkg, ControlRoot+".", HelperRoot+"."))
			continue
		}
		if f.rewriteErr != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f.name, f.rewriteErr))
			continue
		}
		l.modules[f.name] = mod
		l.sources[f.name] = string(f.data)
		compiled[f.name] = f.rewritten
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	facts := sourceFacts(sources)
	var annotations *ast.AnnotationSet
	if facts == nil {
		compiler, err := compileModules(compiled)
		if err != nil {
			return nil, err
		}
		l.compile = func() (*ast.Compiler, error) { return compiler, nil }
		facts = &Facts{Referential: l.inventoryReaders(compiler)}
		annotations = compiler.GetAnnotationSet()
		for _, cf := range controls {
			if pkg := packagePath(l.modules[cf.name]); definesRule(compiler, pkg, "applies") {
				facts.Applicability = append(facts.Applicability, pkg)
			}
		}
	} else {
		// The sources are what the facts were recorded from: compiling them
		// is left to the first caller that needs OPA's evaluator.
		l.compile = sync.OnceValues(func() (*ast.Compiler, error) { return compileModules(compiled) })
		mods := make([]*ast.Module, 0, len(l.modules))
		for _, m := range l.modules {
			mods = append(mods, m)
		}
		var errs ast.Errors
		if annotations, errs = ast.BuildAnnotationSet(mods); len(errs) > 0 {
			return nil, fmt.Errorf("reading METADATA: %w", errs)
		}
	}
	referential, applicable := toSet(facts.Referential), toSet(facts.Applicability)
	// Reading METADATA compiles each control's parameter schema: in
	// parallel, then registered in order.
	read := make([]*Control, len(controls))
	readErrs := make([]error, len(controls))
	if err := parallel.ForEach(ctx, len(controls), 0, func(i int) {
		mod := l.modules[controls[i].name]
		read[i], readErrs[i] = newControl(mod, annotations.GetPackageScope(mod.Package), catalogue)
	}); err != nil {
		return nil, err
	}
	for i, cf := range controls {
		c, err := read[i], readErrs[i]
		var metaErr *MetadataError
		if errors.As(err, &metaErr) {
			errs = append(errs, fmt.Errorf("%s:%d: %w", cf.name, metaErr.Line, err))
			continue
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", cf.name, err))
			continue
		}
		c.File, c.dir, c.fsys, c.Builtin = cf.name, cf.dir, cf.src.FS, cf.src.Builtin
		c.Referential = referential[c.Package]
		if err := checkSync(c); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", cf.name, err))
			continue
		}
		if prev, dup := l.byID[c.ID]; dup {
			errs = append(errs, fmt.Errorf("%s: control ID %s is already used by %s", cf.name, c.ID, prev.File))
			continue
		}
		c.Applicability = applicable[c.Package]
		if !definesViolation(l.modules, c.Package) {
			errs = append(errs, fmt.Errorf("%s: package %s defines no `violation` rule", cf.name, c.Package))
			continue
		}
		l.byID[c.ID] = c
		l.controls = append(l.controls, c)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	sort.Slice(l.controls, func(i, j int) bool { return l.controls[i].ID < l.controls[j].ID })
	return l, nil
}

// Controls returns every control, sorted by ID.
func (l *Library) Controls() []*Control { return slices.Clone(l.controls) }

// Control returns the control with the given ID.
func (l *Library) Control(id string) (*Control, bool) {
	c, ok := l.byID[id]
	return c, ok
}

// Compiler returns the compiled library; callers must not modify it.
func (l *Library) Compiler() (*ast.Compiler, error) { return l.compile() }

// Facts returns what compiling the library told about its controls, to
// record with a plan of it (Source.Facts).
func (l *Library) Facts() Facts {
	var f Facts
	for _, c := range l.controls {
		if c.Referential {
			f.Referential = append(f.Referential, c.Package)
		}
		if c.Applicability {
			f.Applicability = append(f.Applicability, c.Package)
		}
	}
	return f
}

// sourceFacts returns the facts of the sources when every one has them,
// else nil.
func sourceFacts(sources []Source) *Facts {
	out := &Facts{}
	for _, s := range sources {
		if s.Facts == nil {
			return nil
		}
		out.Referential = append(out.Referential, s.Facts.Referential...)
		out.Applicability = append(out.Applicability, s.Facts.Applicability...)
	}
	return out
}

func compileModules(modules map[string]*ast.Module) (*ast.Compiler, error) {
	c := ast.NewCompiler().WithEnablePrintStatements(false)
	c.Compile(modules)
	if c.Failed() {
		return nil, fmt.Errorf("compiling library: %w", c.Errors)
	}
	return c, nil
}

func toSet(xs []string) map[string]bool {
	out := make(map[string]bool, len(xs))
	for _, x := range xs {
		out[x] = true
	}
	return out
}

// Modules returns the parsed modules by file name.
func (l *Library) Modules() map[string]*ast.Module { return l.modules }

// EvaluatedModules returns the modules as the evaluator runs them, not
// compiled: input.parameters reads data.shipshape_parameters[<control ID>].
// They are parsed anew from the sources (few callers need them, and a scan
// should not pay for copies), so callers may modify them.
func (l *Library) EvaluatedModules() (map[string]*ast.Module, error) {
	out := make(map[string]*ast.Module, len(l.sources))
	for name, text := range l.sources {
		mod, err := parseModule(name, text)
		if err != nil {
			return nil, err
		}
		if out[name], err = rewriteParameters(mod); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	return out, nil
}

// Knows reports whether id is a control of the sources, compiled or left
// out by a source's Keep.
func (l *Library) Knows(id string) bool {
	_, compiled := l.byID[id]
	_, left := l.left[id]
	return compiled || left
}

// Source returns the Rego text of a loaded file.
func (l *Library) Source(file string) (string, bool) {
	s, ok := l.sources[file]
	return s, ok
}

// definesViolation reports whether a module of package pkg has a
// violation rule.
func definesViolation(modules map[string]*ast.Module, pkg string) bool {
	want := ast.MustParseRef("data." + pkg + ".violation")
	for _, m := range modules {
		if packagePath(m) != pkg {
			continue
		}
		for _, r := range m.Rules {
			if r.Path().HasPrefix(want) {
				return true
			}
		}
	}
	return false
}

func definesRule(c *ast.Compiler, pkg, rule string) bool {
	ref := ast.MustParseRef("data." + pkg + "." + rule)
	return len(c.GetRulesExact(ref)) > 0 || len(c.GetRulesForVirtualDocument(ref)) > 0
}

// inventoryReaders returns the packages whose rules read data.inventory,
// directly or through helper rules that do. It works on the compiled
// modules, where imports are resolved, and per rule, so importing a helper
// package does not make a control referential unless it uses a rule of it
// that reads the inventory.
func (l *Library) inventoryReaders(compiler *ast.Compiler) []string {
	inventory := ast.MustParseRef("data.inventory")
	type ruleRefs struct {
		path   ast.Ref
		pkg    string
		refs   []ast.Ref
		marked bool
	}
	var rules []*ruleRefs
	for _, mod := range compiler.Modules {
		pkg := packagePath(mod)
		for _, r := range mod.Rules {
			rr := &ruleRefs{path: r.Path(), pkg: pkg}
			ast.WalkRefs(r, func(ref ast.Ref) bool {
				if ref.HasPrefix(ast.DefaultRootRef) {
					rr.refs = append(rr.refs, ref)
				}
				return false
			})
			rules = append(rules, rr)
		}
	}
	// A rule reads the inventory when a ref of its reads data.inventory or
	// a rule that does (either path a prefix of the other); to a fixpoint.
	var readers []ast.Ref
	reads := func(ref ast.Ref) bool {
		if ref.HasPrefix(inventory) {
			return true
		}
		for _, reader := range readers {
			if ref.HasPrefix(reader) || reader.HasPrefix(ref) {
				return true
			}
		}
		return false
	}
	for changed := true; changed; {
		changed = false
		for _, r := range rules {
			if r.marked {
				continue
			}
			if slices.ContainsFunc(r.refs, reads) {
				// Every rule of the same path is a reader too.
				for _, other := range rules {
					if !other.marked && other.path.Equal(r.path) {
						other.marked = true
					}
				}
				changed = true
				readers = append(readers, r.path)
			}
		}
	}
	var packages []string
	for _, r := range rules {
		if r.marked && !slices.Contains(packages, r.pkg) {
			packages = append(packages, r.pkg)
		}
	}
	slices.Sort(packages)
	return packages
}

// rewriteParameters returns a copy of a control module in which every
// input.parameters reference reads data.shipshape_parameters[<id>] instead,
// so the evaluator needs no `with` (which would discard the evaluation
// cache for each control). Helper modules must not read input.parameters;
// controls must name input.review or input.parameters, not input as a whole.
func rewriteParameters(mod *ast.Module) (*ast.Module, error) {
	pkg := packagePath(mod)
	input := ast.InputRootRef
	params := input.Append(ast.StringTerm("parameters"))
	var problem error
	check := func(ref ast.Ref) {
		if !ref.HasPrefix(input) || problem != nil {
			return
		}
		if len(ref) == 1 || !ref[1].IsGround() {
			problem = fmt.Errorf("%s: refer to input.review or input.parameters by name, not to input as a whole (%s)", ref[0].Location, ref)
		}
		if strings.HasPrefix(pkg, HelperRoot+".") && ref.HasPrefix(params) {
			problem = fmt.Errorf("%s: helpers must take parameters as arguments instead of reading %s", ref[0].Location, ref)
		}
	}
	ast.WalkRefs(mod, func(ref ast.Ref) bool {
		check(ref)
		return false
	})
	if problem != nil {
		return nil, problem
	}
	if !strings.HasPrefix(pkg, ControlRoot+".") {
		return mod, nil
	}
	id, err := controlID(mod)
	if err != nil {
		return mod, nil // reported when the control's metadata is read
	}
	target := ast.MustParseRef("data." + ParametersRoot).Append(ast.StringTerm(id))
	rewrite := func(ref ast.Ref) (ast.Value, error) {
		if !ref.HasPrefix(params) {
			return ref, nil
		}
		return target.Concat(ref[len(params):]), nil
	}
	copied := mod.Copy()
	// ast.Transform does not descend into `some x in xs` declarations, so
	// their terms are rewritten here first.
	ast.WalkExprs(copied, func(e *ast.Expr) bool {
		decl, ok := e.Terms.(*ast.SomeDecl)
		if !ok {
			return false
		}
		for _, sym := range decl.Symbols {
			out, err := ast.TransformRefs(sym.Value, rewrite)
			if err != nil {
				problem = err
				continue
			}
			sym.Value = out.(ast.Value)
		}
		return false
	})
	out, err := ast.TransformRefs(copied, rewrite)
	if err != nil {
		return nil, err
	}
	if problem != nil {
		return nil, problem
	}
	return out.(*ast.Module), nil
}

// controlID reads custom.id from a control module's package annotation.
func controlID(mod *ast.Module) (string, error) {
	for _, a := range mod.Annotations {
		if a.Scope == "package" {
			if id, ok := a.Custom["id"].(string); ok && id != "" {
				return id, nil
			}
		}
	}
	return "", fmt.Errorf("no custom.id")
}

// parseModule parses a library file as Rego v1 with its METADATA.
func parseModule(name, text string) (*ast.Module, error) {
	return ast.ParseModuleWithOpts(name, text, ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
}

// metadataID finds a control's custom.id in the text of its METADATA block
// (one "id:" line under "# custom:"), so a control a source's Keep leaves
// out need not be parsed.
var metadataID = regexp.MustCompile(`(?m)^#\s+custom:\s*\n(?:#.*\n)*?#\s+id:\s*["']?([A-Za-z0-9_.-]+)["']?\s*$`)

func packagePath(mod *ast.Module) string {
	return strings.TrimPrefix(mod.Package.Path.String(), "data.")
}

// newControl reads a control's METADATA block.
func newControl(mod *ast.Module, a *ast.Annotations, catalogue *requirements.Catalogue) (*Control, error) {
	pkg := packagePath(mod)
	if a == nil {
		return nil, fmt.Errorf("package %s has no `# METADATA` block (scope package) describing the control", pkg)
	}
	custom := a.Custom
	c := &Control{
		Title:       strings.TrimSpace(a.Title),
		Description: strings.TrimSpace(a.Description),
		Package:     pkg,
		Admission:   true,
		Frameworks:  map[string]any{},
	}
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	// line is where the first problem is: a misspelt key's own line, else
	// the METADATA block's.
	line := 0
	badAt := func(at int, format string, args ...any) {
		if line == 0 {
			line = at
		}
		bad(format, args...)
	}
	for _, k := range blockKeys(mod, a) {
		if !slices.Contains(annotationKeys, k.key) {
			where := "; the METADATA keys are " + strings.Join(annotationKeys, ", ")
			if slices.Contains(metadataKeys, k.key) {
				where = "; it belongs under custom:"
			}
			badAt(k.line, "%s is not a METADATA key%s%s", k.key, DidYouMean(k.key, annotationKeys), where)
		}
	}
	for _, key := range slices.Sorted(maps.Keys(custom)) {
		if !slices.Contains(metadataKeys, key) {
			badAt(metadataLine(mod, a, "custom", key), "custom.%s is not a METADATA key%s; the keys are %s",
				key, DidYouMean(key, metadataKeys), strings.Join(metadataKeys, ", "))
		}
	}

	if c.Title == "" {
		bad("title is required")
	}
	c.ID, _ = custom["id"].(string)
	if c.ID == "" {
		bad("custom.id is required (a stable ID such as SS-POD-001)")
	}
	sev, _ := custom["severity"].(string)
	if s, err := ParseSeverity(sev); err != nil {
		bad("custom.severity: %v", err)
	} else {
		c.Severity = s
	}
	reqs, err := stringList(custom["requirements"])
	if err != nil {
		bad("custom.requirements: %v", err)
	}
	for _, r := range reqs {
		if _, ok := catalogue.Get(r); !ok {
			bad("custom.requirements: %s is not in the requirements catalogue", r)
		}
	}
	c.Requirements = reqs
	if fw, ok := custom["frameworks"]; ok {
		m, isMap := fw.(map[string]any)
		if !isMap {
			bad("custom.frameworks must be a mapping of framework to references")
		}
		c.Frameworks = m
		known := make([]string, 0, len(Frameworks()))
		for _, f := range Frameworks() {
			known = append(known, f.Key)
		}
		for _, key := range slices.Sorted(maps.Keys(m)) {
			if !slices.Contains(known, key) {
				badAt(metadataLine(mod, a, "custom", "frameworks", key), "custom.frameworks: %s is not a framework shipshape reports%s; the frameworks are %s",
					key, DidYouMean(key, known), strings.Join(known, ", "))
			}
		}
	}
	kinds, err := stringList(custom["kinds"])
	if err != nil {
		bad("custom.kinds: %v", err)
	}
	if len(kinds) == 0 {
		bad("custom.kinds must list the kinds the control judges (Kind, group/Kind, or %s)", WorkloadKindsAlias)
	}
	for _, k := range kinds {
		if k == WorkloadKindsAlias {
			c.Kinds = append(c.Kinds, WorkloadKinds()...)
			continue
		}
		kind, err := ParseKind(k)
		if err != nil {
			bad("custom.kinds: %v", err)
			continue
		}
		c.Kinds = append(c.Kinds, kind)
	}
	c.Kinds = withLegacyGroups(c.Kinds)
	if p, ok := custom["parameters"]; ok && p != nil {
		m, isMap := p.(map[string]any)
		if !isMap {
			bad("custom.parameters must be a JSON schema object")
		} else if s, err := schema.Compile(c.ID+"-parameters", m); err != nil {
			bad("custom.parameters: %v", err)
		} else {
			c.Parameters, c.schema = m, s
			if err := s.Validate(c.Defaults()); err != nil {
				bad("custom.parameters: defaults do not satisfy the schema: %v", err)
			}
		}
	}
	c.Remediation, _ = custom["remediation"].(string)
	c.Remediation = strings.TrimSpace(c.Remediation)
	syncs, err := stringList(custom["sync"])
	if err != nil {
		bad("custom.sync: %v", err)
	}
	for _, s := range syncs {
		gvk, err := ParseGroupVersionKind(s)
		if err != nil {
			bad("custom.sync: %v", err)
			continue
		}
		c.Sync = append(c.Sync, gvk)
	}
	if ed, ok := custom["externalData"]; ok {
		m, isMap := ed.(map[string]any)
		provider, _ := m["provider"].(string)
		check, _ := m["check"].(string)
		if !isMap || provider == "" || check == "" {
			bad("custom.externalData must be {provider: <setting naming the Gatekeeper provider>, check: <what it checks>}")
		}
		c.ExternalDataProvider, c.ExternalDataCheck = provider, check
	}
	if ops, ok := custom["operations"]; ok {
		list, err := stringList(ops)
		if err != nil || !slices.Equal(list, []string{"UPDATE"}) {
			bad("custom.operations: the only value is [UPDATE], for a control that judges a change to an object (the old object); leave it out for a control that judges objects as they are")
		}
		c.UpdateOnly = true
	}
	if adm, ok := custom["admission"]; ok {
		b, isBool := adm.(bool)
		if !isBool {
			bad("custom.admission must be true or false")
		}
		c.Admission = b
	}
	if c.UpdateOnly && !c.Admission {
		bad("custom.operations: [UPDATE] needs admission: only an admission request carries the old object")
	}
	if len(errs) > 0 {
		if line == 0 {
			line = a.Location.Row
		}
		return nil, &MetadataError{Line: line, Package: pkg, Problems: errs}
	}
	return c, nil
}

// MetadataError lists what is wrong with a control's METADATA block.
type MetadataError struct {
	// Line is the line of the first misspelt key, or of the block.
	Line     int
	Package  string
	Problems []string
}

func (e *MetadataError) Error() string {
	return fmt.Sprintf("METADATA of %s: %s", e.Package, strings.Join(e.Problems, "; "))
}

// metadataLine finds the line of a key path (such as custom, frameworks,
// cis-dockr) in a METADATA block, each key after the one before it; it
// gives the deepest it finds, or the block's first line.
func metadataLine(mod *ast.Module, a *ast.Annotations, path ...string) int {
	line, next := a.Location.Row, 0
	for _, c := range mod.Comments {
		if c.Location.Row < a.Location.Row || next == len(path) {
			continue
		}
		if mod.Package != nil && c.Location.Row >= mod.Package.Location.Row {
			break // the block ends at the package clause
		}
		if yamlKeyAt(string(c.Text), path[next]) {
			line = c.Location.Row
			next++
		}
	}
	return line
}

// annotationKeys are the top-level keys of a METADATA block OPA reads;
// it ignores others without a word.
var annotationKeys = []string{
	"scope", "title", "description", "entrypoint", "custom", "organizations",
	"related_resources", "authors", "schemas", "compile", "labels",
}

type blockKey struct {
	key  string
	line int
}

// topLevelKey matches a top-level key of a METADATA block's YAML: one
// space after the comment's #, then the key.
var topLevelKey = regexp.MustCompile(`^ ?([A-Za-z_][\w-]*):`)

// blockKeys lists the top-level keys of a METADATA block with their lines.
func blockKeys(mod *ast.Module, a *ast.Annotations) []blockKey {
	var keys []blockKey
	prev := a.Location.Row
	for _, c := range mod.Comments {
		if c.Location.Row <= a.Location.Row {
			continue
		}
		if c.Location.Row != prev+1 {
			break // the block is the comment lines that follow # METADATA
		}
		prev = c.Location.Row
		if m := topLevelKey.FindSubmatch(c.Text); m != nil {
			keys = append(keys, blockKey{key: string(m[1]), line: c.Location.Row})
		}
	}
	return keys
}

// yamlKeyAt reports whether a line of YAML sets key, in block or flow
// style.
func yamlKeyAt(text, key string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], key+":")
		if j < 0 {
			return false
		}
		j += i
		if j == 0 || strings.ContainsRune(" \t{,", rune(text[j-1])) {
			return true
		}
		i = j + 1
	}
}

// DidYouMean suggests the closest of known to a misspelt name: " (did you
// mean NAME?)", or "" when none is within two edits.
func DidYouMean(name string, known []string) string {
	best, bestDist := "", 3 // more than two edits is not a typo
	for _, k := range known {
		if d := editDistance(strings.ToLower(name), strings.ToLower(k)); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}

// editDistance is the Levenshtein distance of a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// withLegacyGroups adds, for each kind, the legacy API groups whose objects
// of that kind are judged as the current kind (extensions/DaemonSet for
// apps/DaemonSet): old manifests are judged by their shape, never skipped
// because of their apiVersion.
func withLegacyGroups(kinds []Kind) []Kind {
	out := slices.Clone(kinds)
	for _, k := range kinds {
		for _, g := range input.LegacyGroups(k.Group, k.Kind) {
			if legacy := (Kind{Group: g, Kind: k.Kind}); !slices.Contains(out, legacy) {
				out = append(out, legacy)
			}
		}
	}
	return out
}

// checkSync holds a control's custom.sync to what it does: a control that
// reads the inventory must say which types it reads (Gatekeeper replicates
// them at admission; the offline engine keeps only them in memory), and a
// control that does not read it must not ask.
func checkSync(c *Control) error {
	switch {
	case c.Referential && len(c.Sync) == 0:
		return fmt.Errorf("control %s reads data.inventory: list the types it reads in custom.sync (group/version/Kind), so the engine keeps them and exports ask Gatekeeper to replicate them", c.ID)
	case !c.Referential && len(c.Sync) > 0:
		return fmt.Errorf("control %s declares custom.sync but never reads data.inventory", c.ID)
	}
	return nil
}

func stringList(v any) ([]string, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("must be a list of strings")
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("must be a list of strings, found %v", e)
		}
		out = append(out, s)
	}
	return out, nil
}
