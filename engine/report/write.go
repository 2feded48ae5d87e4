package report

import (
	"bufio"
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
	rest, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString("{\n  \"results\": ")
	if err := writeArray(bw, "  ", r.Each, func(res Result) any { return &res }); err != nil {
		return err
	}
	bw.WriteString(",")
	bw.Write(rest[1:]) // after its "{"
	bw.WriteString("\n")
	return bw.Flush()
}

// writeArray writes the items each yields as a JSON array indented as
// json.MarshalIndent would at the given prefix: "[]" when there are none.
func writeArray[T any](bw *bufio.Writer, prefix string, each func(func(T) error) error, value func(T) any) error {
	n := 0
	err := each(func(item T) error {
		b, err := json.MarshalIndent(value(item), prefix+"  ", "  ")
		if err != nil {
			return err
		}
		if n == 0 {
			bw.WriteString("[")
		} else {
			bw.WriteString(",")
		}
		n++
		bw.WriteString("\n" + prefix + "  ")
		_, err = bw.Write(b)
		return err
	})
	if err != nil {
		return err
	}
	if n == 0 {
		bw.WriteString("[]")
	} else {
		bw.WriteString("\n" + prefix + "]")
	}
	return nil
}
