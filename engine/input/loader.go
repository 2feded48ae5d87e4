package input

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

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
func Discover(paths []string) ([]string, error) {
	var (
		files []string
		seen  = map[string]bool{}
	)
	add := func(p string) {
		key := filepath.Clean(p)
		if !seen[key] {
			seen[key] = true
			files = append(files, p)
		}
	}
	for _, p := range paths {
		if p == Stdin {
			add(p)
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			return nil, &Error{File: p, Document: -1, Err: unwrapPathError(err)}
		}
		if !info.IsDir() {
			add(p)
			continue
		}
		if renderable(p) {
			add(p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return &Error{File: path, Document: -1, Err: unwrapPathError(err)}
			}
			if d.IsDir() {
				if d.Name() == ".git" && path != p {
					return filepath.SkipDir
				}
				if path != p && renderable(path) {
					// A chart or kustomization is rendered as a whole; its
					// files are templates and patches, not manifests.
					add(path)
					return filepath.SkipDir
				}
				return nil
			}
			if isManifest(path) || render.IsChartArchive(path) {
				add(path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return files, nil
}

// renderable reports whether a directory is a Helm chart or a
// kustomization, read by rendering it.
func renderable(dir string) bool { return render.IsChart(dir) || render.IsKustomization(dir) }

// ReadFile reads and decodes one file ("-" for standard input), or renders
// a chart or kustomization directory. Problems are returned inside
// File.Errors, never as a panic.
func ReadFile(name string, opts Options) *File {
	display := name
	if name == Stdin {
		display = StdinName
	}
	if info, err := os.Stat(name); err == nil && (info.IsDir() || render.IsChartArchive(name)) {
		return renderDir(name, opts)
	}
	if hint := SourceFormatHint(name); hint != "" {
		return &File{Name: display, Errors: []error{&Error{File: display, Document: -1, Err: errors.New(hint)}}}
	}
	data, err := readLimited(name, opts)
	if err != nil {
		return &File{Name: display, Errors: []error{&Error{File: display, Document: -1, Err: err}}}
	}
	return parse(display, data, opts.Limits.WithDefaults())
}

// SourceFormatHint says how to turn an infrastructure source file that
// shipshape does not read (Terraform HCL, Bicep) into one it does; "" for
// other files.
func SourceFormatHint(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".tf", ".tfvars", ".hcl":
		return "a Terraform configuration, which shipshape does not read: judge the plan instead (terraform plan -out plan.bin && terraform show -json plan.bin > plan.json, then scan plan.json)"
	case ".bicep", ".bicepparam":
		return "a Bicep file, which shipshape does not read: compile it to an ARM template first (az bicep build --file " + filepath.Base(name) + " --outfile main.json, then scan main.json)"
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
		out[i] = ReadFile(files[i], opts)
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

func readLimited(name string, opts Options) ([]byte, error) {
	var r io.Reader
	if name == Stdin {
		r = opts.Stdin
		if r == nil {
			r = os.Stdin
		}
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, unwrapPathError(err)
		}
		defer f.Close()
		r = f
	}
	limit := opts.maxFileSize()
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, unwrapPathError(err)
	}
	if int64(len(data)) > limit {
		return nil, &LimitError{What: "the file is too large", Limit: limit, Flag: "max-file-size"}
	}
	return data, nil
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
