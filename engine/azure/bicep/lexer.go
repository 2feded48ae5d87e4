package bicep

import (
	"fmt"
	"strings"
)

// tokenKind is what a token is.
type tokenKind int

const (
	tokEOF tokenKind = iota
	tokNewline
	tokIdent
	tokString
	tokNumber
	tokPunct
)

// token is one lexical token. A string holds its literal parts and the
// tokens of each interpolated expression between them.
type token struct {
	kind       tokenKind
	text       string
	line       int
	start, end int // byte offsets in the file
	parts      []string
	exprs      [][]token
}

// puncts are the operators and delimiters, longest first.
var puncts = []string{"...", "??", "?.", "==", "!=", "=~", "!~", "<=", ">=", "&&", "||", "=>", "::",
	"{", "}", "[", "]", "(", ")", ",", ":", ".", "?", "!", "=", "<", ">", "+", "-", "*", "/", "%", "@", "|", ";"}

// lexer turns a file's text into tokens.
type lexer struct {
	src  string
	pos  int
	line int
}

// syntaxError is a problem in a file's text, at a line.
type syntaxError struct {
	line int
	msg  string
}

func (e *syntaxError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

func lex(src string) ([]token, error) {
	l := &lexer{src: src, line: 1}
	toks, err := l.tokens(false, 0)
	if err != nil {
		return nil, err
	}
	return append(toks, token{kind: tokEOF, line: l.line, start: len(src), end: len(src)}), nil
}

// maxNesting bounds brackets and interpolations inside one another.
const maxNesting = 200

// tokens lexes until the end, or, inside an interpolation, until the
// brace that closes it (consumed).
func (l *lexer) tokens(interpolation bool, nesting int) ([]token, error) {
	if nesting > maxNesting {
		return nil, &syntaxError{l.line, "nested too deep"}
	}
	var out []token
	braces := 0
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == '\n':
			out = append(out, token{kind: tokNewline, line: l.line, start: l.pos, end: l.pos + 1})
			l.line++
			l.pos++
		case c == ' ' || c == '\t' || c == '\r':
			l.pos++
		case strings.HasPrefix(l.src[l.pos:], "//"), c == '#' && pragma(l.src[l.pos:]):
			// Comments, and the linter's pragmas (#disable-next-line
			// BCP081), which say nothing about what is deployed.
			for l.pos < len(l.src) && l.src[l.pos] != '\n' {
				l.pos++
			}
		case strings.HasPrefix(l.src[l.pos:], "/*"):
			end := strings.Index(l.src[l.pos+2:], "*/")
			if end < 0 {
				return nil, &syntaxError{l.line, "unclosed /* comment"}
			}
			l.line += strings.Count(l.src[l.pos:l.pos+2+end], "\n")
			l.pos += end + 4
		case strings.HasPrefix(l.src[l.pos:], "'''"):
			t, err := l.multiline()
			if err != nil {
				return nil, err
			}
			out = append(out, t)
		case c == '\'':
			t, err := l.str(nesting)
			if err != nil {
				return nil, err
			}
			out = append(out, t)
		case c >= '0' && c <= '9':
			start := l.pos
			for l.pos < len(l.src) && (l.src[l.pos] >= '0' && l.src[l.pos] <= '9' || l.src[l.pos] == '.') {
				l.pos++
			}
			out = append(out, token{kind: tokNumber, text: l.src[start:l.pos], line: l.line, start: start, end: l.pos})
		case isIdentStart(c):
			start := l.pos
			for l.pos < len(l.src) && (isIdentStart(l.src[l.pos]) || l.src[l.pos] >= '0' && l.src[l.pos] <= '9') {
				l.pos++
			}
			out = append(out, token{kind: tokIdent, text: l.src[start:l.pos], line: l.line, start: start, end: l.pos})
		default:
			p := ""
			for _, cand := range puncts {
				if strings.HasPrefix(l.src[l.pos:], cand) {
					p = cand
					break
				}
			}
			if p == "" {
				return nil, &syntaxError{l.line, fmt.Sprintf("unexpected character %q", c)}
			}
			if interpolation {
				switch p {
				case "{":
					braces++
				case "}":
					if braces == 0 {
						l.pos++
						return append(out, token{kind: tokEOF, line: l.line, start: l.pos - 1, end: l.pos - 1}), nil
					}
					braces--
				}
			}
			out = append(out, token{kind: tokPunct, text: p, line: l.line, start: l.pos, end: l.pos + len(p)})
			l.pos += len(p)
		}
	}
	if interpolation {
		return nil, &syntaxError{l.line, "unclosed ${ in a string"}
	}
	return out, nil
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// multiline reads a ”'...”' string: no escapes, no interpolation, and a
// line break right after the opening quotes is not part of it.
func (l *lexer) multiline() (token, error) {
	start, line := l.pos, l.line
	l.pos += 3
	end := strings.Index(l.src[l.pos:], "'''")
	if end < 0 {
		return token{}, &syntaxError{line, "unclosed ''' string"}
	}
	body := l.src[l.pos : l.pos+end]
	l.line += strings.Count(body, "\n")
	l.pos += end + 3
	// More quotes right after the closing ones belong to the string.
	for l.pos < len(l.src) && l.src[l.pos] == '\'' {
		body += "'"
		l.pos++
	}
	body = strings.TrimPrefix(strings.TrimPrefix(body, "\r"), "\n")
	return token{kind: tokString, line: line, start: start, end: l.pos, parts: []string{body}}, nil
}

// str reads a '...' string with its escapes and ${...} interpolations.
func (l *lexer) str(nesting int) (token, error) {
	start, line := l.pos, l.line
	l.pos++
	var parts []string
	var exprs [][]token
	var b strings.Builder
	for {
		if l.pos >= len(l.src) || l.src[l.pos] == '\n' {
			return token{}, &syntaxError{line, "unclosed string"}
		}
		c := l.src[l.pos]
		switch {
		case c == '\'':
			l.pos++
			parts = append(parts, b.String())
			return token{kind: tokString, line: line, start: start, end: l.pos, parts: parts, exprs: exprs}, nil
		case c == '\\':
			if l.pos+1 >= len(l.src) {
				return token{}, &syntaxError{line, "unclosed string"}
			}
			e := l.src[l.pos+1]
			l.pos += 2
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case '\\', '\'', '$':
				b.WriteByte(e)
			case 'u':
				end := strings.IndexByte(l.src[l.pos:], '}')
				var r rune
				if l.pos >= len(l.src) || l.src[l.pos] != '{' || end < 0 {
					return token{}, &syntaxError{line, `bad \u{...} escape`}
				}
				if _, err := fmt.Sscanf(l.src[l.pos+1:l.pos+end], "%x", &r); err != nil {
					return token{}, &syntaxError{line, `bad \u{...} escape`}
				}
				b.WriteRune(r)
				l.pos += end + 1
			default:
				return token{}, &syntaxError{line, fmt.Sprintf(`unknown escape \%c`, e)}
			}
		case strings.HasPrefix(l.src[l.pos:], "${"):
			l.pos += 2
			parts = append(parts, b.String())
			b.Reset()
			toks, err := l.tokens(true, nesting+1)
			if err != nil {
				return token{}, err
			}
			exprs = append(exprs, toks)
		default:
			b.WriteByte(c)
			l.pos++
		}
	}
}

// pragma reports whether src starts with a Bicep linter directive.
func pragma(src string) bool {
	for _, p := range []string{"#disable-next-line", "#disable-diagnostics", "#restore-diagnostics"} {
		if strings.HasPrefix(src, p) {
			return true
		}
	}
	return false
}
