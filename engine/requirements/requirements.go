// Package requirements is the requirements catalogue that every control
// traces to. It parses the tables of REQUIREMENTS.md, the project's
// catalogue and its single source: rows are added there, at the end of
// their section, and never renumbered.
package requirements

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"regexp"
	"strings"
)

//go:embed REQUIREMENTS.md
var catalogueMarkdown []byte

// Requirement is one row of the catalogue.
type Requirement struct {
	ID        string   `json:"id"`
	Text      string   `json:"text"`
	Family    string   `json:"family"`
	Seeds     string   `json:"seeds"`
	Evidence  []string `json:"evidence"`
	Admission string   `json:"admission"`
}

// Catalogue is the parsed catalogue, in document order.
type Catalogue struct {
	Requirements []Requirement
	// Guidance is the prose of the "Not machine-checkable offline" section.
	Guidance string
	byID     map[string]int
}

// Markdown returns the embedded catalogue text.
func Markdown() []byte { return bytes.Clone(catalogueMarkdown) }

// Default parses the embedded catalogue.
func Default() (*Catalogue, error) { return Parse(catalogueMarkdown) }

var idPattern = regexp.MustCompile(`^[A-Z]+-\d+$`)

// Parse reads the catalogue's markdown tables: each `## FAMILY` section holds
// rows `| ID | Requirement | Seeds | Evidence | Admission |`.
func Parse(data []byte) (*Catalogue, error) {
	c := &Catalogue{byID: map[string]int{}}
	var (
		family   string
		guidance strings.Builder
		inGuide  bool
	)
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			family = strings.TrimSpace(strings.TrimPrefix(line, "## "))
			inGuide = strings.HasPrefix(family, "Not machine-checkable")
			continue
		}
		if inGuide {
			guidance.WriteString(line)
			guidance.WriteString("\n")
			continue
		}
		if !strings.HasPrefix(line, "|") {
			continue
		}
		cells := splitRow(line)
		if len(cells) != 5 || !idPattern.MatchString(cells[0]) {
			continue
		}
		r := Requirement{
			ID:        cells[0],
			Text:      cells[1],
			Family:    family,
			Seeds:     cells[2],
			Evidence:  splitList(cells[3]),
			Admission: cells[4],
		}
		if _, dup := c.byID[r.ID]; dup {
			return nil, fmt.Errorf("requirements catalogue line %d: duplicate ID %s", n, r.ID)
		}
		c.byID[r.ID] = len(c.Requirements)
		c.Requirements = append(c.Requirements, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading requirements catalogue: %w", err)
	}
	if len(c.Requirements) == 0 {
		return nil, fmt.Errorf("requirements catalogue has no requirement rows")
	}
	c.Guidance = strings.TrimSpace(guidance.String())
	return c, nil
}

// Get returns the requirement with the given ID.
func (c *Catalogue) Get(id string) (Requirement, bool) {
	i, ok := c.byID[id]
	if !ok {
		return Requirement{}, false
	}
	return c.Requirements[i], true
}

// Machine reports whether the requirement names evidence a tool can read
// (every row but those whose evidence is "–").
func (r Requirement) Machine() bool {
	return len(r.Evidence) > 0
}

// Admitted reports whether the requirement must be enforced at admission.
func (r Requirement) Admitted() bool {
	return strings.HasPrefix(r.Admission, "yes")
}

func splitRow(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimPrefix(line, "|")
	line = strings.TrimSuffix(line, "|")
	parts := strings.Split(line, "|")
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
	}
	return parts
}

func splitList(cell string) []string {
	var out []string
	for _, p := range strings.Split(cell, ",") {
		if p = strings.TrimSpace(p); p != "" && p != "–" && p != "-" {
			out = append(out, p)
		}
	}
	return out
}
