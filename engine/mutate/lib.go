package mutate

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/shipshape-dev/shipshape/engine/internal/parallel"
	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/engine/requirements"
)

// HelperDir is the folder of the built-in library's helper packages
// (data.lib.*), shared by the controls.
const HelperDir = "lib"

// libRef finds the helper packages a Rego file reads.
var libRef = regexp.MustCompile(`\bdata\.lib\.([a-z_][a-z0-9_]*)`)

// helperFile is one helper package's file and the controls that read it,
// directly or through other helpers.
type helperFile struct {
	name   string // lib/pods.rego
	pkg    string // pods
	text   string
	users  []*policy.Control
	module *ast.Module
}

// RunHelpers mutates each helper file of the built-in library (library/lib)
// and runs, against every mutant, the cases of the controls that read the
// helper, directly or through another helper: a mutant is killed when a
// case of any of them fails. Equivalent mutants are listed in
// lib/mutants.yaml, each naming its file. keep picks the helper files by
// ID (lib/pods).
func RunHelpers(ctx context.Context, catalogue *requirements.Catalogue, sources []policy.Source, controls []*policy.Control, keep func(id string) bool) ([]Report, error) {
	at := slices.IndexFunc(sources, func(s policy.Source) bool { return s.Builtin })
	if at < 0 {
		return nil, fmt.Errorf("no built-in library among the sources")
	}
	helpers, err := readHelpers(sources[at].FS, controls)
	if err != nil {
		return nil, err
	}
	helpers = slices.DeleteFunc(helpers, func(h helperFile) bool { return !keep(helperID(h.name)) })
	equivalents, err := readEquivalents(sources[at].FS, path.Join(HelperDir, EquivalentFile))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path.Join(sources[at].Name, HelperDir, EquivalentFile), err)
	}
	for _, e := range equivalents {
		if e.File == "" {
			return nil, fmt.Errorf("%s: line %d %s: name the helper file the mutant is in (file: pods.rego)", path.Join(sources[at].Name, HelperDir, EquivalentFile), e.Line, e.Operator)
		}
	}
	reports := make([]Report, len(helpers))
	type job struct {
		helper, mutant int
		m              Mutant
	}
	var jobs []job
	for i, h := range helpers {
		reports[i] = Report{ID: helperID(h.name), File: path.Join(sources[at].Name, h.name)}
		for j, m := range Mutants(h.text, h.module) {
			jobs = append(jobs, job{helper: i, mutant: j, m: m})
		}
		// The cases must pass as they are, or no mutant means anything.
		if killed, _, err := judgeHelper(ctx, catalogue, sources, at, h, h.text, nil); err != nil || killed {
			reports[i].Err = fmt.Errorf("the cases of the controls that read %s do not pass before mutation; run shipshape test", h.name)
		}
	}
	outcomes := make([]Outcome, len(jobs))
	// killers remembers, per helper, the control that last killed one of
	// its mutants: neighbouring mutants mostly die by the same cases, so
	// trying it first saves most of the runs. It changes the time only,
	// never a verdict.
	var mu sync.Mutex
	killers := make([]*policy.Control, len(helpers))
	err = parallel.ForEach(ctx, len(jobs), 0, func(k int) {
		jb := jobs[k]
		if reports[jb.helper].Err != nil {
			return
		}
		h := helpers[jb.helper]
		mu.Lock()
		first := killers[jb.helper]
		mu.Unlock()
		o := Outcome{Mutant: jb.m}
		killed, by, err := judgeHelper(ctx, catalogue, sources, at, h, jb.m.source, first)
		switch {
		case err != nil:
			o.Stillborn = true
		case killed:
			o.Killed = true
			mu.Lock()
			killers[jb.helper] = by
			mu.Unlock()
		default:
			for _, e := range equivalents {
				if e.File == path.Base(h.name) && e.Line == jb.m.Line && e.Operator == jb.m.Operator && (e.Change == "" || e.Change == jb.m.Change) {
					o.Equivalent = e.Why
				}
			}
		}
		outcomes[k] = o
	})
	if err != nil {
		return nil, err
	}
	for k, jb := range jobs {
		if reports[jb.helper].Err == nil {
			reports[jb.helper].Outcomes = append(reports[jb.helper].Outcomes, outcomes[k])
		}
	}
	return reports, nil
}

// readHelpers parses the helper files and finds the controls that read
// each, through other helpers too.
func readHelpers(fsys fs.FS, controls []*policy.Control) ([]helperFile, error) {
	names, err := fs.Glob(fsys, HelperDir+"/*.rego")
	if err != nil {
		return nil, err
	}
	var helpers []helperFile
	reads := map[string][]string{} // helper package → helper packages it reads
	for _, name := range names {
		if strings.HasSuffix(name, "_test.rego") {
			continue
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		mod, err := ast.ParseModuleWithOpts(name, string(data), ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			return nil, err
		}
		pkg := strings.TrimPrefix(mod.Package.Path.String(), "data.lib.")
		helpers = append(helpers, helperFile{name: name, pkg: pkg, text: string(data), module: mod})
		reads[pkg] = libPackages(string(data))
	}
	for i := range helpers {
		for _, c := range controls {
			data, err := fs.ReadFile(c.FS(), path.Join(c.Dir(), "policy.rego"))
			if err != nil {
				return nil, err
			}
			if readsHelper(libPackages(string(data)), helpers[i].pkg, reads) {
				helpers[i].users = append(helpers[i].users, c)
			}
		}
		// Controls that name the helper themselves first: they are the
		// likeliest to notice a change to it.
		direct := func(c *policy.Control) bool {
			data, _ := fs.ReadFile(c.FS(), path.Join(c.Dir(), "policy.rego"))
			return slices.Contains(libPackages(string(data)), helpers[i].pkg)
		}
		sort.SliceStable(helpers[i].users, func(a, b int) bool {
			return direct(helpers[i].users[a]) && !direct(helpers[i].users[b])
		})
	}
	return helpers, nil
}

// libPackages lists the helper packages a Rego text names.
func libPackages(text string) []string {
	var out []string
	for _, m := range libRef.FindAllStringSubmatch(text, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

// readsHelper reports whether packages, or a helper they read (through
// any chain of helpers), is pkg.
func readsHelper(packages []string, pkg string, reads map[string][]string) bool {
	seen := map[string]bool{}
	for len(packages) > 0 {
		p := packages[0]
		packages = packages[1:]
		if p == pkg {
			return true
		}
		if !seen[p] {
			seen[p] = true
			packages = append(packages, reads[p]...)
		}
	}
	return false
}

// judgeHelper runs the cases of the helper's users with the helper's
// source replaced, each user compiled alone, first the control given
// (when it reads the helper), and stops at the first that fails: killed
// is true, with that control.
func judgeHelper(ctx context.Context, catalogue *requirements.Catalogue, sources []policy.Source, at int, h helperFile, source string, first *policy.Control) (bool, *policy.Control, error) {
	users := h.users
	if first != nil && slices.Contains(users, first) {
		users = append([]*policy.Control{first}, slices.DeleteFunc(slices.Clone(users), func(c *policy.Control) bool { return c == first })...)
	}
	for _, c := range users {
		killed, err := judgeWith(ctx, catalogue, sources, at, c, h.name, source)
		if err != nil {
			return false, nil, err
		}
		if killed {
			return true, c, nil
		}
	}
	return false, nil, nil
}

// helperID names a helper file in reports: lib/pods for lib/pods.rego.
func helperID(name string) string { return strings.TrimSuffix(name, ".rego") }
