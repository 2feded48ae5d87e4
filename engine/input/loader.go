package input

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/shipshape-dev/shipshape/engine/azure/tfsrc"
	"github.com/shipshape-dev/shipshape/engine/dockerfile"
	"github.com/shipshape-dev/shipshape/engine/internal/parallel"
	"github.com/shipshape-dev/shipshape/engine/kubelet"
	"github.com/shipshape-dev/shipshape/engine/render"
)

// Stdin is the path that names standard input.
const Stdin = "-"

// Options controls how inputs are read.
type Options struct {
	// Stdin is read when a path is "-"; os.Stdin when nil.
	Stdin io.Reader
	// Limits bound each file (defaults for zero fields).
	Limits Limits
	// Workers bounds parallel parsing (GOMAXPROCS when zero).
	Workers int
	// Helm tunes how charts found among the paths are rendered.
	Helm render.HelmOptions
	// RenderOut, when set, is a directory where the manifests rendered
	// from charts and kustomizations are written, one file per source file,
	// so a user can read what was judged.
	RenderOut string
	// FileRead, when set, is called after each file is read; it must be
	// safe for concurrent use.
	FileRead func()
	// TerraformVarFiles are .tfvars files read, after the module's own,
	// into every Terraform module read from source (-var-file).
	TerraformVarFiles []string
}

func (o Options) maxFileSize() int64 { return o.Limits.WithDefaults().MaxFileSize }

// isManifest reports whether a file found while walking a directory is read.
func isManifest(name string) bool {
	if dockerfile.IsDockerfile(name) || kubelet.IsKubeletFlags(name) {
		return true
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// Discover expands paths into the list of files to read: files as named,
// directories walked recursively for .yaml, .yml and .json files (skipping
// .git), and "-" for standard input. The order is deterministic.
//
// A path or directory entry that cannot be read is an *Error in errs, and
// the walk goes on: the files beside it are still found. Discover stops
// when ctx ends; the caller tells by ctx.Err().
func Discover(ctx context.Context, paths []string) (files []string, errs []error) {
	return discover(ctx, paths, os.ReadDir)
}

// discovery is one Discover: what it found, and how it reads a directory
// (os.ReadDir; tests make it fail).
type discovery struct {
	readDir func(string) ([]fs.DirEntry, error)
	seen    map[string]bool
	files   []string
	errs    []error
	// terraform are the Terraform modules found, each read as a whole.
	terraform []string
}

func discover(ctx context.Context, paths []string, readDir func(string) ([]fs.DirEntry, error)) ([]string, []error) {
	d := &discovery{readDir: readDir, seen: map[string]bool{}}
	for _, p := range paths {
		if ctx.Err() != nil {
			break
		}
		if p == Stdin {
			d.add(p)
			continue
		}
		info, err := os.Stat(p)
		switch {
		case err != nil:
			d.fail(p, err)
		case !info.IsDir(), renderable(p):
			d.add(p)
		default:
			d.walk(ctx, p)
		}
	}
	// A module another module calls by a local path is read through its
	// caller, with the caller's arguments, not on its own.
	if called := calledModules(d.terraform); len(called) > 0 {
		d.files = slices.DeleteFunc(d.files, func(f string) bool { return called[filepath.Clean(f)] })
	}
	// So is a Bicep module another Bicep file calls, and a Bicep file a
	// .bicepparam file gives its parameters.
	if called := calledBicep(d.files); len(called) > 0 {
		d.files = slices.DeleteFunc(d.files, func(f string) bool { return called[filepath.Clean(f)] })
	}
	return d.files, d.errs
}

func (d *discovery) add(p string) {
	key := filepath.Clean(p)
	if !d.seen[key] {
		d.seen[key] = true
		d.files = append(d.files, p)
	}
}

func (d *discovery) fail(p string, err error) {
	d.errs = append(d.errs, &Error{File: p, Document: -1, Err: unwrapPathError(err)})
}

// walk adds the files under dir, in lexical order, as filepath.WalkDir
// visits them; a directory it cannot read is an error, and what was read
// of it is still walked.
func (d *discovery) walk(ctx context.Context, dir string) {
	entries, err := d.readDir(dir)
	if err != nil {
		d.fail(dir, err)
	}
	terraform := tfsrc.IsModule(dir)
	if terraform {
		// Its .tf and .tfvars files are read together, as terraform
		// plan reads them; manifests and folders beside them still are
		// on their own.
		d.add(dir)
		d.terraform = append(d.terraform, dir)
	}
	for _, e := range entries {
		if ctx.Err() != nil {
			return
		}
		path := filepath.Join(dir, e.Name())
		switch {
		case terraform && !e.IsDir() && terraformFile(path):
		case e.IsDir() && (e.Name() == ".git" || e.Name() == ".terraform"):
			// .terraform holds the providers and modules terraform init
			// downloaded, not the configuration.
		case e.IsDir() && renderable(path):
			// A chart or kustomization is rendered as a whole; its files
			// are templates and patches, not manifests.
			d.add(path)
		case e.IsDir():
			d.walk(ctx, path)
		case isManifest(path) || render.IsChartArchive(path) || IsInfrastructureSource(path):
			d.add(path)
		}
	}
}

// renderable reports whether a directory is a Helm chart or a
// kustomization, read by rendering it.
func renderable(dir string) bool { return render.IsChart(dir) || render.IsKustomization(dir) }

// ReadFile reads and decodes one file ("-" for standard input), or renders
// a chart or kustomization directory. Problems are returned inside
// File.Errors, never as a panic. A special file (a named pipe, a socket, a
// device) is not read, which could block forever: it is listed in
// File.Ignored. When ctx ends, the read stops with ctx's error.
func ReadFile(ctx context.Context, name string, opts Options) *File {
	display := name
	if name == Stdin {
		display = StdinName
	} else if info, err := os.Stat(name); err == nil {
		switch {
		case info.IsDir() && !renderable(name) && tfsrc.IsModule(name):
			return readTerraform(name, opts)
		case info.IsDir() || render.IsChartArchive(name) && info.Mode().IsRegular():
			return renderDir(name, opts)
		case !info.Mode().IsRegular():
			return special(name, info.Mode())
		}
	}
	if IsBicep(name) {
		return readBicep(name, opts)
	}
	if hint := SourceFormatHint(name); hint != "" {
		// Listed as not read, with how to judge it: a Terraform file
		// beside manifests must not look judged.
		return &File{Name: display, Ignored: []Ignored{{Path: display, Reason: hint}}}
	}
	data, err := readLimited(ctx, name, opts)
	var notRegular *notRegularError
	switch {
	case errors.As(err, &notRegular):
		return special(name, notRegular.mode)
	case err != nil:
		return &File{Name: display, Errors: []error{&Error{File: display, Document: -1, Err: err}}}
	}
	return parse(display, data, opts.Limits.WithDefaults())
}

// special is the File of a special file, which is not read.
func special(name string, mode fs.FileMode) *File {
	return &File{Name: name, Ignored: []Ignored{{Path: name, Reason: SpecialFileReason(mode)}}}
}

// SpecialFileReason says why a file of the given mode is not read.
func SpecialFileReason(mode fs.FileMode) string {
	what := "not a regular file"
	switch {
	case mode&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case mode&fs.ModeSocket != 0:
		what = "a socket"
	case mode&fs.ModeCharDevice != 0:
		what = "a character device"
	case mode&fs.ModeDevice != 0:
		what = "a device"
	}
	return what + ", not a regular file: not read (reading it could wait forever); scan the file it stands for"
}

// notRegularError is a path that turned out, once open, not to be a
// regular file.
type notRegularError struct{ mode fs.FileMode }

func (e *notRegularError) Error() string { return SpecialFileReason(e.mode) }

// terraformFile reports whether a file is read with its Terraform module.
func terraformFile(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".tf", ".tfvars":
		return true
	}
	lower := strings.ToLower(name)
	return strings.HasSuffix(lower, ".tf.json") || strings.HasSuffix(lower, ".tfvars.json")
}

// IsInfrastructureSource reports whether a file found while walking a
// directory is Terraform or Bicep source: Bicep is read (readBicep); a
// Terraform file outside a module is listed as not read (with
// SourceFormatHint) rather than passed over.
func IsInfrastructureSource(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".tf", ".tfvars", ".bicep", ".bicepparam":
		return true
	}
	return false
}

// SourceFormatHint says how to judge an infrastructure source file that
// shipshape does not read on its own (a Terraform file, read with its
// module); "" for other files, Bicep among them.
func SourceFormatHint(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".tf", ".tfvars":
		return "a Terraform file: scan its module's folder (shipshape scan " + filepath.Dir(name) + "), which reads the module as terraform plan evaluates it (a .tfvars file with --tf-var-file), or scan the plan (terraform show -json plan.bin > plan.json)"
	case ".hcl":
		return "a Terraform configuration, which shipshape does not read: judge the plan instead (terraform plan -out plan.bin && terraform show -json plan.bin > plan.json, then scan plan.json)"
	}
	return ""
}

// renderDir renders a chart (a directory or a packaged archive) or a
// kustomization; each produced document is attributed to the template or
// source file that made it.
func renderDir(dir string, opts Options) *File {
	var (
		docs []render.Document
		err  error
	)
	chart := render.IsAnyChart(dir)
	if chart {
		docs, err = render.Helm(dir, opts.Helm)
	} else {
		docs, err = render.Kustomize(dir)
	}
	f := &File{Name: dir}
	var library *render.LibraryChartError
	switch {
	case errors.As(err, &library):
		f.Ignored = append(f.Ignored, Ignored{Path: dir, Reason: library.Error()})
		return f
	case err != nil:
		f.Errors = append(f.Errors, &Error{File: dir, Document: -1, Err: err})
		return f
	}
	if opts.RenderOut != "" {
		if err := writeRendered(opts.RenderOut, docs); err != nil {
			f.Errors = append(f.Errors, &Error{File: dir, Document: -1, Err: fmt.Errorf("--render-out: %w", err)})
		}
	}
	if !chart {
		for _, p := range render.KustomizeUnread(dir) {
			f.Ignored = append(f.Ignored, Ignored{Path: p, Reason: "not referenced by " + filepath.Join(dir, "kustomization.yaml") + " (scan it by its own path to judge it)"})
		}
	}
	sources := map[string][]byte{}
	var patches []*File
	if len(docs) > 0 {
		for _, p := range docs[0].Patches {
			if data, err := os.ReadFile(p); err == nil {
				patches = append(patches, decodeFile(p, data, opts.Limits.WithDefaults()))
			}
		}
	}
	for _, d := range docs {
		part := decodeFile(d.File, d.Data, opts.Limits.WithDefaults())
		if _, read := sources[d.File]; !read {
			sources[d.File] = d.Source
			if d.Source == nil {
				sources[d.File], _ = os.ReadFile(d.File) // nil when the source is not a file: lines stay rendered
			}
		}
		if sources[d.File] != nil {
			attachOrigins(part.Objects, sources[d.File], d.Template, patches, valuesLines(d.Values), valuesLines(d.Files), opts.Limits.WithDefaults())
		} else {
			attachOrigins(part.Objects, nil, false, nil, nil, nil, opts.Limits.WithDefaults())
		}
		f.Documents += part.Documents
		f.Objects = append(f.Objects, part.Objects...)
		f.Skipped = append(f.Skipped, part.Skipped...)
		f.Errors = append(f.Errors, part.Errors...)
	}
	return f
}

// writeRendered writes each rendered document under dir at its source
// file's path (made relative), so the findings' files and the rendered
// text line up.
func writeRendered(dir string, docs []render.Document) error {
	for _, d := range docs {
		rel := filepath.Clean(d.File)
		if filepath.IsAbs(rel) {
			rel = strings.TrimPrefix(rel, filepath.VolumeName(rel))
		}
		rel = strings.TrimLeft(strings.ReplaceAll(rel, ".."+string(filepath.Separator), ""), string(filepath.Separator))
		out := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		// No header: a finding's rendered line counts in this text.
		if err := os.WriteFile(out, d.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// ReadAll reads files in parallel and returns them in the given order.
func ReadAll(ctx context.Context, files []string, opts Options) ([]*File, error) {
	out := make([]*File, len(files))
	err := parallel.ForEach(ctx, len(files), opts.Workers, func(i int) {
		out[i] = ReadFile(ctx, files[i], opts)
		if opts.FileRead != nil {
			opts.FileRead()
		}
	})
	return out, err
}

// ParseBytes decodes an in-memory YAML or JSON stream as if read from name.
// A file named like a Dockerfile is read as one.
// The default Limits apply.
func ParseBytes(name string, data []byte) *File {
	return parse(name, data, Limits{}.WithDefaults())
}

func parse(name string, data []byte, limits Limits) *File {
	if dockerfile.IsDockerfile(name) {
		return decodeDockerfile(name, data)
	}
	if kubelet.IsKubeletFlags(name) {
		return decodeKubeletFlags(name, data)
	}
	return decodeFile(name, data, limits)
}

func readLimited(ctx context.Context, name string, opts Options) ([]byte, error) {
	limit := opts.maxFileSize()
	var (
		data []byte
		err  error
	)
	if name == Stdin {
		r := opts.Stdin
		if r == nil {
			r = os.Stdin
		}
		data, err = readStdin(ctx, io.LimitReader(r, limit+1))
	} else {
		data, err = readRegular(ctx, name, limit+1)
	}
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &LimitError{What: "the file is too large", Limit: limit, Flag: "max-file-size"}
	}
	return data, nil
}

// readRegular reads up to n bytes of a regular file. It opens without
// blocking, so a path that became a named pipe after it was listed is found
// out (a *notRegularError) instead of waited on, and it stops between reads
// when ctx ends.
func readRegular(ctx context.Context, name string, n int64) ([]byte, error) {
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, unwrapPathError(err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, unwrapPathError(err)
	}
	if !info.Mode().IsRegular() {
		return nil, &notRegularError{mode: info.Mode()}
	}
	data, err := io.ReadAll(io.LimitReader(ctxReader{ctx: ctx, r: f}, n))
	if err != nil {
		return nil, unwrapPathError(err)
	}
	return data, nil
}

// readStdin reads r to its end, or until ctx ends: a pipe whose writer
// never closes it does not hold a scan that was told to stop. The read
// left waiting ends with the process.
func readStdin(ctx context.Context, r io.Reader) ([]byte, error) {
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		data, err := io.ReadAll(r)
		done <- result{data, err}
	}()
	select {
	case res := <-done:
		return res.data, res.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// ctxReader is a reader that fails with ctx's error once ctx ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// unwrapPathError drops the path from *fs.PathError, since Error names the
// file already.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}
