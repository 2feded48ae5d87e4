package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/shipshape-dev/shipshape/engine/policy"
)

// writeGitHub writes GitHub Actions workflow commands that annotate the
// offending lines of a pull request: critical and high as errors, medium as
// warnings, low as notices.
func writeGitHub(w io.Writer, r *Report) error {
	b := bufio.NewWriterSize(w, 64<<10)
	err := r.Chunks(func(results []Result) error {
		for _, g := range GroupResults(results) {
			writeAnnotation(b, g)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, ex := range r.Exempted {
		title := fmt.Sprintf("%s exempted", ex.Control)
		msg := fmt.Sprintf("%s (exempted: %s; owner %s, expires %s, %s)", ex.Message, ex.Exception.Reason, ownerOf(ex.Exception), ex.Exception.Expires, ex.Exception.Source)
		if ex.File == "" {
			fmt.Fprintf(b, "::notice title=%s::%s\n", escapeProperty(title), escapeData(msg))
			continue
		}
		fmt.Fprintf(b, "::notice file=%s,line=%d,title=%s::%s\n", escapeProperty(ex.File), max(ex.Line, 1), escapeProperty(title), escapeData(msg))
	}
	for _, e := range r.ExpiredExceptions {
		fmt.Fprintf(b, "::warning title=shipshape expired exception::%s\n", escapeData(fmt.Sprintf("exception %s (%s) expired %s; its findings count again", e.Source, scopeOf(e), e.Expires)))
	}
	for _, e := range r.RefusedExceptions {
		fmt.Fprintf(b, "::warning title=shipshape refused exception::%s\n", escapeData("inline exception for "+e.Control+" refused: settings.allowInlineExceptions is false"))
	}
	for _, e := range r.Errors {
		if e.File != "" {
			fmt.Fprintf(b, "::error file=%s,line=%d,title=shipshape input error::%s\n", escapeProperty(e.File), max(e.Line, 1), escapeData(e.Message))
		} else {
			fmt.Fprintf(b, "::error title=shipshape error::%s\n", escapeData(e.Message))
		}
	}
	b.WriteString(summaryLine(r, false))
	b.WriteString("\n")
	return b.Flush()
}

// writeAnnotation writes the workflow command of one problem.
func writeAnnotation(b *bufio.Writer, g Group) {
	res := g.Primary
	if also := g.Also(); also != "" {
		res.Message += " (" + also + ")"
	}
	level := "notice"
	switch policy.Severity(res.Severity) {
	case policy.Critical, policy.High:
		level = "error"
	case policy.Medium:
		level = "warning"
	}
	title := fmt.Sprintf("%s %s (%s)", res.Control, res.Title, res.Severity)
	if res.File == "" {
		fmt.Fprintf(b, "::%s title=%s::%s\n", level, escapeProperty(title), escapeData(res.Message))
		return
	}
	fmt.Fprintf(b, "::%s file=%s,line=%d,title=%s::%s\n",
		level, escapeProperty(res.File), max(res.Line, 1), escapeProperty(title), escapeData(res.Message))
}

// escapeData escapes a workflow command's message.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a workflow command's property value.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

func severityRank(s string) int { return policy.Severity(s).Rank() }
