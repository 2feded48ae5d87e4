package input

import (
	"bytes"
	"fmt"
)

// chunk is one YAML document of a stream, with the line it starts on.
type chunk struct {
	data      []byte
	startLine int // 1-based line of data's first byte in the file
}

// splitDocuments splits a YAML stream into documents on lines that start with
// `---`, like k8s.io/apimachinery's YAMLReader. Sections that hold nothing but
// blank lines and comments are dropped, so they do not shift document
// numbers. The byte order mark is ignored.
// A bad separator line is an *Error with Line set.
func splitDocuments(data []byte, maxDocuments int) ([]chunk, *Error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var (
		chunks     []chunk
		start      = 0 // offset of the current section
		startLine  = 1
		line       = 1
		hasContent = false
	)
	flush := func(end int) {
		if hasContent {
			chunks = append(chunks, chunk{data: data[start:end], startLine: startLine})
		}
	}
	tooMany := func() *Error {
		return &Error{Document: -1, Line: startLine, Err: &LimitError{
			What: "the file holds too many YAML documents", Limit: int64(maxDocuments), Flag: "max-documents"}}
	}
	for off := 0; off < len(data); {
		end := bytes.IndexByte(data[off:], '\n')
		next := len(data)
		if end >= 0 {
			next = off + end + 1
		}
		text := data[off:next]
		if bytes.HasPrefix(text, []byte("---")) {
			rest := bytes.TrimSpace(text[3:])
			if len(rest) > 0 && rest[0] != '#' {
				return nil, &Error{Document: -1, Line: line, Err: fmt.Errorf(
					"invalid document separator %q (only a comment may follow ---)", bytes.TrimRight(text, "\r\n"))}
			}
			flush(off)
			if maxDocuments > 0 && len(chunks) > maxDocuments {
				return nil, tooMany()
			}
			start, startLine, hasContent = next, line+1, false
		} else if !hasContent {
			trimmed := bytes.TrimSpace(text)
			hasContent = len(trimmed) > 0 && trimmed[0] != '#'
		}
		off = next
		line++
	}
	flush(len(data))
	if maxDocuments > 0 && len(chunks) > maxDocuments {
		return nil, tooMany()
	}
	return chunks, nil
}
