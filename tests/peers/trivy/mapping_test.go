package trivy

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/engine/requirements"
	"github.com/shipshape-dev/shipshape/library"
)

// citation is where the catalogue or a case names a Trivy check.
type citation struct {
	Where    string   // "REQUIREMENTS.md NODE-06" or "library/cp/etcd_tls/cases.yaml: <case name>"
	Controls []string // the controls that answer it there
}

var (
	// A Trivy ID as the catalogue writes it (KSV-0047, KSV-01011), or a
	// range of them (KCV-0079…KCV-0092).
	trivyID    = regexp.MustCompile(`\b(KSV|KCV|DS)-([0-9]{3,5})\b`)
	trivyRange = regexp.MustCompile(`\b(KSV|KCV|DS)-([0-9]{3,5})\s*(?:…|\.\.\.?)\s*(KSV|KCV|DS)-([0-9]{3,5})\b`)
)

// citedIDs gathers the Trivy IDs the catalogue's rows cite (each with the
// controls that implement the row) and those the library's case names
// cite (with the case's control). A range cites every check of the module
// within it.
func citedIDs(lib *policy.Library, known map[string]*check) (map[string][]citation, error) {
	cat, err := requirements.Default()
	if err != nil {
		return nil, err
	}
	byRequirement := map[string][]string{}
	byFolder := map[string]string{}
	for _, c := range lib.Controls() {
		for _, r := range c.Requirements {
			byRequirement[r] = append(byRequirement[r], c.ID)
		}
		byFolder[path.Dir(strings.TrimPrefix(c.File, "library/"))] = c.ID
	}
	cited := map[string][]citation{}
	add := func(id string, c citation) { cited[id] = append(cited[id], c) }

	for _, r := range cat.Requirements {
		_, peers, ok := strings.Cut(r.Seeds, "peers:")
		if !ok {
			continue
		}
		c := citation{Where: "REQUIREMENTS.md " + r.ID, Controls: byRequirement[r.ID]}
		for _, m := range trivyRange.FindAllStringSubmatch(peers, -1) {
			lo, _ := strconv.Atoi(m[2])
			hi, _ := strconv.Atoi(m[4])
			if m[1] != m[3] || lo > hi {
				return nil, fmt.Errorf("%s: range %s", r.ID, m[0])
			}
			for id := range known {
				prefix, num, _ := strings.Cut(id, "-")
				if n, _ := strconv.Atoi(num); prefix == m[1] && n >= lo && n <= hi {
					add(id, c)
				}
			}
			// The ends are cited even when the module lacks them.
			add(m[1]+"-"+m[2], c)
			add(m[3]+"-"+m[4], c)
		}
		for _, id := range trivyID.FindAllString(trivyRange.ReplaceAllString(peers, ""), -1) {
			add(id, c)
		}
	}

	err = fs.WalkDir(library.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Base(p) != "cases.yaml" {
			return err
		}
		data, err := fs.ReadFile(library.FS, p)
		if err != nil {
			return err
		}
		var cases []struct{ Name string }
		if err := yaml.Unmarshal(data, &cases); err != nil {
			return fmt.Errorf("library/%s: %w", p, err)
		}
		control, ok := byFolder[path.Dir(p)]
		if !ok {
			return nil
		}
		for _, tc := range cases {
			for _, id := range trivyID.FindAllString(tc.Name, -1) {
				add(id, citation{Where: fmt.Sprintf("library/%s: %s", p, tc.Name), Controls: []string{control}})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for id, cs := range cited {
		cited[id] = slices.CompactFunc(cs, func(a, b citation) bool { return a.Where == b.Where })
	}
	return cited, nil
}

// mapping is tests/peers/trivy/mapping.yaml: what the citations do not
// say. An entry for a cited check narrows the controls its citations name
// or says which of a control's findings answer it; an entry for a check
// nothing cites adds it to the comparison.
type mapping struct {
	ID string `json:"id"`
	// Controls replace the controls the citations name (all of them must
	// be in the library).
	Controls []string `json:"controls,omitempty"`
	// Match, a regular expression, keeps the findings whose message it
	// matches: a control that checks several settings answers a check of
	// one of them only with that setting's findings.
	Match string `json:"match,omitempty"`
	// Companion holds Kubernetes objects scanned with each input: what a
	// control that judges a namespace as a whole needs besides the peer's
	// object (a workload in its namespace).
	Companion string `json:"companion,omitempty"`
	// APIVersions rewrites a fixture's "apiVersion/Kind" to an apiVersion
	// that serves the kind, when the peer's fixtures use one that none
	// does (Ingress in v1).
	APIVersions map[string]string `json:"apiVersions,omitempty"`
	// Why explains the entry.
	Why string `json:"why"`

	match *regexp.Regexp
}

// loadMapping reads mapping.yaml.
func loadMapping(file string) (map[string]*mapping, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var entries []*mapping
	if err := yaml.UnmarshalStrict(data, &entries); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	out := map[string]*mapping{}
	for _, e := range entries {
		if _, dup := out[e.ID]; dup {
			return nil, fmt.Errorf("%s: %s is mapped twice", file, e.ID)
		}
		if strings.TrimSpace(e.Why) == "" {
			return nil, fmt.Errorf("%s: %s: say why", file, e.ID)
		}
		if e.Match != "" {
			if e.match, err = regexp.Compile(e.Match); err != nil {
				return nil, fmt.Errorf("%s: %s: match: %w", file, e.ID, err)
			}
		}
		out[e.ID] = e
	}
	return out, nil
}

// target is what a check is compared with: controls, and optionally the
// findings of theirs that answer it.
type target struct {
	Controls    []string
	Match       *regexp.Regexp
	Companion   string
	APIVersions map[string]string
	Cited       []citation // nil for a check only mapping.yaml maps
}

// targets combines the citations with mapping.yaml.
func targets(cited map[string][]citation, hand map[string]*mapping) map[string]*target {
	out := map[string]*target{}
	for id, cs := range cited {
		t := &target{Cited: cs}
		for _, c := range cs {
			t.Controls = append(t.Controls, c.Controls...)
		}
		out[id] = t
	}
	for id, m := range hand {
		t, ok := out[id]
		if !ok {
			t = &target{}
			out[id] = t
		}
		if len(m.Controls) > 0 {
			t.Controls = m.Controls
		}
		t.Match, t.Companion, t.APIVersions = m.match, m.Companion, m.APIVersions
	}
	for _, t := range out {
		slices.Sort(t.Controls)
		t.Controls = slices.Compact(t.Controls)
	}
	return out
}
