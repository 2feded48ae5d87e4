// Package export turns a profile's selection of admission controls into the
// artefacts admission controllers load: Gatekeeper ConstraintTemplates,
// Constraints, sync configuration and a gator test suite, and Azure Policy
// for Kubernetes definitions with one initiative. Every artefact is built
// from the library's own Rego source, so an exported control decides what
// `shipshape scan` decides.
package export

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
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
