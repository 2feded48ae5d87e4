package fix

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/shipshape-dev/shipshape/engine/eval"
	"github.com/shipshape-dev/shipshape/engine/input"
)

// document is one document of a YAML stream: its text, from its
// separator line (if any) to the next, and its first line in the file.
type document struct {
	text []byte
	line int
}

// splitDocuments cuts a file at its `---` lines, as kubectl does; the
// pieces put together are the file again, byte for byte.
func splitDocuments(text []byte) []document {
	var (
		docs  []document
		start = 0
		first = 1
		line  = 1
	)
	for off := 0; off < len(text); line++ {
		next := len(text)
		if i := bytes.IndexByte(text[off:], '\n'); i >= 0 {
			next = off + i + 1
		}
		if off > 0 && bytes.HasPrefix(text[off:next], []byte("---")) {
			docs = append(docs, document{text: text[start:off], line: first})
			start, first = off, line
		}
		off = next
	}
	return append(docs, document{text: text[start:], line: first})
}

// documentOf returns the index of the document that holds 1-based line.
func documentOf(docs []document, line int) int {
	i := sort.Search(len(docs), func(i int) bool { return docs[i].line > line }) - 1
	if i < 0 || line < 1 {
		return -1
	}
	return i
}

// checker judges edited objects with every control of the run.
type checker struct {
	ctx context.Context
	ev  *eval.Evaluator
}

// findingKeys counts an object's findings per control.
func findingKeys(fs []eval.Finding) map[string]int {
	out := map[string]int{}
	for _, f := range fs {
		out[f.Control.ID]++
	}
	return out
}

// added returns what the controls report on the requests' objects, read
// from the edited document, beyond what they reported before.
func (c *checker) added(name string, text []byte, reqs []request) ([]string, error) {
	var out []string
	done := map[*input.Object]bool{}
	for _, r := range reqs {
		if done[r.object] {
			continue
		}
		done[r.object] = true
		why, err := c.addedTo(name, text, r)
		if err != nil {
			return nil, err
		}
		if why != "" {
			out = append(out, why)
		}
	}
	return out, nil
}

// addedTo says what a control reports on the request's object, read from
// the edited document, that it did not report before ("" when nothing).
func (c *checker) addedTo(name string, text []byte, r request) (string, error) {
	f := input.ParseBytes(name, text)
	if len(f.Errors) > 0 {
		return "", f.Errors[0]
	}
	i := slices.IndexFunc(f.Objects, func(o *input.Object) bool { return slices.Equal(o.Item, r.object.Item) })
	if i < 0 {
		return "", errors.New("the edited object is not in its document")
	}
	j := c.ev.Judge(c.ctx, f.Objects[i])
	if len(j.Errors) > 0 {
		return "", errors.Join(j.Errors...)
	}
	after := findingKeys(j.Findings)
	var added []string
	for _, fd := range j.Findings {
		if after[fd.Control.ID] > r.before[fd.Control.ID] {
			added = append(added, fmt.Sprintf("%s report %q", fd.Control.ID, fd.Message))
			after[fd.Control.ID] = r.before[fd.Control.ID] // once per control
		}
	}
	return strings.Join(added, "; "), nil
}
