package input

import (
	"math"
	"strconv"
	"strings"

	yaml3 "go.yaml.in/yaml/v3"
)

// document is one parsed YAML document: its node tree (for line lookups and
// duplicate-key checks) and the line offset of its first byte in the file.
type document struct {
	root      *yaml3.Node // the document's content node; nil for JSON-only input
	startLine int
}

// lineOf returns the 1-based file line of the node at path, or of its nearest
// present ancestor; 0 when the document has no node tree.
func (d *document) lineOf(path []any) int {
	line, _ := d.lineAndDepth(path)
	return line
}

// lineAndDepth is lineOf, and how many segments of path exist.
func (d *document) lineAndDepth(path []any) (int, int) {
	if d == nil || d.root == nil {
		return 0, 0
	}
	n := d.root
	line := n.Line
	depth := 0
	for _, seg := range path {
		n = deref(n)
		next, keyLine := child(n, seg)
		if next == nil {
			break
		}
		if keyLine > 0 {
			line = keyLine
		} else {
			line = next.Line
		}
		n = next
		depth++
	}
	return line + d.startLine - 1, depth
}

// child returns the node under n at seg (a string key or an int index) and,
// for mapping entries, the line of the key.
func child(n *yaml3.Node, seg any) (*yaml3.Node, int) {
	switch n.Kind {
	case yaml3.MappingNode:
		key, ok := seg.(string)
		if !ok {
			return nil, 0
		}
		return mappingValue(n, key, 0)
	case yaml3.SequenceNode:
		i, ok := pathIndex(seg)
		if !ok || i < 0 || i >= len(n.Content) {
			return nil, 0
		}
		return n.Content[i], 0
	}
	return nil, 0
}

// mappingValue finds key in a mapping the way a YAML 1.1 decoder fills a map:
// explicit keys win over merged ones, and the last explicit key wins.
func mappingValue(n *yaml3.Node, key string, depth int) (*yaml3.Node, int) {
	if depth > maxMergeDepth {
		return nil, 0
	}
	var (
		found   *yaml3.Node
		keyLine int
		merges  []*yaml3.Node
	)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if isMergeKey(k) {
			merges = append(merges, v)
			continue
		}
		if resolvedKey(k) == key {
			found, keyLine = v, k.Line
		}
	}
	if found != nil {
		return found, keyLine
	}
	for _, m := range merges {
		m = deref(m)
		sources := []*yaml3.Node{m}
		if m.Kind == yaml3.SequenceNode {
			sources = m.Content
		}
		for _, s := range sources {
			if s = deref(s); s.Kind == yaml3.MappingNode {
				if v, line := mappingValue(s, key, depth+1); v != nil {
					return v, line
				}
			}
		}
	}
	return nil, 0
}

const maxMergeDepth = 64

func deref(n *yaml3.Node) *yaml3.Node {
	for i := 0; n.Kind == yaml3.AliasNode && n.Alias != nil && i < maxMergeDepth; i++ {
		n = n.Alias
	}
	return n
}

func isMergeKey(k *yaml3.Node) bool {
	return k.Kind == yaml3.ScalarNode && k.Value == "<<" && (k.Tag == "!!merge" || k.Style == 0)
}

func pathIndex(seg any) (int, bool) {
	switch v := seg.(type) {
	case int:
		return v, true
	case int64:
		return int(v), true
	case float64:
		if v == math.Trunc(v) {
			return int(v), true
		}
	case interface{ Int64() (int64, error) }: // json.Number
		i, err := v.Int64()
		return int(i), err == nil
	}
	return 0, false
}

// resolvedKey is the JSON object key a YAML 1.1 decoder (sigs.k8s.io/yaml)
// produces for a mapping key node: plain `on`, `yes` and `y` become "true",
// `~` becomes "null", and integers are written in decimal.
func resolvedKey(k *yaml3.Node) string {
	k = deref(k)
	if k.Kind != yaml3.ScalarNode {
		return ""
	}
	quoted := yaml3.DoubleQuotedStyle | yaml3.SingleQuotedStyle | yaml3.LiteralStyle | yaml3.FoldedStyle
	if k.Style&quoted != 0 || (k.Style&yaml3.TaggedStyle != 0 && k.Tag == "!!str") {
		return k.Value
	}
	switch k.Value {
	case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON":
		return "true"
	case "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF":
		return "false"
	case "", "~", "null", "Null", "NULL":
		return "null"
	}
	if i, ok := parseInt11(k.Value); ok {
		return strconv.FormatInt(i, 10)
	}
	return k.Value
}

// parseInt11 parses YAML 1.1 integers: decimal, 0x hex, 0b binary, leading-0
// octal and `_` digit separators.
func parseInt11(s string) (int64, bool) {
	plain := strings.ReplaceAll(s, "_", "")
	if plain == "" {
		return 0, false
	}
	neg := false
	switch plain[0] {
	case '-':
		neg, plain = true, plain[1:]
	case '+':
		plain = plain[1:]
	}
	if plain == "" || plain[0] < '0' || plain[0] > '9' {
		// Every form starts with a digit; most keys are words, and
		// strconv's error for each would be garbage.
		return 0, false
	}
	base := 10
	switch {
	case strings.HasPrefix(plain, "0x"):
		base, plain = 16, plain[2:]
	case strings.HasPrefix(plain, "0b"):
		base, plain = 2, plain[2:]
	case len(plain) > 1 && plain[0] == '0':
		base, plain = 8, plain[1:]
	}
	u, err := strconv.ParseUint(plain, base, 63)
	if err != nil || plain == "" {
		return 0, false
	}
	if neg {
		return -int64(u), true
	}
	return int64(u), true
}
