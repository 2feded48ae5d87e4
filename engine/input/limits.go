package input

import (
	"fmt"

	yaml3 "go.yaml.in/yaml/v3"
)

// Limits bound what one input may cost, so a hostile file ends in a clear
// error instead of exhausting memory or time. A zero field takes its
// default.
type Limits struct {
	// MaxFileSize is the largest file accepted, in bytes.
	MaxFileSize int64
	// MaxDocuments is the most documents one file may hold.
	MaxDocuments int
	// MaxDepth is the deepest nesting of mappings and lists in a document.
	MaxDepth int
	// MaxAliasExpansion is the most YAML nodes a document's aliases may
	// add when expanded: billion-laughs documents are refused before they
	// are expanded.
	MaxAliasExpansion int
}

// Defaults, generous for real manifests (the deepest CRD schemas nest about
// 40 levels; Helm values anchors add hundreds of nodes, not thousands).
const (
	DefaultMaxFileSize       int64 = 64 << 20
	DefaultMaxDocuments            = 10_000
	DefaultMaxDepth                = 100
	DefaultMaxAliasExpansion       = 100_000
)

// WithDefaults fills the zero fields with the defaults.
func (l Limits) WithDefaults() Limits {
	if l.MaxFileSize <= 0 {
		l.MaxFileSize = DefaultMaxFileSize
	}
	if l.MaxDocuments <= 0 {
		l.MaxDocuments = DefaultMaxDocuments
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxAliasExpansion <= 0 {
		l.MaxAliasExpansion = DefaultMaxAliasExpansion
	}
	return l
}

// LimitError is an input that exceeds one of the Limits. It names the
// limit and the flag that raises it.
type LimitError struct {
	What  string // what exceeded the limit, e.g. "the file holds too many documents"
	Limit int64
	Flag  string
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("%s: over the limit of %d set by --%s (raise it only for trusted input)", e.What, e.Limit, e.Flag)
}

// shape measures a parsed document without expanding it: its deepest
// nesting (aliases followed), and how many nodes its aliases would add.
type shape struct {
	depth    map[*yaml3.Node]int
	line     map[*yaml3.Node]int
	size     map[*yaml3.Node]int
	visiting map[*yaml3.Node]bool
}

// checkShape returns a LimitError when the document nests too deep or its
// aliases expand too far, and the line of the offending node.
func checkShape(root *yaml3.Node, l Limits) (int, *LimitError) {
	line, d, aliased := treeHeight(root)
	if !aliased {
		// A tree expands to itself: only its depth can be over a limit.
		if d > l.MaxDepth {
			return line, &LimitError{What: "the document nests mappings and lists too deeply", Limit: int64(l.MaxDepth), Flag: "max-depth"}
		}
		return 0, nil
	}
	s := shape{depth: map[*yaml3.Node]int{}, line: map[*yaml3.Node]int{}, size: map[*yaml3.Node]int{}, visiting: map[*yaml3.Node]bool{}}
	if line, d := s.height(root); d > l.MaxDepth {
		return line, &LimitError{What: "the document nests mappings and lists too deeply", Limit: int64(l.MaxDepth), Flag: "max-depth"}
	}
	literal := countLiteral(root)
	expanded := s.expanded(root, int64(literal)+int64(l.MaxAliasExpansion))
	if added := expanded - int64(literal); added > int64(l.MaxAliasExpansion) {
		return root.Line, &LimitError{What: "the document's YAML aliases expand to too many nodes (a billion-laughs document is refused, not expanded)", Limit: int64(l.MaxAliasExpansion), Flag: "max-alias-expansion"}
	}
	return 0, nil
}

// treeHeight is height for a document without aliases, which needs no
// memo; aliased says the document has one, and then the result is not the
// height.
func treeHeight(n *yaml3.Node) (line, height int, aliased bool) {
	if n.Kind == yaml3.AliasNode {
		return 0, 0, true
	}
	line, height = n.Line, 1
	for _, c := range n.Content {
		l, h, a := treeHeight(c)
		if a {
			return 0, 0, true
		}
		// A mapping's keys and values sit at the same level.
		if n.Kind != yaml3.DocumentNode && h+1 > height {
			line, height = l, h+1
		} else if n.Kind == yaml3.DocumentNode && h > height {
			line, height = l, h
		}
	}
	return line, height, false
}

// height is the nesting below and including n (aliases followed), with
// the line of its deepest node; memoised per node, so aliases cost nothing
// extra however often they repeat.
func (s shape) height(n *yaml3.Node) (int, int) {
	if n == nil {
		return 0, 0
	}
	if n.Kind == yaml3.AliasNode {
		if s.visiting[n.Alias] {
			return n.Line, 1 << 30 // an anchor that contains itself never ends
		}
		return s.height(n.Alias)
	}
	if h, ok := s.depth[n]; ok {
		return s.line[n], h
	}
	s.visiting[n] = true
	line, best := n.Line, 1
	for _, c := range n.Content {
		l, h := s.height(c)
		// A mapping's keys and values sit at the same level.
		if n.Kind != yaml3.DocumentNode && h+1 > best {
			line, best = l, h+1
		} else if n.Kind == yaml3.DocumentNode && h > best {
			line, best = l, h
		}
	}
	delete(s.visiting, n)
	s.depth[n], s.line[n] = best, line
	return line, best
}

// expanded counts the nodes of n with every alias replaced by its anchor's
// content, memoised per node and capped at limit, so it costs the
// document's size however far the aliases would expand.
func (s shape) expanded(n *yaml3.Node, limit int64) int64 {
	if n == nil {
		return 0
	}
	if n.Kind == yaml3.AliasNode {
		if s.visiting[n.Alias] {
			return limit + 1 // an anchor that contains itself never ends
		}
		return s.expanded(n.Alias, limit)
	}
	if v, ok := s.size[n]; ok {
		return int64(v)
	}
	s.visiting[n] = true
	total := int64(1)
	for _, c := range n.Content {
		total += s.expanded(c, limit)
		if total > limit {
			total = limit + 1
			break
		}
	}
	delete(s.visiting, n)
	s.size[n] = int(total)
	return total
}

func countLiteral(n *yaml3.Node) int {
	if n == nil {
		return 0
	}
	total := 1
	for _, c := range n.Content {
		total += countLiteral(c)
	}
	return total
}
