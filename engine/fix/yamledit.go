package fix

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/shipshape-dev/shipshape/engine/schema"
)

// A YAML edit changes the text of a file in place: a scalar's token is
// replaced, or lines (or, in a flow collection, an entry) are inserted.
// Every other byte stays as it was: comments, key order, quoting, anchors,
// blank lines and line endings. The file is parsed again after each edit,
// so edits that touch the same mapping compose.

// target names an object in a YAML stream: the index of its document
// (counting every document the decoder returns) and, inside a List, the
// indexes of its items.
type target struct {
	document int
	items    []int
}

// source is a YAML file's text with its documents parsed.
type source struct {
	text []byte
	eol  string
	docs []*yaml.Node
}

func parseSource(text []byte) (*source, error) {
	s := &source{text: text, eol: "\n"}
	if bytes.Contains(text, []byte("\r\n")) {
		s.eol = "\r\n"
	}
	dec := yaml.NewDecoder(bytes.NewReader(text))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		doc := n
		s.docs = append(s.docs, &doc)
	}
	return s, nil
}

// documentAt returns the index of the document whose content starts at or
// before line and is the last to do so.
func (s *source) documentAt(line int) int {
	found := -1
	for i, d := range s.docs {
		if len(d.Content) > 0 && d.Content[0].Line <= line {
			found = i
		}
	}
	return found
}

// object returns the node of the target object.
func (s *source) object(t target) (*yaml.Node, error) {
	if t.document < 0 || t.document >= len(s.docs) || len(s.docs[t.document].Content) == 0 {
		return nil, fmt.Errorf("document %d is not in the file", t.document)
	}
	n := s.docs[t.document].Content[0]
	for _, i := range t.items {
		items, _, _ := lookup(n, "items")
		if items == nil || items.Kind != yaml.SequenceNode || i >= len(items.Content) {
			return nil, fmt.Errorf("item %d of the List is not in the file", i)
		}
		n = deref(items.Content[i])
	}
	return deref(n), nil
}

// deref follows an alias to its anchored node.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// lookup returns the value and key nodes of key in mapping m, the last
// explicit one (keys merged in with << are not m's own: setting a field
// adds it to m, which overrides the merged one). through is true when the
// value is an alias.
func lookup(m *yaml.Node, key string) (value, keyNode *yaml.Node, through bool) {
	m = deref(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil, false
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key && m.Content[i].Tag != "!!merge" {
			value, keyNode = m.Content[i+1], m.Content[i]
		}
	}
	if value != nil && value.Kind == yaml.AliasNode {
		return deref(value), keyNode, true
	}
	return value, keyNode, false
}

// step is one node on the way to a field.
type step struct {
	node, key *yaml.Node
}

// walk follows path from n and returns the nodes it found, in order; it
// stops at the first segment that is absent. aliased counts aliases it went
// through (an edit below one changes every place the anchor is used).
func walk(n *yaml.Node, path []any) (steps []step, aliased []string) {
	for _, seg := range path {
		switch k := seg.(type) {
		case string:
			v, key, through := lookup(n, k)
			if v == nil {
				return steps, aliased
			}
			if through {
				aliased = append(aliased, v.Anchor)
			}
			steps = append(steps, step{v, key})
			n = v
		case int:
			seq := deref(n)
			if seq == nil || seq.Kind != yaml.SequenceNode || k < 0 || k >= len(seq.Content) {
				return steps, aliased
			}
			v := seq.Content[k]
			if v.Kind == yaml.AliasNode {
				aliased = append(aliased, deref(v).Anchor)
				v = deref(v)
			}
			steps = append(steps, step{v, nil})
			n = v
		default:
			return steps, aliased
		}
	}
	return steps, aliased
}

// lineStart returns the byte offset where 1-based line begins.
func (s *source) lineStart(line int) int {
	off := 0
	for l := 1; l < line && off < len(s.text); l++ {
		i := bytes.IndexByte(s.text[off:], '\n')
		if i < 0 {
			return len(s.text)
		}
		off += i + 1
	}
	return off
}

// offset returns the byte offset of a node's line and column (1-based;
// the column counts characters).
func (s *source) offset(line, column int) int {
	start := s.lineStart(line)
	end := s.lineEnd(start)
	runes := 0
	for i := range string(s.text[start:end]) {
		if runes == column-1 {
			return start + i
		}
		runes++
	}
	return end
}

// lineEnd returns the offset of the end of the line that starts at off,
// before its line ending.
func (s *source) lineEnd(off int) int {
	i := bytes.IndexByte(s.text[off:], '\n')
	if i < 0 {
		return len(s.text)
	}
	end := off + i
	if end > off && s.text[end-1] == '\r' {
		end--
	}
	return end
}

// line returns the text of 1-based line (without its ending).
func (s *source) line(n int) string {
	start := s.lineStart(n)
	return string(s.text[start:s.lineEnd(start)])
}

func (s *source) lineCount() int {
	n := bytes.Count(s.text, []byte("\n"))
	if len(s.text) > 0 && s.text[len(s.text)-1] != '\n' {
		n++
	}
	return n
}

// indentOf returns a line's indentation, and whether it holds content (not
// blank, not only a comment).
func indentOf(line string) (int, bool) {
	trimmed := strings.TrimLeft(line, " ")
	if trimmed == "" || strings.HasPrefix(trimmed, "#") {
		return 0, false
	}
	return len(line) - len(trimmed), true
}

// blockEnd returns the last line of the block that starts at line first
// and holds every following line indented more than indent.
func (s *source) blockEnd(first, indent int) int {
	end := first
	for l := first + 1; l <= s.lineCount(); l++ {
		text := s.line(l)
		if text == "---" || text == "..." || strings.HasPrefix(text, "--- ") {
			break
		}
		in, content := indentOf(text)
		if !content {
			continue
		}
		if in <= indent {
			break
		}
		end = l
	}
	return end
}

// flowEnd returns the offset of the bracket that closes the flow
// collection opening at off.
func (s *source) flowEnd(off int) (int, error) {
	depth := 0
	for i := off; i < len(s.text); i++ {
		switch c := s.text[i]; c {
		case '[', '{':
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				return i, nil
			}
		case '"':
			for i++; i < len(s.text) && s.text[i] != '"'; i++ {
				if s.text[i] == '\\' {
					i++
				}
			}
		case '\'':
			for i++; i < len(s.text); i++ {
				if s.text[i] == '\'' {
					if i+1 < len(s.text) && s.text[i+1] == '\'' {
						i++
						continue
					}
					break
				}
			}
		case '#':
			if i > 0 && (s.text[i-1] == ' ' || s.text[i-1] == '\t') {
				i = s.lineEnd(i)
			}
		}
	}
	return 0, errors.New("unclosed flow collection")
}

// scalarEnd returns the offset after the scalar token that starts at off
// (a plain, single- or double-quoted scalar on one line).
func (s *source) scalarEnd(off int, inFlow bool) (int, error) {
	end := s.lineEnd(off)
	switch s.text[off] {
	case '"':
		for i := off + 1; i < end; i++ {
			switch s.text[i] {
			case '\\':
				i++
			case '"':
				return i + 1, nil
			}
		}
		return 0, errors.New("a double-quoted value spans lines")
	case '\'':
		for i := off + 1; i < end; i++ {
			if s.text[i] == '\'' {
				if i+1 < end && s.text[i+1] == '\'' {
					i++
					continue
				}
				return i + 1, nil
			}
		}
		return 0, errors.New("a single-quoted value spans lines")
	case '|', '>':
		return 0, errors.New("a block scalar")
	}
	i := off
	for ; i < end; i++ {
		c := s.text[i]
		if c == '#' && i > off && (s.text[i-1] == ' ' || s.text[i-1] == '\t') {
			break
		}
		if inFlow && (c == ',' || c == '}' || c == ']') {
			break
		}
	}
	return off + len(strings.TrimRight(string(s.text[off:i]), " \t")), nil
}

// edit is a replacement of text[start:end].
type edit struct {
	start, end int
	text       string
}

func (s *source) apply(e edit) []byte {
	out := make([]byte, 0, len(s.text)+len(e.text))
	out = append(out, s.text[:e.start]...)
	out = append(out, e.text...)
	return append(out, s.text[e.end:]...)
}

// indentStep is how far the file indents a nested mapping (2 when it shows
// none).
func indentStep(root *yaml.Node) int {
	var find func(n *yaml.Node) int
	find = func(n *yaml.Node) int {
		if n == nil || n.Kind != yaml.MappingNode || n.Style&yaml.FlowStyle != 0 {
			return 0
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			v := n.Content[i+1]
			if v.Kind == yaml.MappingNode && v.Style&yaml.FlowStyle == 0 && len(v.Content) > 0 && v.Line > n.Content[i].Line {
				if d := v.Content[0].Column - n.Content[i].Column; d > 0 {
					return d
				}
			}
			if d := find(v); d > 0 {
				return d
			}
		}
		return 0
	}
	if d := find(root); d > 0 {
		return d
	}
	return 2
}

var plainSafe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_./-]*$`)

// yaml11Words are plain scalars a YAML 1.1 reader (kubectl) does not read
// as strings.
var yaml11Words = map[string]bool{
	"y": true, "yes": true, "n": true, "no": true, "true": true, "false": true,
	"on": true, "off": true, "null": true, "~": true,
}

// render writes a value as a YAML scalar (or flow sequence of scalars);
// quote is the style of the token it replaces, kept for strings.
func render(v any, quote yaml.Style) string {
	switch x := v.(type) {
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case string:
		switch {
		case quote&yaml.SingleQuotedStyle != 0 && !strings.Contains(x, "'"):
			return "'" + x + "'"
		case quote&yaml.DoubleQuotedStyle != 0:
			return strconv.Quote(x)
		case plainSafe.MatchString(x) && !yaml11Words[strings.ToLower(x)]:
			return x
		}
		return strconv.Quote(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = render(e, 0)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprint(v)
}

// nested renders rest = value as flow mappings: "a: {b: v}".
func nested(rest []string, value any) string {
	text := render(value, 0)
	for i := len(rest) - 1; i > 0; i-- {
		text = "{" + rest[i] + ": " + text + "}"
	}
	return rest[0] + ": " + text
}

// blockLines renders rest = value as block mapping lines at indent.
func blockLines(rest []string, value any, indent, stepWidth int, eol string) string {
	var b strings.Builder
	for i, k := range rest {
		b.WriteString(strings.Repeat(" ", indent+i*stepWidth))
		b.WriteString(k)
		b.WriteString(":")
		if i == len(rest)-1 {
			b.WriteString(" ")
			b.WriteString(render(value, 0))
		}
		b.WriteString(eol)
	}
	return b.String()
}

// isNull reports a null scalar.
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// setEdit returns the edit that gives the field at path (under the
// object) the value. When the field's parents are absent they are added.
func (s *source) setEdit(obj *yaml.Node, path []any, value any) (edit, error) {
	steps, _ := walk(obj, path)
	if len(steps) == len(path) {
		leaf := steps[len(steps)-1]
		if leaf.node.Kind != yaml.ScalarNode {
			if _, isList := value.([]any); isList && leaf.node.Kind == yaml.SequenceNode {
				return s.replaceCollection(leaf.node, value)
			}
			return edit{}, fmt.Errorf("%s holds a %s, not a value", pathText(path), kindName(leaf.node))
		}
		if isNull(leaf.node) && leaf.key != nil && !s.valueTextPresent(leaf.key) {
			// key: with nothing after it.
			return s.insertUnderKey(leaf.key, nil, value, obj)
		}
		parent := obj
		if len(steps) > 1 {
			parent = steps[len(steps)-2].node
		}
		return s.replaceScalar(leaf.node, value, parent.Style&yaml.FlowStyle != 0)
	}
	parent, parentKey := obj, (*yaml.Node)(nil)
	if len(steps) > 0 {
		parent, parentKey = steps[len(steps)-1].node, steps[len(steps)-1].key
	}
	var rest []string
	for _, seg := range path[len(steps):] {
		k, ok := seg.(string)
		if !ok {
			return edit{}, fmt.Errorf("%s: list entry %v is absent", pathText(path), seg)
		}
		rest = append(rest, k)
	}
	switch {
	case parent.Kind == yaml.MappingNode && parent.Style&yaml.FlowStyle != 0:
		return s.insertFlow(parent, nested(rest, value))
	case parent.Kind == yaml.MappingNode && len(parent.Content) > 0:
		return s.insertBlock(parent, rest, value, obj)
	case isNull(parent) && parentKey != nil:
		return s.insertUnderKey(parentKey, rest, value, obj)
	}
	return edit{}, fmt.Errorf("cannot add %s under a %s", pathText(path), kindName(parent))
}

// valueTextPresent reports whether a key's line holds a value after the
// colon (null written as null or ~).
func (s *source) valueTextPresent(key *yaml.Node) bool {
	off := s.offset(key.Line, key.Column)
	rest := string(s.text[off:s.lineEnd(off)])
	i := strings.Index(rest, ":")
	if i < 0 {
		return false
	}
	after := strings.TrimSpace(rest[i+1:])
	return after != "" && !strings.HasPrefix(after, "#")
}

// replaceScalar replaces a scalar's token; inFlow says it sits in a flow
// collection, where a comma or bracket ends it.
func (s *source) replaceScalar(n *yaml.Node, value any, inFlow bool) (edit, error) {
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return edit{}, errors.New("the value is a block scalar")
	}
	start := s.offset(n.Line, n.Column)
	end, err := s.scalarEnd(start, inFlow)
	if err != nil {
		return edit{}, err
	}
	return edit{start, end, render(value, n.Style)}, nil
}

// replaceCollection replaces a sequence with a flow sequence of scalars.
func (s *source) replaceCollection(n *yaml.Node, value any) (edit, error) {
	if n.Style&yaml.FlowStyle == 0 {
		return edit{}, errors.New("the list is in block style")
	}
	start := s.offset(n.Line, n.Column)
	end, err := s.flowEnd(start)
	if err != nil {
		return edit{}, err
	}
	return edit{start, end + 1, render(value, 0)}, nil
}

// insertFlow adds "entry" to a flow mapping or sequence.
func (s *source) insertFlow(n *yaml.Node, entry string) (edit, error) {
	start := s.offset(n.Line, n.Column)
	end, err := s.flowEnd(start)
	if err != nil {
		return edit{}, err
	}
	// Before the closing bracket, after the last entry's text.
	at := end
	for at > start+1 && (s.text[at-1] == ' ' || s.text[at-1] == '\n' || s.text[at-1] == '\r' || s.text[at-1] == '\t') {
		at--
	}
	if len(n.Content) == 0 {
		return edit{at, at, entry}, nil
	}
	if s.text[at-1] == ',' {
		return edit{at, at, " " + entry}, nil
	}
	return edit{at, at, ", " + entry}, nil
}

// insertBlock adds rest = value as new lines at the end of block mapping m.
func (s *source) insertBlock(m *yaml.Node, rest []string, value any, obj *yaml.Node) (edit, error) {
	indent := m.Content[0].Column - 1
	lastKey := m.Content[len(m.Content)-2]
	end := s.blockEnd(lastKey.Line, indent)
	if last := lastLine(m.Content[len(m.Content)-1]); last > end {
		// An indentless list (kubectl's "ports:" then "- containerPort"
		// at the key's own indentation) ends the mapping.
		end = s.blockEnd(last, indent)
	}
	if last := m.Content[len(m.Content)-1]; last.Style&yaml.FlowStyle != 0 && (last.Kind == yaml.MappingNode || last.Kind == yaml.SequenceNode) {
		closing, err := s.flowEnd(s.offset(last.Line, last.Column))
		if err != nil {
			return edit{}, err
		}
		if l := bytes.Count(s.text[:closing], []byte("\n")) + 1; l > end {
			end = l
		}
	}
	return s.insertAfterLine(end, blockLines(rest, value, indent, indentStep(obj), s.eol)), nil
}

// insertUnderKey gives key (whose value is null) the block value rest =
// value; with rest empty, value goes after the colon.
func (s *source) insertUnderKey(key *yaml.Node, rest []string, value any, obj *yaml.Node) (edit, error) {
	off := s.offset(key.Line, key.Column)
	lineEnd := s.lineEnd(off)
	text := string(s.text[off:lineEnd])
	colon := strings.Index(text, ":")
	if colon < 0 {
		return edit{}, errors.New("cannot find the key's colon")
	}
	after := text[colon+1:]
	comment := ""
	if i := strings.Index(after, " #"); i >= 0 {
		comment = after[i:]
		after = after[:i]
	}
	valueStart := off + colon + 1
	valueEnd := valueStart + len(after)
	if len(rest) == 0 {
		return edit{valueStart, valueEnd, " " + render(value, 0)}, nil
	}
	// Drop "null" or "~" after the colon, keep a comment, then the new lines.
	indent := key.Column - 1 + indentStep(obj)
	return edit{valueStart, s.nextLineStart(lineEnd), comment + s.eol + blockLines(rest, value, indent, indentStep(obj), s.eol)}, nil
}

// nextLineStart returns the offset after the line ending at off.
func (s *source) nextLineStart(off int) int {
	if off < len(s.text) && s.text[off] == '\r' {
		off++
	}
	if off < len(s.text) && s.text[off] == '\n' {
		off++
	}
	return off
}

// insertAfterLine inserts text (whole lines) after 1-based line.
func (s *source) insertAfterLine(line int, text string) edit {
	end := s.lineEnd(s.lineStart(line))
	if end == len(s.text) {
		// The last line has no ending: give it one.
		return edit{end, end, s.eol + strings.TrimSuffix(text, s.eol)}
	}
	at := s.nextLineStart(end)
	return edit{at, at, text}
}

// addEdit returns the edit that makes the list at path contain value: an
// entry appended to the list, or the list created.
func (s *source) addEdit(obj *yaml.Node, path []any, value any) (edit, bool, error) {
	steps, _ := walk(obj, path)
	if len(steps) < len(path) {
		e, err := s.setEdit(obj, path, []any{value})
		return e, true, err
	}
	leaf := steps[len(steps)-1]
	switch {
	case isNull(leaf.node):
		e, err := s.setEdit(obj, path, []any{value})
		return e, true, err
	case leaf.node.Kind != yaml.SequenceNode:
		return edit{}, false, fmt.Errorf("%s holds a %s, not a list", pathText(path), kindName(leaf.node))
	}
	for _, item := range leaf.node.Content {
		if deref(item).Value == fmt.Sprint(value) {
			return edit{}, false, nil
		}
	}
	if leaf.node.Style&yaml.FlowStyle != 0 {
		e, err := s.insertFlow(leaf.node, render(value, 0))
		return e, true, err
	}
	first := leaf.node.Content[0]
	dashLine := s.line(first.Line)
	dash := strings.LastIndex(dashLine[:min(len(dashLine), first.Column-1)], "-")
	if dash < 0 {
		return edit{}, false, errors.New("cannot find the list's dash")
	}
	last := leaf.node.Content[len(leaf.node.Content)-1]
	end := s.blockEnd(last.Line, dash)
	if l := lastLine(last); l > end {
		end = s.blockEnd(l, dash)
	}
	return s.insertAfterLine(end, strings.Repeat(" ", dash)+"- "+render(value, 0)+s.eol), true, nil
}

// lastLine returns the last line a node or any node inside it starts on
// (aliases are not followed: an alias is one token).
func lastLine(n *yaml.Node) int {
	line := n.Line
	for _, c := range n.Content {
		line = max(line, lastLine(c))
	}
	return line
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		if isNull(n) {
			return "null"
		}
		return "value"
	}
	return "node"
}

// pathText renders a field path: spec.containers[0].image.
func pathText(path []any) string { return schema.FieldName(path) }
