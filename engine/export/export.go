// Package export turns a profile's selection of admission controls into the
// artefacts admission controllers load: Gatekeeper ConstraintTemplates,
// Constraints, sync configuration and a gator test suite, and Azure Policy
// for Kubernetes definitions with one initiative. Every artefact is built
// from the library's own Rego source, so an exported control decides what
// `shipshape scan` decides.
package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/shipshape-dev/shipshape/engine/eval"
	"github.com/shipshape-dev/shipshape/engine/exceptions"
)

// Options tunes an export.
type Options struct {
	// Version is the shipshape version written into template annotations.
	Version string
	// LegacyRego writes templates in the pre-3.19 form (spec.targets[].rego
	// and libs, Rego v0 with `import rego.v1`) instead of code[].
	LegacyRego bool
	// TemplateBaseURL makes Azure definitions point at templates published
	// under this URL (sourceType PublicURL) instead of embedding them.
	TemplateBaseURL string
	// DefinitionScope is the resource ID under which the Azure definitions
	// are created (a subscription or management group); the initiative
	// names its definitions under it.
	DefinitionScope string
	// Exceptions, when set, are honoured where the target can express them
	// (namespace-scoped exceptions become excluded namespaces) and listed
	// in EXCEPTIONS.md otherwise; Now decides which have expired.
	Exceptions *exceptions.Set
	Now        time.Time
}

// exceptionsFile lists how an export treated the exceptions.
const exceptionsFile = "EXCEPTIONS.md"

// withExceptions returns the bindings with the namespaces of expressible
// exceptions excluded, and a report of what could not be expressed.
func withExceptions(bindings []eval.Binding, opts Options, target string) ([]eval.Binding, []File) {
	if opts.Exceptions == nil {
		return bindings, nil
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	var applied, skipped []string
	out := make([]eval.Binding, len(bindings))
	for i, b := range bindings {
		out[i] = b
		if !b.Control.Admission {
			continue
		}
		for _, e := range opts.Exceptions.ForControl(b.Control.ID, b.Control.Requirements, now) {
			line := fmt.Sprintf("- %s: %s (owner %s, expires %s, %s)", b.Control.ID, e.Reason, e.Owner, e.Expires, e.Source)
			if images, ok := e.GatekeeperImages(); ok && TakesExemptImages(b.Control) {
				params := maps.Clone(out[i].Parameters)
				if params == nil {
					params = map[string]any{}
				}
				exempt, _ := params[ExemptImagesParameter].([]any)
				exempt = slices.Clone(exempt)
				for _, image := range images {
					if !slices.Contains(exempt, any(image)) {
						exempt = append(exempt, image)
					}
				}
				params[ExemptImagesParameter] = exempt
				out[i].Parameters = params
				applied = append(applied, line+": exempt images "+strings.Join(images, ", "))
				continue
			}
			if ns, ok := e.GatekeeperNamespaces(); ok {
				excluded := append([]string{}, out[i].ExcludedNamespaces...)
				for _, n := range ns {
					excluded = appendUnique(excluded, n)
				}
				out[i].ExcludedNamespaces = excluded
				applied = append(applied, line+": excluded namespaces "+strings.Join(ns, ", "))
				continue
			}
			skipped = append(skipped, line+": "+scopeText(e))
		}
	}
	if len(applied)+len(skipped) == 0 {
		return out, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Exceptions in this %s export\n\n", target)
	b.WriteString(`Exceptions scoped by namespace alone become excluded namespaces, and those
scoped by container image alone become the exemptImages parameter of the
controls that judge containers. The others cannot be expressed by the
admission controller's match, so they are NOT enforced as exceptions here:
the objects they cover are still denied.
Inline exceptions (shipshape.dev/exempt annotations) are honoured by
shipshape scan only.

`)
	fmt.Fprintf(&b, "## Applied (%d)\n\n%s\n\n## Not expressible (%d)\n\n%s\n",
		len(applied), strings.Join(orNone(applied), "\n"), len(skipped), strings.Join(orNone(skipped), "\n"))
	return out, []File{{exceptionsFile, []byte(b.String())}}
}

func scopeText(e exceptions.Exception) string {
	var parts []string
	if len(e.Namespaces) > 0 {
		parts = append(parts, "namespaces "+strings.Join(e.Namespaces, ", "))
	}
	if len(e.Kinds) > 0 {
		parts = append(parts, "kinds "+strings.Join(e.Kinds, ", "))
	}
	if len(e.Names) > 0 {
		parts = append(parts, "names "+strings.Join(e.Names, ", "))
	}
	if len(e.Images) > 0 {
		parts = append(parts, "images "+strings.Join(e.Images, ", "))
	}
	if len(parts) == 0 {
		return "covers the whole control; disable it in the profile instead"
	}
	return "scoped by " + strings.Join(parts, "; ")
}

func orNone(list []string) []string {
	if len(list) == 0 {
		return []string{"(none)"}
	}
	return list
}

// File is one generated file, by slash-separated path within the export.
type File struct {
	Path string
	Data []byte
}

// manifestFile lists what an export wrote, so the next export into the same
// directory removes files it no longer produces and nothing else.
const manifestFile = ".shipshape-export"

// Write writes files under dir. A directory holding files that a previous
// export did not write is refused, so an export never overwrites or
// deletes someone else's files.
func Write(dir string, files []File) error {
	previous, err := previousExport(dir)
	if err != nil {
		return err
	}
	keep := map[string]bool{}
	for _, f := range files {
		keep[f.Path] = true
	}
	for _, p := range previous {
		if !keep[p] {
			if err := os.Remove(filepath.Join(dir, filepath.FromSlash(p))); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("removing stale %s: %w", p, err)
			}
		}
	}
	names := make([]string, 0, len(files))
	for _, f := range files {
		full := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return fmt.Errorf("writing %s: %w", full, err)
		}
		if err := os.WriteFile(full, f.Data, 0o644); err != nil {
			return fmt.Errorf("writing %s: %w", full, err)
		}
		names = append(names, f.Path)
	}
	sort.Strings(names)
	manifest := "# Files written by shipshape export; the next export into this directory replaces them.\n" + strings.Join(names, "\n") + "\n"
	if err := os.WriteFile(filepath.Join(dir, manifestFile), []byte(manifest), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", filepath.Join(dir, manifestFile), err)
	}
	removeEmptyDirs(dir)
	return nil
}

// previousExport returns the files a previous export listed in dir, and
// refuses a directory with other content.
func previousExport(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("export directory: %w", err)
	}
	data, err := os.ReadFile(filepath.Join(dir, manifestFile))
	if errors.Is(err, os.ErrNotExist) {
		if len(entries) > 0 {
			return nil, fmt.Errorf("export directory %s is not empty and holds no earlier export (%s); choose an empty or new directory", dir, manifestFile)
		}
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("export directory: %w", err)
	}
	var files []string
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		clean := filepath.ToSlash(filepath.Clean(filepath.FromSlash(line)))
		if filepath.IsAbs(line) || clean == ".." || strings.HasPrefix(clean, "../") {
			return nil, fmt.Errorf("%s: %q is outside the export directory", filepath.Join(dir, manifestFile), line)
		}
		files = append(files, clean)
	}
	return files, nil
}

// removeEmptyDirs drops directories a stale file left empty.
func removeEmptyDirs(dir string) {
	var dirs []string
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() && p != dir {
			dirs = append(dirs, p)
		}
		return nil
	})
	slices.Reverse(dirs)
	for _, d := range dirs {
		_ = os.Remove(d) // fails, as wanted, unless empty
	}
}

// plainNumbers returns v with every json.Number (how parameters read from
// cases and config files hold numbers) made an int64 or a float64: YAML
// would write a json.Number as a string, which a constraint's integer
// parameter schema rejects.
func plainNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		if f, err := x.Float64(); err == nil {
			return f
		}
		return x.String()
	case map[string]any:
		if x == nil {
			return x
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = plainNumbers(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plainNumbers(e)
		}
		return out
	}
	return v
}

// marshalYAML renders v with two-space indentation; multi-line strings
// become literal blocks.
func marshalYAML(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// yamlStream joins documents into one YAML stream.
func yamlStream(docs ...[]byte) []byte {
	return bytes.Join(docs, []byte("---\n"))
}

var notDNS = regexp.MustCompile(`[^a-z0-9-]+`)

// resourceName turns a control ID into a Kubernetes object name:
// "SS-PSS-003" -> "ss-pss-003".
func resourceName(id string) string {
	return strings.Trim(notDNS.ReplaceAllString(strings.ToLower(id), "-"), "-")
}

// kindName turns a control's package into a CamelCase kind:
// "shipshape.pss.host_ports" -> "ShipshapePssHostPorts".
func kindName(pkg string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(pkg, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}
