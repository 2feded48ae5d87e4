package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/shipshape-dev/shipshape/engine/docs"

	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/engine/requirements"
	"github.com/shipshape-dev/shipshape/library"
)

func newNewCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "new",
		Short: "Scaffold library content",
	}
	cmd.AddCommand(newNewControlCommand(e))
	return cmd
}

// controlSpec is what a scaffolded control is made of.
type controlSpec struct {
	area, name   string
	id           string
	title        string
	severity     string
	requirements []string
	frameworks   []string // key=reference
	casesSchema  string   // what the yaml-language-server line of cases.yaml names
}

func newNewControlCommand(e *env) *cobra.Command {
	var (
		spec   controlSpec
		dir    string
		prefix string
	)
	cmd := &cobra.Command{
		Use:   "control AREA/NAME",
		Short: "Scaffold a control: policy.rego and cases.yaml that pass as written",
		Long: `Control writes DIR/AREA/NAME/policy.rego and cases.yaml: a METADATA block
with every required key, the next free ID of the area (PREFIX-NNN), a
violation rule over every container of every pod-bearing kind, an allowed
case and a denied case that states the finding's line and field. Both pass
as written (shipshape test --run ID/), so editing the rule and the cases
is all that is left. DIR is library (the built-in library, from a
checkout) or a user library for --library.`,
		Example: `  shipshape new control pod/no_example --requirement POD-01 --framework cis-k8s=5.2.1
  shipshape new control pod/no_example --dir ./policies --id-prefix ACME --requirement POD-01`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			area, name, ok := strings.Cut(args[0], "/")
			identifier := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
			if !ok || !identifier.MatchString(area) || !identifier.MatchString(name) {
				return fmt.Errorf("%q: want AREA/NAME, each lower case letters, digits and _ (a Rego package name), such as pod/no_example", args[0])
			}
			spec.area, spec.name = area, name
			if err := spec.check(); err != nil {
				return err
			}
			folder := filepath.Join(dir, area, name)
			if _, err := os.Stat(folder); err == nil {
				return fmt.Errorf("%s already exists", folder)
			}
			if prefix == "" {
				prefix = "SS-" + strings.ToUpper(area)
			}
			id, err := nextID(cmd, dir, prefix)
			if err != nil {
				return err
			}
			spec.id = id
			spec.casesSchema = schemaReference(folder, docs.CasesSchemaFile)
			if err := os.MkdirAll(folder, 0o755); err != nil {
				return err
			}
			for file, text := range map[string]string{"policy.rego": spec.policy(), "cases.yaml": spec.cases()} {
				if err := os.WriteFile(filepath.Join(folder, file), []byte(text), 0o644); err != nil {
					return err
				}
			}
			fmt.Fprintf(e.stdout, "wrote %s (%s): policy.rego and cases.yaml\nnext: edit the violation rule and the cases, then run\n  shipshape test%s --run '%s/'\n",
				folder, id, libraryFlagFor(dir), id)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&dir, "dir", "library", "the library to add to: `DIR` holds AREA/NAME folders")
	f.StringVar(&prefix, "id-prefix", "", "the ID's `PREFIX` (default SS-AREA); the number is the next free one")
	f.StringVar(&spec.title, "title", "", "the control's title (default: from NAME)")
	f.StringVar(&spec.severity, "severity", "medium", "critical, high, medium or low")
	f.StringArrayVar(&spec.requirements, "requirement", nil, "a requirement `ID` of the catalogue the control proves (repeatable; at least one)")
	f.StringArrayVar(&spec.frameworks, "framework", nil, "a framework mapping `KEY=REF` such as cis-k8s=5.2.1 (repeatable)")
	return cmd
}

// check validates the flags against the catalogue and the frameworks.
func (s *controlSpec) check() error {
	if _, err := policy.ParseSeverity(s.severity); err != nil {
		return fmt.Errorf("--severity: %w", err)
	}
	if len(s.requirements) == 0 {
		return errors.New("--requirement: name at least one requirement the control proves (shipshape docs lists them in traceability.md)")
	}
	catalogue, err := requirements.Default()
	if err != nil {
		return err
	}
	for _, r := range s.requirements {
		if _, ok := catalogue.Get(r); !ok {
			return fmt.Errorf("--requirement %s: not in the requirements catalogue", r)
		}
	}
	var known []string
	for _, fw := range policy.Frameworks() {
		known = append(known, fw.Key)
	}
	for _, m := range s.frameworks {
		key, ref, ok := strings.Cut(m, "=")
		if !ok || ref == "" || !slices.Contains(known, key) {
			return fmt.Errorf("--framework %q: want KEY=REF with KEY one of %s", m, strings.Join(known, ", "))
		}
	}
	if s.title == "" {
		s.title = strings.ToUpper(s.name[:1]) + strings.ReplaceAll(s.name[1:], "_", " ")
	}
	return nil
}

// nextID is the next free PREFIX-NNN among the built-in controls and the
// policy.rego files under dir.
func nextID(cmd *cobra.Command, dir, prefix string) (string, error) {
	pattern := regexp.MustCompile(`^` + regexp.QuoteMeta(prefix) + `-(\d+)$`)
	highest := 0
	note := func(id string) {
		if m := pattern.FindStringSubmatch(id); m != nil {
			n, _ := strconv.Atoi(m[1])
			highest = max(highest, n)
		}
	}
	builtin, err := library.Load(cmd.Context())
	if err != nil {
		return "", err
	}
	for _, c := range builtin.Controls() {
		note(c.ID)
	}
	idLine := regexp.MustCompile(`(?m)^#\s+id:\s*["']?([A-Za-z0-9_.-]+)`)
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "policy.rego" {
			return err
		}
		text, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range idLine.FindAllStringSubmatch(string(text), -1) {
			note(m[1])
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	return fmt.Sprintf("%s-%03d", prefix, highest+1), nil
}

// libraryFlagFor is the --library flag a user library needs in commands.
func libraryFlagFor(dir string) string {
	if filepath.Clean(dir) == "library" {
		return ""
	}
	return " --library " + dir
}

func (s *controlSpec) policy() string {
	var fw strings.Builder
	if len(s.frameworks) > 0 {
		fw.WriteString("#   frameworks:\n")
		for _, m := range s.frameworks {
			key, ref, _ := strings.Cut(m, "=")
			fmt.Fprintf(&fw, "#     %s: [%q]\n", key, ref)
		}
	}
	return fmt.Sprintf(`# METADATA
# title: %s
# description: >-
#   What the control prevents and why it matters: what an attacker or an
#   outage gains when the rule is broken.
# custom:
#   id: %s
#   severity: %s
#   requirements: [%s]
%s#   kinds: [workloads]
#   remediation: Set securityContext.example to false, or remove it.
package shipshape.%s.%s

import rego.v1

import data.lib.pods

# Every container of every pod-bearing kind (init and ephemeral ones too)
# that sets securityContext.example is denied: put the control's own
# condition here, and name the object, the container, the field and the fix.
violation contains {"msg": msg, "details": {"field": field}} if {
	some c in pods.containers
	c.value.securityContext.example == true
	field := pods.container_field(c, ["securityContext", "example"])
	msg := sprintf("%%s sets securityContext.example to true; set it to false", [pods.label(c)])
}
`, s.title, s.id, s.severity, strings.Join(s.requirements, ", "), fw.String(), s.area, s.name)
}

func (s *controlSpec) cases() string {
	return `# yaml-language-server: $schema=` + s.casesSchema + `
# Cases of ` + s.id + `: at least one allowed, one denied, and one that states
# the line and field path of its findings. Add a case for every way around
# the rule (init containers, a List, an old apiVersion, a quoted value).
- name: a container without securityContext.example is allowed
  object:
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      containers:
      - {name: app, image: registry.example/app:1.0}
  expect: allow

- name: a container that sets securityContext.example is denied, at its line
  object: |
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      containers:
      - name: app
        image: registry.example/app:1.0
        securityContext: {example: true}
  expect:
    findings:
    - {line: 8, field: "spec.containers[0].securityContext.example", message: 'container "app" in Pod "web" sets securityContext.example to true'}
`
}

// schemaReference is how a file in dir names a published schema for
// editors: a relative path when dir is inside a shipshape checkout (it
// works offline), else the schema's URL.
func schemaReference(dir, file string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return docs.SchemaURL(versionString(), file)
	}
	for d := abs; d != filepath.Dir(d); d = filepath.Dir(d) {
		candidate := filepath.Join(d, "docs", "schema", file)
		if _, err := os.Stat(candidate); err == nil {
			if rel, err := filepath.Rel(abs, candidate); err == nil {
				return filepath.ToSlash(rel)
			}
		}
	}
	return docs.SchemaURL(versionString(), file)
}
