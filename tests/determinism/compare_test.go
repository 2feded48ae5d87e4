package determinism

import (
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"
)

// reference is the output of a scope's first run, kept gzip-compressed (a
// full corpus's reports run to gigabytes) and compared with each later
// run's output as it streams from the binary, so no run's output is held
// in memory or written out in full.
type reference struct {
	path string
	sum  string
	size int64
}

// keep streams r into a gzip file at path and returns the reference.
func keep(path string, r io.Reader) (*reference, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zw, err := gzip.NewWriterLevel(f, gzip.BestSpeed)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(zw, h), r)
	if err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return &reference{path: path, sum: hex.EncodeToString(h.Sum(nil)), size: n}, f.Close()
}

// open reads the reference's text back.
func (ref *reference) open() (io.ReadCloser, error) {
	f, err := os.Open(ref.path)
	if err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return struct {
		io.Reader
		io.Closer
	}{zr, f}, nil
}

// difference is where a run's output first departs from the reference:
// the line, and the finding (or the lines) around it in each.
type difference struct {
	line       int
	want, got  string
	wantSize   int64
	gotSize    int64
	gotSum     string
	wantSum    string
	truncation string
}

func (d *difference) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "first difference at line %d (reference: %d bytes, sha256 %.16s; this run: %d bytes, sha256 %.16s)\n", d.line, d.wantSize, d.wantSum, d.gotSize, d.gotSum)
	fmt.Fprintf(&b, "--- reference\n%s\n+++ this run\n%s", d.want, d.got)
	if d.truncation != "" {
		b.WriteString("\n" + d.truncation)
	}
	return b.String()
}

// contextLines bounds what a difference shows: the finding that differs
// (from the line that opens it) or, outside the findings, the lines
// around the difference.
const (
	contextLines = 12
	maxShown     = 4 << 10
)

// compare reads got to its end and compares it line by line with the
// reference; nil when they are the same bytes.
func (ref *reference) compare(got io.Reader) (*difference, error) {
	want, err := ref.open()
	if err != nil {
		return nil, err
	}
	defer want.Close()
	h := sha256.New()
	counted := &countingReader{r: io.TeeReader(got, h)}
	ws, gs := lineScanner(want), lineScanner(counted)
	var (
		before []string // the lines before, both the same, most recent last
		line   int
		diff   *difference
	)
	for {
		wok, gok := ws.Scan(), gs.Scan()
		if !wok && !gok {
			break
		}
		line++
		w, g := ws.Text(), gs.Text()
		if wok && gok && w == g {
			before = append(before, w)
			if len(before) > 4*contextLines {
				before = before[len(before)-2*contextLines:]
			}
			continue
		}
		diff = &difference{line: line}
		diff.want = around(before, w, wok, ws)
		diff.got = around(before, g, gok, gs)
		break
	}
	if err := ws.Err(); err != nil {
		return nil, err
	}
	if err := gs.Err(); err != nil {
		return nil, err
	}
	if _, err := io.Copy(io.Discard, counted); err != nil {
		return nil, err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if diff == nil && sum == ref.sum && counted.n == ref.size {
		return nil, nil
	}
	if diff == nil {
		// Same lines, other bytes: a final newline.
		diff = &difference{line: line, want: "(same lines)", got: "(same lines, other bytes at the end)"}
	}
	diff.wantSize, diff.wantSum, diff.gotSize, diff.gotSum = ref.size, ref.sum, counted.n, sum
	return diff, nil
}

// around shows the finding that holds the differing line: from the last
// line before it that opens a JSON object at the same or a lower indent,
// to the end of that object; else a few lines each side.
func around(before []string, first string, ok bool, rest *bufio.Scanner) string {
	if !ok {
		return "(output ends here)"
	}
	start := max(0, len(before)-contextLines)
	for i := len(before) - 1; i >= max(0, len(before)-2*contextLines); i-- {
		if opening(before[i]) {
			start = i
			break
		}
	}
	lines := append(append([]string{}, before[start:]...), first)
	indent := -1
	if start < len(before) && opening(before[start]) {
		indent = leading(before[start])
	}
	for n := 0; n < 2*contextLines && rest.Scan(); n++ {
		l := rest.Text()
		lines = append(lines, l)
		if indent >= 0 && leading(l) == indent && strings.HasPrefix(strings.TrimSpace(l), "}") {
			break
		}
	}
	for i, l := range lines {
		if len(l) > 300 {
			lines[i] = l[:300] + "…"
		}
	}
	s := strings.Join(lines, "\n")
	if len(s) > maxShown {
		s = s[:maxShown] + "\n…"
	}
	return s
}

// opening is a line that opens an object in an array: "    {".
func opening(l string) bool { return strings.TrimSpace(l) == "{" && leading(l) > 0 }

func leading(l string) int { return len(l) - len(strings.TrimLeft(l, " ")) }

func lineScanner(r io.Reader) *bufio.Scanner {
	s := bufio.NewScanner(r)
	s.Buffer(make([]byte, 0, 1<<20), 64<<20)
	return s
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
