package report

import (
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
}

// Write writes the report in the given format.
func Write(w io.Writer, r *Report, format string, opts Options) error {
	switch format {
	case "text", "":
		return writeText(w, r, opts)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	case "sarif":
		return writeSARIF(w, r, opts)
	case "junit":
		return writeJUnit(w, r)
	case "github":
		return writeGitHub(w, r)
	}
	return fmt.Errorf("unknown output format %q (want %s)", format, strings.Join(Formats(), ", "))
}
