// Package tfsrc reads a Terraform module from its source (.tf files) the
// way `terraform plan` evaluates it, without providers or state: variables
// from their defaults, terraform.tfvars, *.auto.tfvars and the var files
// given; locals; count and for_each; dynamic blocks; modules from local
// paths and those `terraform init` vendored under .terraform/modules. The
// result has the shape of `terraform show -json`'s planned_values, so the
// plan reader judges both alike, and every value knows its file and line.
//
// Values that exist only after apply (another resource's attributes, data
// sources, a variable nobody set) are unresolved: they are an
// armexpr.Unresolved holding the expression as written, never read as
// unset.
package tfsrc

import (
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"

	"github.com/shipshape-dev/shipshape/engine/azure/armexpr"
	"github.com/shipshape-dev/shipshape/engine/azure/source"
)

// Options are what a read takes besides the module directory.
type Options struct {
	// VarFiles are .tfvars files read after the module's own, as
	// terraform's -var-file.
	VarFiles []string
	// MaxModuleDepth bounds module calls (a module that calls itself).
	MaxModuleDepth int
	// MaxFileSize bounds each file read (0: no bound).
	MaxFileSize int64
}

// Place is where a value is written.
type Place = source.Place

// Config is a module read from source.
type Config struct {
	// Plan has the shape of `terraform show -json` (planned_values with
	// root_module and child_modules); unresolved values are
	// armexpr.Unresolved.
	Plan map[string]any
	// Files are the files read, the module's and its modules'.
	Files []string
	// NotRead lists what could not be read (a module from a registry
	// that is not vendored, a .tf.json file) with why.
	NotRead []Skipped
	places  source.Places
}

// Skipped is a path that was not read, and why.
type Skipped = source.Skipped

// Place returns where the value at a path of Plan is written: the path
// itself or its nearest ancestor that has a place.
func (c *Config) Place(path []any) (Place, bool) { return c.places.Find(path) }

// IsModule reports whether dir holds Terraform source (.tf files).
func IsModule(dir string) bool { return isModule(source.Disk{}, dir) }

// IsModuleFS is IsModule in fsys.
func IsModuleFS(fsys fs.FS, dir string) bool { return isModule(source.FS{FS: fsys}, dir) }

func isModule(src files, dir string) bool {
	matches, _ := globFiles(src, src.Join(dir, "*.tf"))
	return len(matches) > 0
}

// Load reads the module in dir and the modules it calls.
func Load(dir string, opts Options) (*Config, error) { return load(source.Disk{}, dir, opts) }

// LoadFS reads the module in dir of fsys (slash-separated names, as in
// an embedded library) and the modules it calls.
func LoadFS(fsys fs.FS, dir string, opts Options) (*Config, error) {
	return load(source.FS{FS: fsys}, dir, opts)
}

func load(src files, dir string, opts Options) (*Config, error) {
	if opts.MaxModuleDepth == 0 {
		opts.MaxModuleDepth = 16
	}
	l := &loader{src: src, parser: hclparse.NewParser(), config: &Config{places: source.Places{}}, opts: opts, root: dir}
	vars, err := l.rootVariables(dir)
	if err != nil {
		return nil, err
	}
	root, err := l.module(dir, vars, "", []any{"planned_values", "root_module"}, 0)
	if err != nil {
		return nil, err
	}
	l.config.Plan = map[string]any{
		"format_version":    "1.2",
		"terraform_version": "source",
		"planned_values":    map[string]any{"root_module": root},
	}
	sort.Strings(l.config.Files)
	return l.config, nil
}

type loader struct {
	src    files
	parser *hclparse.Parser
	config *Config
	opts   Options
	root   string
}

// input is a variable's value given by a caller or a .tfvars file, with
// where it was given.
type input struct {
	value cty.Value
	place Place
	expr  string
}

// rootVariables reads terraform.tfvars, terraform.tfvars.json,
// *.auto.tfvars and *.auto.tfvars.json (in lexical order) and the var
// files given, later files overriding earlier ones, as Terraform does.
func (l *loader) rootVariables(dir string) (map[string]input, error) {
	var files []string
	for _, name := range []string{"terraform.tfvars", "terraform.tfvars.json"} {
		if _, err := l.src.Stat(l.src.Join(dir, name)); err == nil {
			files = append(files, l.src.Join(dir, name))
		}
	}
	auto, _ := globFiles(l.src, l.src.Join(dir, "*.auto.tfvars"))
	autoJSON, _ := globFiles(l.src, l.src.Join(dir, "*.auto.tfvars.json"))
	auto = append(auto, autoJSON...)
	sort.Strings(auto)
	files = append(files, auto...)
	files = append(files, l.opts.VarFiles...)
	vars := map[string]input{}
	for _, name := range files {
		f, err := l.parseFile(name)
		if err != nil {
			return nil, err
		}
		l.config.Files = append(l.config.Files, name)
		attrs, diags := f.Body.JustAttributes()
		if diags.HasErrors() {
			return nil, fmt.Errorf("%s: %w", name, diags)
		}
		for n, a := range attrs {
			v, diags := a.Expr.Value(nil)
			if diags.HasErrors() {
				return nil, fmt.Errorf("%s:%d: %s: %w", name, a.Range.Start.Line, n, diags)
			}
			vars[n] = input{value: v, place: Place{File: name, Line: a.Range.Start.Line}, expr: text(a.Expr.Range(), f.Bytes)}
		}
	}
	return vars, nil
}

// parseFile parses one file, refusing it before reading when it is over
// the size bound.
func (l *loader) parseFile(name string) (*hcl.File, error) {
	info, err := l.src.Stat(name)
	if err != nil {
		return nil, err
	}
	if l.opts.MaxFileSize > 0 && info.Size() > l.opts.MaxFileSize {
		return nil, fmt.Errorf("%s: %d bytes, over the limit of %d (--max-file-size)", name, info.Size(), l.opts.MaxFileSize)
	}
	data, err := l.src.ReadFile(name)
	if err != nil {
		return nil, err
	}
	parse := l.parser.ParseHCL
	if strings.HasSuffix(strings.ToLower(name), ".json") {
		parse = l.parser.ParseJSON // a .tfvars.json file
	}
	f, diags := parse(data, name)
	if diags.HasErrors() {
		return nil, diagError(diags)
	}
	return f, nil
}

// moduleFiles are the parsed .tf files of one directory.
type moduleFiles struct {
	bodies []*hclsyntax.Body
	bytes  map[string][]byte
}

func (l *loader) parse(dir string) (*moduleFiles, error) {
	names, err := globFiles(l.src, l.src.Join(dir, "*.tf"))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	m := &moduleFiles{bytes: map[string][]byte{}}
	var overrides []*hclsyntax.Body
	for _, name := range names {
		f, err := l.parseFile(name)
		if err != nil {
			return nil, err
		}
		body, ok := f.Body.(*hclsyntax.Body)
		if !ok {
			continue
		}
		l.config.Files = append(l.config.Files, name)
		m.bytes[name] = f.Bytes
		if isOverride(name) {
			overrides = append(overrides, body)
			continue
		}
		m.bodies = append(m.bodies, body)
	}
	for _, o := range overrides {
		mergeOverride(m.bodies, o)
	}
	jsons, _ := globFiles(l.src, l.src.Join(dir, "*.tf.json"))
	for _, name := range jsons {
		l.config.NotRead = append(l.config.NotRead, Skipped{Path: name, Reason: "Terraform JSON syntax is not read from source; judge the plan (terraform show -json)"})
	}
	return m, nil
}

// isOverride reports an override file (override.tf, *_override.tf), which
// Terraform reads after the others and merges into the blocks it names.
func isOverride(name string) bool {
	base := strings.TrimSuffix(filepathBase(name), ".tf")
	return base == "override" || strings.HasSuffix(base, "_override")
}

func filepathBase(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		return name[i+1:]
	}
	return name
}

// mergeOverride merges an override file's blocks into the module's, as
// Terraform does: a block of the same type and labels takes the
// override's arguments, and its nested blocks of each type the override
// writes (dynamic ones too) are replaced by the override's; each local
// value replaces the one of its name. A block nothing matches is added.
func mergeOverride(bodies []*hclsyntax.Body, o *hclsyntax.Body) {
	for _, ob := range o.Blocks {
		if ob.Type == "locals" {
			for name, a := range ob.Body.Attributes {
				placed := false
				for _, b := range bodies {
					for _, blk := range b.Blocks {
						if _, ok := blk.Body.Attributes[name]; ok && blk.Type == "locals" && !placed {
							blk.Body.Attributes[name] = a
							placed = true
						}
					}
				}
				if !placed {
					bodies[0].Blocks = append(bodies[0].Blocks, &hclsyntax.Block{Type: "locals", Body: &hclsyntax.Body{Attributes: hclsyntax.Attributes{name: a}}})
				}
			}
			continue
		}
		target := findBlock(bodies, ob)
		if target == nil {
			if len(bodies) > 0 {
				bodies[0].Blocks = append(bodies[0].Blocks, ob)
			}
			continue
		}
		mergeBody(target.Body, ob.Body)
	}
}

func findBlock(bodies []*hclsyntax.Body, ob *hclsyntax.Block) *hclsyntax.Block {
	for _, b := range bodies {
		for _, blk := range b.Blocks {
			if blk.Type == ob.Type && slices.Equal(blk.Labels, ob.Labels) {
				return blk
			}
		}
	}
	return nil
}

func mergeBody(dst, src *hclsyntax.Body) {
	if dst.Attributes == nil {
		dst.Attributes = hclsyntax.Attributes{}
	}
	for name, a := range src.Attributes {
		dst.Attributes[name] = a
	}
	replaced := map[string]bool{}
	for _, b := range src.Blocks {
		replaced[nestedType(b)] = true
	}
	var kept hclsyntax.Blocks
	for _, b := range dst.Blocks {
		if !replaced[nestedType(b)] {
			kept = append(kept, b)
		}
	}
	dst.Blocks = append(kept, src.Blocks...)
}

// nestedType is a nested block's type; a dynamic block's is its label.
func nestedType(b *hclsyntax.Block) string {
	if b.Type == "dynamic" && len(b.Labels) == 1 {
		return b.Labels[0]
	}
	return b.Type
}

// diagError is the first error of HCL diagnostics, with its file and line.
func diagError(diags hcl.Diagnostics) error {
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		if d.Subject != nil {
			return fmt.Errorf("%s:%d: %s", d.Subject.Filename, d.Subject.Start.Line, msg)
		}
		return errors.New(msg)
	}
	return diags
}

// module evaluates one module instance: its variables from inputs, its
// locals, resources and module calls. at is the path of the module in the
// plan; address prefixes its resources' addresses (module.aks.).
func (l *loader) module(dir string, inputs map[string]input, address string, at []any, depth int) (map[string]any, error) {
	if depth > l.opts.MaxModuleDepth {
		return nil, fmt.Errorf("%s: modules nested more than %d deep", dir, l.opts.MaxModuleDepth)
	}
	files, err := l.parse(dir)
	if err != nil {
		return nil, err
	}
	s := &scope{dir: dir, root: l.root, files: files, vars: map[string]cty.Value{}, locals: map[string]*hclsyntax.Attribute{}, localValues: map[string]cty.Value{}}
	var resources, data, modules []*hclsyntax.Block
	for _, body := range files.bodies {
		for _, b := range body.Blocks {
			switch b.Type {
			case "variable":
				if len(b.Labels) == 1 {
					s.declare(b, inputs)
				}
			case "locals":
				for n, a := range b.Body.Attributes {
					s.locals[n] = a
				}
			case "resource":
				if len(b.Labels) == 2 {
					resources = append(resources, b)
				}
			case "data":
				if len(b.Labels) == 2 {
					data = append(data, b)
				}
			case "module":
				if len(b.Labels) == 1 {
					modules = append(modules, b)
				}
			}
		}
	}
	// Twice: a resource's name may name another resource's.
	for range 2 {
		s.resources = declare(s, resources)
		s.data = declare(s, data)
	}
	out := map[string]any{}
	if address != "" {
		out["address"] = strings.TrimSuffix(address, ".")
	}
	var list []any
	for _, b := range resources {
		for _, inst := range s.instances(b) {
			i := len(list)
			path := append(append([]any{}, at...), "resources", i)
			values := s.blockValues(b.Body, inst.ctx, append(path, "values"), l.config.places, inst.skip)
			addr := address + b.Labels[0] + "." + b.Labels[1] + inst.key
			r := map[string]any{
				"address": addr, "mode": "managed", "type": b.Labels[0], "name": b.Labels[1], "values": values,
			}
			if inst.key == "[*]" {
				// How many instances there are is known only at apply:
				// said (SS-AKS-023), the one instance judged.
				for _, meta := range []string{"count", "for_each"} {
					if a, ok := b.Body.Attributes[meta]; ok {
						r["expansion"] = armexpr.Unresolved{Expr: meta + " = " + s.text(a.Expr)}
						l.config.places.Set(append(path, "expansion"), Place{File: a.SrcRange.Filename, Line: a.SrcRange.Start.Line})
						break
					}
				}
			}
			list = append(list, r)
			l.config.places.Set(path, Place{File: b.DefRange().Filename, Line: b.DefRange().Start.Line})
		}
	}
	if len(list) > 0 {
		out["resources"] = list
	}
	var children []any
	for _, b := range modules {
		child, err := l.call(s, b, address, at, len(children), depth)
		if err != nil {
			return nil, err
		}
		children = append(children, child...)
	}
	if len(children) > 0 {
		out["child_modules"] = children
	}
	return out, nil
}

// call evaluates a module block: each instance (count, for_each) of the
// module it names, with the block's arguments as its variables.
func (l *loader) call(s *scope, b *hclsyntax.Block, address string, at []any, first, depth int) ([]any, error) {
	name := b.Labels[0]
	src, ok := b.Body.Attributes["source"]
	if !ok {
		return nil, nil
	}
	source, diags := src.Expr.Value(nil)
	if diags.HasErrors() || !source.IsKnown() || source.Type() != cty.String {
		l.config.NotRead = append(l.config.NotRead, Skipped{Path: fmt.Sprintf("%s:%d", src.SrcRange.Filename, src.SrcRange.Start.Line), Reason: "module " + name + ": its source is not a literal string"})
		return nil, nil
	}
	dir, reason := l.moduleDir(s.dir, address+"module."+name, source.AsString())
	if dir == "" {
		l.config.NotRead = append(l.config.NotRead, Skipped{Path: fmt.Sprintf("%s:%d", src.SrcRange.Filename, src.SrcRange.Start.Line), Reason: "module " + name + " (" + source.AsString() + "): " + reason})
		return nil, nil
	}
	var out []any
	for _, inst := range s.instances(b) {
		inputs := map[string]input{}
		for n, a := range b.Body.Attributes {
			if metaArgument[n] || n == "source" || n == "version" || n == "providers" {
				continue
			}
			v := s.eval(a.Expr, inst.ctx)
			inputs[n] = input{value: v, place: Place{File: a.SrcRange.Filename, Line: a.SrcRange.Start.Line}, expr: s.text(a.Expr)}
		}
		childAddress := address + "module." + name + inst.key + "."
		path := append(append([]any{}, at...), "child_modules", first+len(out))
		child, err := l.module(dir, inputs, childAddress, path, depth+1)
		if err != nil {
			return nil, fmt.Errorf("module %s: %w", name, err)
		}
		l.config.places.Set(path, Place{File: b.DefRange().Filename, Line: b.DefRange().Start.Line})
		out = append(out, child)
	}
	return out, nil
}

// moduleDir finds a module's directory: a local path, or a module that
// terraform init recorded in .terraform/modules/modules.json.
func (l *loader) moduleDir(from, key, source string) (string, string) {
	if strings.HasPrefix(source, "./") || strings.HasPrefix(source, "../") {
		dir := l.src.Join(from, source)
		if !isModule(l.src, dir) {
			return "", "no .tf files in " + dir
		}
		return dir, ""
	}
	dir, err := vendored(l.src, l.root, strings.TrimPrefix(key, "module."))
	if err != nil {
		return "", "a remote module that is not vendored (run terraform init, which fills .terraform/modules, then scan again): " + err.Error()
	}
	return dir, ""
}

// metaArgument are a block's arguments that Terraform itself reads.
var metaArgument = map[string]bool{"count": true, "for_each": true, "provider": true, "depends_on": true}

// metaBlock are nested blocks Terraform itself reads.
var metaBlock = map[string]bool{"lifecycle": true, "provisioner": true, "connection": true}

func text(r hcl.Range, src []byte) string {
	if r.Start.Byte < 0 || r.End.Byte > len(src) || r.Start.Byte > r.End.Byte {
		return ""
	}
	return strings.TrimSpace(string(src[r.Start.Byte:r.End.Byte]))
}

// functions are Terraform's built-in functions that need no provider or
// file system, from cty's standard library.
func functions() map[string]function.Function {
	return map[string]function.Function{
		"abs": stdlib.AbsoluteFunc, "ceil": stdlib.CeilFunc, "chomp": stdlib.ChompFunc, "chunklist": stdlib.ChunklistFunc,
		"coalesce": stdlib.CoalesceFunc, "coalescelist": stdlib.CoalesceListFunc, "compact": stdlib.CompactFunc,
		"concat": stdlib.ConcatFunc, "contains": stdlib.ContainsFunc, "csvdecode": stdlib.CSVDecodeFunc,
		"distinct": stdlib.DistinctFunc, "element": stdlib.ElementFunc, "flatten": stdlib.FlattenFunc,
		"floor": stdlib.FloorFunc, "format": stdlib.FormatFunc, "formatdate": stdlib.FormatDateFunc,
		"formatlist": stdlib.FormatListFunc, "indent": stdlib.IndentFunc, "index": stdlib.IndexFunc,
		"join": stdlib.JoinFunc, "jsondecode": stdlib.JSONDecodeFunc, "jsonencode": stdlib.JSONEncodeFunc,
		"keys": stdlib.KeysFunc, "length": stdlib.LengthFunc, "log": stdlib.LogFunc, "lookup": lookupFunc,
		"lower": stdlib.LowerFunc, "max": stdlib.MaxFunc, "merge": stdlib.MergeFunc, "min": stdlib.MinFunc,
		"parseint": stdlib.ParseIntFunc, "pow": stdlib.PowFunc, "range": stdlib.RangeFunc, "regex": stdlib.RegexFunc,
		"regexall": stdlib.RegexAllFunc, "replace": stdlib.ReplaceFunc, "reverse": stdlib.ReverseListFunc,
		"setintersection": stdlib.SetIntersectionFunc, "setproduct": stdlib.SetProductFunc,
		"setsubtract": stdlib.SetSubtractFunc, "setunion": stdlib.SetUnionFunc, "signum": stdlib.SignumFunc,
		"slice": stdlib.SliceFunc, "sort": stdlib.SortFunc, "split": stdlib.SplitFunc, "strrev": stdlib.ReverseFunc,
		"substr": stdlib.SubstrFunc, "timeadd": stdlib.TimeAddFunc, "title": stdlib.TitleFunc, "trim": stdlib.TrimFunc,
		"trimprefix": stdlib.TrimPrefixFunc, "trimspace": stdlib.TrimSpaceFunc, "trimsuffix": stdlib.TrimSuffixFunc,
		"upper": stdlib.UpperFunc, "values": stdlib.ValuesFunc, "zipmap": stdlib.ZipmapFunc,
		"try": tryfunc.TryFunc, "can": tryfunc.CanFunc,
		"tostring": conversion(cty.String), "tonumber": conversion(cty.Number), "tobool": conversion(cty.Bool),
		"tolist": conversion(cty.List(cty.DynamicPseudoType)), "toset": conversion(cty.Set(cty.DynamicPseudoType)),
		"tomap": conversion(cty.Map(cty.DynamicPseudoType)),
		"one":   oneFunc, "startswith": startsWithFunc, "endswith": endsWithFunc, "strcontains": strContainsFunc,
	}
}

// number turns a cty number into the json.Number text a plan holds.
func number(n *big.Float) string {
	if n.IsInt() {
		i, _ := n.Int(nil)
		return i.String()
	}
	return n.Text('g', -1)
}
