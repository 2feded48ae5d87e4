package corpus

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
)

// style says how an object is written: each choice keeps the value the
// scan decodes (YAML 1.1 as kubectl reads it) and changes only its text.
type style struct {
	r *rand.Rand
	// shuffleKeys writes mapping keys in a random order instead of the
	// usual one (apiVersion, kind, metadata, spec, then by name).
	shuffleKeys bool
	// quoting is the chance that a string that may be written plain is
	// quoted, single or double.
	quoting float64
	// numbers is the chance that a number is written another way with the
	// same value: 1 as 1.0 or +1, 0.5 as 5e-1.
	numbers float64
	// booleans is the chance that a boolean is written as YAML 1.1 spells
	// it too: yes, on, True, no, off, False.
	booleans float64
	// flow is the chance that a small mapping or list of scalars is
	// written in flow style: {app: web}, [ALL].
	flow float64
	// indentLists writes a list nested under a key indented ("  - x"),
	// as kubectl does, rather than at the key's column.
	indentLists bool
}

// chance is true with probability p.
func (s *style) chance(p float64) bool { return p > 0 && s.r.Float64() < p }

// writeYAML writes v, a mapping, as a block-style YAML document.
func (s *style) writeYAML(b *strings.Builder, v map[string]any) {
	s.mapping(b, v, 0)
}

// frontKeys come first in a manifest, in this order.
var frontKeys = []string{"apiVersion", "kind", "metadata", "name", "namespace", "spec", "data", "stringData", "type", "rules", "roleRef", "subjects"}

func (s *style) keys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if s.shuffleKeys {
		s.r.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
		return keys
	}
	slices.SortStableFunc(keys, func(a, b string) int {
		return frontRank(a) - frontRank(b)
	})
	return keys
}

func frontRank(k string) int {
	if i := slices.Index(frontKeys, k); i >= 0 {
		return i
	}
	return len(frontKeys)
}

// mapping writes m's entries at indent; the first line continues the
// current one when the caller has written "- ".
func (s *style) mapping(b *strings.Builder, m map[string]any, indent int) {
	pad := strings.Repeat(" ", indent)
	for i, k := range s.keys(m) {
		if i > 0 || b.Len() == 0 || strings.HasSuffix(b.String(), "\n") {
			b.WriteString(pad)
		}
		b.WriteString(s.key(k))
		b.WriteString(":")
		s.value(b, m[k], indent)
	}
}

// value writes v after "key:" or "-": scalars and flow collections on the
// same line, block collections below.
func (s *style) value(b *strings.Builder, v any, indent int) {
	switch v := v.(type) {
	case map[string]any:
		if len(v) == 0 {
			b.WriteString(" {}\n")
			return
		}
		if flat(v) && s.chance(s.flow) {
			s.flowLine(b, v)
			return
		}
		b.WriteString("\n")
		s.mapping(b, v, indent+2)
	case []any:
		if len(v) == 0 {
			b.WriteString(" []\n")
			return
		}
		if flat(v) && s.chance(s.flow) {
			s.flowLine(b, v)
			return
		}
		inner := indent
		if s.indentLists {
			inner = indent + 2
		}
		b.WriteString("\n")
		s.sequence(b, v, inner)
	default:
		if text, ok := s.blockScalar(v, indent+2); ok {
			b.WriteString(" ")
			b.WriteString(text)
			return
		}
		b.WriteString(" ")
		b.WriteString(s.scalar(v))
		b.WriteString("\n")
	}
}

// sequence writes the items of l at indent, each after "- ".
func (s *style) sequence(b *strings.Builder, l []any, indent int) {
	pad := strings.Repeat(" ", indent)
	for _, item := range l {
		b.WriteString(pad)
		b.WriteString("-")
		switch item := item.(type) {
		case map[string]any:
			if len(item) == 0 || flat(item) && s.chance(s.flow) {
				s.flowLine(b, item)
				continue
			}
			b.WriteString(" ")
			s.mapping(b, item, indent+2)
		case []any:
			if len(item) == 0 || flat(item) && s.chance(s.flow) {
				s.flowLine(b, item)
				continue
			}
			b.WriteString("\n")
			s.sequence(b, item, indent+2)
		default:
			s.value(b, item, indent)
		}
	}
}

// flat is true for a collection of scalars that flow style can hold
// without quoting surprises.
func flat(v any) bool {
	check := func(x any) bool {
		switch x := x.(type) {
		case string:
			return flowSafe.MatchString(x) && plainString(x)
		case json.Number, bool:
			return true
		}
		return false
	}
	switch v := v.(type) {
	case map[string]any:
		if len(v) > 4 {
			return false
		}
		for k, x := range v {
			if !flowSafe.MatchString(k) || !plainString(k) || !check(x) {
				return false
			}
		}
		return true
	case []any:
		if len(v) > 6 {
			return false
		}
		for _, x := range v {
			if !check(x) {
				return false
			}
		}
		return true
	}
	return false
}

var flowSafe = regexp.MustCompile(`^[A-Za-z0-9_./-]+$`)

// flowLine writes a collection in flow style after "key:" or "-", and
// ends the line.
func (s *style) flowLine(b *strings.Builder, v any) {
	b.WriteString(" ")
	s.flowValue(b, v)
	b.WriteString("\n")
}

func (s *style) flowValue(b *strings.Builder, v any) {
	switch v := v.(type) {
	case map[string]any:
		b.WriteString("{")
		for i, k := range s.keys(v) {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(k)
			b.WriteString(": ")
			b.WriteString(s.scalar(v[k]))
		}
		b.WriteString("}")
	case []any:
		b.WriteString("[")
		for i, x := range v {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(s.scalar(x))
		}
		b.WriteString("]")
	}
}

// key writes a mapping key: plain when YAML 1.1 reads it back as the same
// string, else double-quoted.
func (s *style) key(k string) string {
	if plainString(k) && !strings.ContainsAny(k, ": ") {
		return k
	}
	return doubleQuoted(k)
}

// scalar writes a string, number, boolean or null.
func (s *style) scalar(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		if s.chance(s.booleans) {
			spellings := []string{"yes", "on", "True", "TRUE"}
			if !v {
				spellings = []string{"no", "off", "False", "FALSE"}
			}
			return spellings[s.r.IntN(len(spellings))]
		}
		return fmt.Sprint(v)
	case json.Number:
		if s.chance(s.numbers) {
			return respell(v, s.r)
		}
		return string(v)
	case string:
		switch {
		case !plainString(v):
			return doubleQuoted(v)
		case s.chance(s.quoting):
			if s.r.IntN(3) == 0 {
				return "'" + strings.ReplaceAll(v, "'", "''") + "'"
			}
			return doubleQuoted(v)
		}
		return v
	}
	panic(fmt.Sprintf("corpus: unexpected value %T", v))
}

// blockScalar writes a multi-line string as a literal block when its lines
// allow it.
func (s *style) blockScalar(v any, indent int) (string, bool) {
	str, ok := v.(string)
	if !ok || !strings.Contains(strings.TrimSuffix(str, "\n"), "\n") {
		return "", false
	}
	body, chomp := str, "|-"
	if strings.HasSuffix(str, "\n") {
		body, chomp = strings.TrimSuffix(str, "\n"), "|"
	}
	if strings.HasSuffix(body, "\n") || strings.HasPrefix(body, " ") || strings.HasPrefix(body, "\n") {
		return "", false
	}
	lines := strings.Split(body, "\n")
	for _, l := range lines {
		if l != strings.TrimRight(l, " \t") || strings.ContainsAny(l, "\t\r") || !printable(l) {
			return "", false
		}
	}
	pad := strings.Repeat(" ", indent)
	var b strings.Builder
	b.WriteString(chomp)
	b.WriteString("\n")
	for _, l := range lines {
		if l != "" {
			b.WriteString(pad)
			b.WriteString(l)
		}
		b.WriteString("\n")
	}
	return b.String(), true
}

func printable(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == 0xfeff {
			return false
		}
	}
	return true
}

// plainText are the strings written plain: no character that YAML gives a
// meaning to where it stands.
var plainText = regexp.MustCompile(`^[A-Za-z_/][A-Za-z0-9_./@=+()-]*(?:[ :][A-Za-z0-9_./@=+()-]+)*$`)

// yaml11Words are plain scalars YAML 1.1 reads as booleans or null.
var yaml11Words = []string{"y", "yes", "n", "no", "true", "false", "on", "off", "null"}

// plainString reports whether s can be written plain and reads back as s.
func plainString(s string) bool {
	return plainText.MatchString(s) && !slices.Contains(yaml11Words, strings.ToLower(s)) && !strings.Contains(s, " #")
}

// doubleQuoted writes s as a JSON string, which YAML reads as a
// double-quoted scalar.
func doubleQuoted(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err) // strings always marshal
	}
	return string(b)
}

// respell writes a number another way that YAML 1.1 reads as the same
// value: an integer with a fraction or a plus sign, 0 as -0.0 (a float
// negative zero), a fraction in exponent form.
func respell(n json.Number, r *rand.Rand) string {
	s := string(n)
	if _, err := n.Int64(); err == nil {
		switch {
		case s == "0":
			return []string{"-0.0", "0.0", "-0.0"}[r.IntN(3)]
		case strings.HasPrefix(s, "-"):
			return s + ".0"
		}
		return []string{s + ".0", "+" + s, s + ".00"}[r.IntN(3)]
	}
	if f, err := n.Float64(); err == nil && !strings.ContainsAny(s, "eE") && f != 0 {
		return fmt.Sprintf("%e", f)
	}
	return s
}
