package export

import (
	"fmt"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/format"

	"github.com/shipshape-dev/shipshape/engine/policy"
)

// regoSources is a control's Rego as a template carries it: the control's
// module and the helper modules it uses, directly or through other helpers.
type regoSources struct {
	Rego string
	Libs []string
}

// controlSources collects the control's module and the helper modules it
// needs. Helpers a control never reaches stay out of its template, so each
// template compiles only what it runs.
func controlSources(lib *policy.Library, c *policy.Control, legacy bool) (regoSources, error) {
	compiler, err := lib.Compiler()
	if err != nil {
		return regoSources{}, err
	}
	mod, ok := compiler.Modules[c.File]
	if !ok {
		return regoSources{}, fmt.Errorf("%s: not in the compiled library", c.File)
	}
	src, ok := lib.Source(c.File)
	if !ok {
		return regoSources{}, fmt.Errorf("%s: no source", c.File)
	}
	return moduleSources(lib, c.File, src, mod, legacy)
}

// moduleSources collects a module (compiled, so its references to helpers
// are resolved) and the helper modules it reaches, as template text.
func moduleSources(lib *policy.Library, name, src string, mod *ast.Module, legacy bool) (regoSources, error) {
	helpers := map[string]ast.Ref{} // file → package path
	for file, m := range lib.Modules() {
		if m.Package.Path.HasPrefix(ast.MustParseRef("data."+policy.HelperRoot)) && !strings.HasSuffix(file, "_test.rego") {
			helpers[file] = m.Package.Path
		}
	}
	compiler, err := lib.Compiler()
	if err != nil {
		return regoSources{}, err
	}
	compiled := compiler.Modules
	needed := map[string]bool{}
	queue := []*ast.Module{mod}
	for len(queue) > 0 {
		m := queue[0]
		queue = queue[1:]
		ast.WalkRefs(m, func(ref ast.Ref) bool {
			if !ref.HasPrefix(ast.DefaultRootRef) {
				return false
			}
			for file, pkg := range helpers {
				if !needed[file] && (ref.HasPrefix(pkg) || pkg.HasPrefix(ref.ConstantPrefix())) {
					needed[file] = true
					queue = append(queue, compiled[file])
				}
			}
			return false
		})
	}
	files := make([]string, 0, len(needed))
	for file := range needed {
		files = append(files, file)
	}
	slices.Sort(files)

	var out regoSources
	if out.Rego, err = templateText(name, src, legacy); err != nil {
		return regoSources{}, err
	}
	for _, file := range files {
		text, _ := lib.Source(file)
		src, err := templateText(file, text, legacy)
		if err != nil {
			return regoSources{}, err
		}
		out.Libs = append(out.Libs, src)
	}
	return out, nil
}

// templateText returns a module's Rego as a template embeds it.
// Gatekeeper refuses `import rego.v1`, so it goes: v1 code needs no import,
// and the legacy form (parsed as v0) gets `import future.keywords`, which
// gives v0 the same keywords. Indentation becomes spaces (YAML block
// scalars cannot hold tabs, and a quoted string would be unreadable) and
// trailing blanks go. The result must parse to the same module as the
// file, imports aside, or the export fails.
func templateText(file, src string, legacy bool) (string, error) {
	want, err := ast.ParseModuleWithOpts(file, src, ast.ParserOptions{RegoVersion: ast.RegoV1})
	if err != nil {
		return "", err
	}
	var out []string
	keywords := false
	for _, line := range strings.Split(strings.TrimRight(src, "\n"), "\n") {
		body := strings.TrimLeft(line, "\t")
		line = strings.TrimRight(strings.Repeat("    ", len(line)-len(body))+body, " \t")
		switch {
		case line == "import rego.v1":
			if legacy {
				out, keywords = append(out, "import future.keywords"), true
			}
			continue
		case line == "" && len(out) > 0 && out[len(out)-1] == "":
			continue
		}
		out = append(out, line)
		if legacy && !keywords && strings.HasPrefix(line, "package ") {
			out, keywords = append(out, "", "import future.keywords"), true
		}
	}
	text := strings.Join(out, "\n") + "\n"

	version := ast.RegoV1
	if legacy {
		version = ast.RegoV0
	}
	got, err := ast.ParseModuleWithOpts(file, text, ast.ParserOptions{RegoVersion: version})
	if err != nil {
		return "", fmt.Errorf("%s: exported Rego does not parse: %w", file, err)
	}
	same, err := sameModule(got, want)
	if err != nil {
		return "", fmt.Errorf("%s: %w", file, err)
	}
	if !same {
		return "", fmt.Errorf("%s: exported Rego is not the same module as the library's (a tab inside a raw string?)", file)
	}
	return text, nil
}

// sameModule compares two modules by their canonical Rego v1 rendering,
// which erases how each was written (v0 with future keywords or v1) but not
// what it says.
func sameModule(a, b *ast.Module) (bool, error) {
	fa, err := canonical(a)
	if err != nil {
		return false, err
	}
	fb, err := canonical(b)
	if err != nil {
		return false, err
	}
	return fa == fb, nil
}

// canonical renders a module as Rego v1 without the imports that only
// choose syntax (the formatter adds some back for v0-parsed modules).
func canonical(m *ast.Module) (string, error) {
	out, err := format.AstWithOpts(withoutKeywordImports(m), format.Opts{RegoVersion: ast.RegoV1})
	if err != nil {
		return "", err
	}
	lines := strings.Split(string(out), "\n")
	lines = slices.DeleteFunc(lines, func(l string) bool {
		return strings.HasPrefix(l, "import future.keywords") || l == "import rego.v1" || strings.TrimSpace(l) == ""
	})
	return strings.Join(lines, "\n"), nil
}

// withoutKeywordImports drops rego.v1 and future.keywords imports, which
// only choose syntax.
func withoutKeywordImports(m *ast.Module) *ast.Module {
	c := m.Copy()
	c.Imports = slices.DeleteFunc(c.Imports, func(i *ast.Import) bool {
		ref, ok := i.Path.Value.(ast.Ref)
		return ok && (ref.HasPrefix(ast.MustParseRef("rego.v1")) || ref.HasPrefix(ast.MustParseRef("future.keywords")))
	})
	return c
}
