package mutate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"
	"sigs.k8s.io/yaml"

	"github.com/shipshape-dev/shipshape/engine/casetest"
	"github.com/shipshape-dev/shipshape/engine/internal/parallel"
	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/engine/requirements"
)

// EquivalentFile lists, beside a control, the mutants that survive because
// they change nothing, each with why.
const EquivalentFile = "mutants.yaml"

// Equivalent is an entry of mutants.yaml.
type Equivalent struct {
	// File names the helper file (pods.rego) in lib/mutants.yaml; a
	// control's mutants.yaml leaves it out.
	File     string `json:"file,omitempty"`
	Line     int    `json:"line"`
	Operator string `json:"operator"`
	// Change, when a line has several mutants of the operator, names the
	// one meant, as the report shows it ("" → "shipshape-mutant").
	Change string `json:"change,omitempty"`
	Why    string `json:"why"`
}

// Outcome is what the cases made of one mutant.
type Outcome struct {
	Mutant
	// Killed: a case failed against the mutant.
	Killed bool `json:"killed"`
	// Stillborn: the mutant does not compile; it is not counted.
	Stillborn bool `json:"stillborn,omitempty"`
	// Equivalent is why mutants.yaml says the surviving mutant changes
	// nothing; it is not counted.
	Equivalent string `json:"equivalent,omitempty"`
}

// Survived reports a mutant the cases missed.
func (o Outcome) Survived() bool { return !o.Killed && !o.Stillborn && o.Equivalent == "" }

// Report is one control's mutants.
type Report struct {
	ID       string    `json:"id"`
	File     string    `json:"file"`
	Outcomes []Outcome `json:"mutants"`
	// Err is why the control could not be mutated (its cases fail as they
	// are, or its source could not be read).
	Err error `json:"-"`
}

// Score counts the killed mutants and those that count (not stillborn, not
// equivalent).
func (r Report) Score() (killed, counted int) {
	for _, o := range r.Outcomes {
		if o.Stillborn || o.Equivalent != "" {
			continue
		}
		counted++
		if o.Killed {
			killed++
		}
	}
	return killed, counted
}

// Run mutates each of the controls of the library loaded from sources and
// runs its cases against every mutant, controls in parallel.
func Run(ctx context.Context, catalogue *requirements.Catalogue, sources []policy.Source, controls []*policy.Control) ([]Report, error) {
	reports := make([]Report, len(controls))
	err := parallel.ForEach(ctx, len(controls), 0, func(i int) {
		reports[i] = mutateControl(ctx, catalogue, sources, controls[i])
	})
	return reports, err
}

func mutateControl(ctx context.Context, catalogue *requirements.Catalogue, sources []policy.Source, c *policy.Control) Report {
	r := Report{ID: c.ID, File: c.File}
	file := path.Join(c.Dir(), "policy.rego")
	// Sources name their files: the control's file is its source's name
	// and its path there (an fs.FS is not always comparable).
	at := slices.IndexFunc(sources, func(s policy.Source) bool { return path.Join(s.Name, file) == c.File })
	if at < 0 {
		r.Err = fmt.Errorf("%s: no source holds it", c.File)
		return r
	}
	text, err := fs.ReadFile(c.FS(), file)
	if err != nil {
		r.Err = err
		return r
	}
	mod, err := ast.ParseModuleWithOpts(c.File, string(text), ast.ParserOptions{RegoVersion: ast.RegoV1})
	if err != nil {
		r.Err = err
		return r
	}
	equivalents, err := readEquivalents(c.FS(), path.Join(c.Dir(), EquivalentFile))
	if err != nil {
		r.Err = fmt.Errorf("%s: %w", path.Join(path.Dir(c.File), EquivalentFile), err)
		return r
	}
	// The cases must pass as they are, or no mutant means anything.
	if killed, err := judgeWith(ctx, catalogue, sources, at, c, file, string(text)); err != nil || killed {
		r.Err = fmt.Errorf("the cases of %s do not pass before mutation; run shipshape test --run '%s/'", c.ID, c.ID)
		return r
	}
	for _, m := range Mutants(string(text), mod) {
		o := Outcome{Mutant: m}
		killed, err := judgeWith(ctx, catalogue, sources, at, c, file, m.source)
		switch {
		case err != nil:
			o.Stillborn = true
		case killed:
			o.Killed = true
		default:
			for _, e := range equivalents {
				if e.Line == m.Line && e.Operator == m.Operator && (e.Change == "" || e.Change == m.Change) {
					o.Equivalent = e.Why
				}
			}
		}
		r.Outcomes = append(r.Outcomes, o)
	}
	return r
}

// judgeWith loads the library with the file of sources[at] replaced by
// source, compiling only control c of the built-in ones, and runs c's
// cases: killed is true when one fails; err when the library does not
// load.
func judgeWith(ctx context.Context, catalogue *requirements.Catalogue, sources []policy.Source, at int, c *policy.Control, file, source string) (bool, error) {
	srcs := slices.Clone(sources)
	for i := range srcs {
		srcs[i].Facts = nil
		if srcs[i].Builtin {
			// Compile the mutated control alone of the built-in ones.
			srcs[i].Keep = func(id string) bool { return id == c.ID }
		}
	}
	srcs[at].FS = overlay{base: srcs[at].FS, name: file, data: []byte(source)}
	lib, err := policy.Load(ctx, catalogue, srcs...)
	if err != nil {
		return false, err
	}
	if _, err := lib.Compiler(); err != nil {
		return false, err
	}
	results, err := casetest.Run(ctx, lib, casetest.Options{Run: regexp.MustCompile("^" + regexp.QuoteMeta(c.ID) + "/"), Workers: 1})
	if err != nil {
		return false, err
	}
	for _, res := range results {
		if res.Control.ID == c.ID {
			return !res.Passed(), nil
		}
	}
	return false, errors.New("the control did not load")
}

func readEquivalents(fsys fs.FS, name string) ([]Equivalent, error) {
	data, err := fs.ReadFile(fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Equivalent
	if err := yaml.UnmarshalStrict(data, &out); err != nil {
		return nil, err
	}
	for _, e := range out {
		if e.Why == "" {
			return nil, fmt.Errorf("line %d %s: say why the mutant changes nothing", e.Line, e.Operator)
		}
	}
	return out, nil
}

// overlay is base with one file's content replaced.
type overlay struct {
	base fs.FS
	name string
	data []byte
}

func (o overlay) Open(name string) (fs.File, error) {
	if name != o.name {
		return o.base.Open(name)
	}
	f, err := o.base.Open(name)
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	f.Close()
	if err != nil {
		return nil, err
	}
	return &memFile{Reader: bytes.NewReader(o.data), info: sizedInfo{info, int64(len(o.data))}}, nil
}

func (o overlay) ReadFile(name string) ([]byte, error) {
	if name == o.name {
		return bytes.Clone(o.data), nil
	}
	return fs.ReadFile(o.base, name)
}

type memFile struct {
	*bytes.Reader
	info fs.FileInfo
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *memFile) Close() error               { return nil }

type sizedInfo struct {
	fs.FileInfo
	size int64
}

func (s sizedInfo) Size() int64 { return s.size }
