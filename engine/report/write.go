package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Formats returns the supported output formats, the default first.
func Formats() []string { return []string{"text", "json", "sarif", "junit", "github"} }

// Options tunes how a report is written.
type Options struct {
	// Color enables ANSI colours in text output.
	Color bool
	// Verbose lists skipped documents and excluded objects in text output.
	Verbose bool
	// Version is shipshape's version, recorded in SARIF.
	Version string
	// Errors, when set, receives the text report's input and evaluation
	// errors (standard error), so they never mix with the findings.
	Errors io.Writer
}

// Write writes the report in the given format.
func Write(w io.Writer, r *Report, format string, opts Options) error {
	switch format {
	case "text", "":
		return writeText(w, r, opts)
	case "json":
		return writeJSON(w, r)
	case "sarif":
		return writeSARIF(w, r, opts)
	case "junit":
		return writeJUnit(w, r)
	case "github":
		return writeGitHub(w, r)
	}
	return fmt.Errorf("unknown output format %q (want %s)", format, strings.Join(Formats(), ", "))
}

// writeJSON writes the report as json.Encoder with a two-space indent would,
// byte for byte, but one result at a time: a scan with hundreds of thousands
// of findings never holds its whole JSON text in memory.
func writeJSON(w io.Writer, r *Report) error {
	rest := *r
	rest.Results = nil
	tail, err := json.MarshalIndent(&rest, "", "  ")
	if err != nil {
		return err
	}
	const empty = "{\n  \"results\": null"
	if !bytes.HasPrefix(tail, []byte(empty)) {
		return fmt.Errorf("json report: results are not the first field")
	}
	tail = tail[len(empty):]
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString("{\n  \"results\": [")
	if len(r.Results) == 0 {
		bw.WriteString("]")
	}
	for i := range r.Results {
		b, err := json.MarshalIndent(&r.Results[i], "    ", "  ")
		if err != nil {
			return err
		}
		if i > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n    ")
		bw.Write(b)
	}
	if len(r.Results) > 0 {
		bw.WriteString("\n  ]")
	}
	bw.Write(tail)
	bw.WriteString("\n")
	return bw.Flush()
}
