package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/shipshape-dev/shipshape/engine/exceptions"
	"github.com/shipshape-dev/shipshape/engine/policy"
)

const (
	ansiReset = "\x1b[0m"
	ansiBold  = "\x1b[1m"
	ansiDim   = "\x1b[2m"
)

func severityColor(severity string) string {
	switch policy.Severity(severity) {
	case policy.Critical:
		return "\x1b[1;31m"
	case policy.High:
		return "\x1b[31m"
	case policy.Medium:
		return "\x1b[33m"
	case policy.Low:
		return "\x1b[36m"
	}
	return ""
}

// ClusterHeading heads the results of cluster-level controls.
const ClusterHeading = "(cluster: all scanned objects)"

type painter bool

func (p painter) paint(code, s string) string {
	if !p || code == "" {
		return s
	}
	return code + s + ansiReset
}

// writeText prints results grouped by file (one entry per problem: the
// controls that report the same field of the same object are listed under
// one finding), then what was not judged or not read, exceptions, errors
// (on opts.Errors when set) and a one-line summary.
func writeText(w io.Writer, r *Report, opts Options) error {
	p := painter(opts.Color)
	b := bufio.NewWriterSize(w, 64<<10)
	file := ""
	written := false
	err := r.Chunks(func(results []Result) error {
		for _, g := range GroupResults(results) {
			writeGroup(b, p, g, &file, &written)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if r.Len() > 0 {
		b.WriteString("\n")
	}
	listed := func(n int, what string, lines func()) {
		if n == 0 {
			return
		}
		if !opts.Verbose {
			fmt.Fprintf(b, "%s (-v lists them).\n", fmt.Sprintf(what, n))
			return
		}
		fmt.Fprintf(b, "%s:\n", fmt.Sprintf(what, n))
		lines()
	}
	listed(len(r.Skipped), "Skipped %d document(s) that hold no Kubernetes object", func() {
		for _, s := range r.Skipped {
			fmt.Fprintf(b, "  %s:%d (document %d): %s\n", s.File, s.Line, s.Document, s.Reason)
		}
	})
	listed(len(r.NotJudged), "%d object(s) were not judged: no control of the profile applies to them", func() {
		for _, o := range r.NotJudged {
			fmt.Fprintf(b, "  %s:%d %s: %s\n", o.File, o.Line, o.Label(), o.Reason)
		}
	})
	listed(len(r.Ignored), "%d path(s) under the scanned directories were not read", func() {
		for _, ig := range r.Ignored {
			fmt.Fprintf(b, "  %s: %s\n", ig.Path, ig.Reason)
		}
	})
	listed(len(r.UnusedEvidence), "%d evidence file(s) are about no scanned image", func() {
		for _, ig := range r.UnusedEvidence {
			fmt.Fprintf(b, "  %s: %s\n", ig.Path, ig.Reason)
		}
	})
	if len(r.NotEvaluated) > 0 && r.Summary.Objects > 0 {
		// One line per reason, in the order the reasons first appear.
		var reasons []string
		ids := map[string][]string{}
		for _, ne := range r.NotEvaluated {
			if _, ok := ids[ne.Reason]; !ok {
				reasons = append(reasons, ne.Reason)
			}
			ids[ne.Reason] = append(ids[ne.Reason], ne.Control)
		}
		for _, reason := range reasons {
			fmt.Fprintf(b, "%d control(s) not evaluated (%s): %s.\n", len(ids[reason]), strings.Join(ids[reason], ", "), reason)
		}
	}
	listed(len(r.Excluded), "%d object(s) in system namespaces were not judged by some controls (settings.systemNamespaces)", func() {
		for _, e := range r.Excluded {
			fmt.Fprintf(b, "  %s:%d %s: %s\n", e.File, e.Line, e.Label(), strings.Join(e.Controls, ", "))
		}
	})
	listed(len(r.Exempted), "%d finding(s) exempted by exceptions", func() {
		for _, e := range r.Exempted {
			fmt.Fprintf(b, "  %s:%d %s %s: %s (owner %s, expires %s, %s)\n", e.File, e.Line, e.Control,
				ObjectRef{Kind: e.Kind, Namespace: e.Namespace, Name: e.Name}.Label(), e.Exception.Reason, ownerOf(e.Exception), e.Exception.Expires, e.Exception.Source)
		}
	})
	for _, e := range r.ExpiredExceptions {
		fmt.Fprintf(b, "%s\n", p.paint(severityColor(string(policy.High)), fmt.Sprintf("Expired exception (%s, %s, expired %s): its findings count again; renew or remove it.", e.Source, scopeOf(e), e.Expires)))
	}
	for _, e := range r.RefusedExceptions {
		fmt.Fprintf(b, "%s\n", p.paint(severityColor(string(policy.High)), fmt.Sprintf("Inline exception for %s refused: settings.allowInlineExceptions is false.", e.Control)))
	}
	if n := len(r.Errors); n > 0 {
		var eb strings.Builder
		fmt.Fprintf(&eb, "%s\n", p.paint(severityColor(string(policy.Critical)), fmt.Sprintf("%d error(s):", n)))
		for _, e := range r.Errors {
			fmt.Fprintf(&eb, "  %s\n", e.Message)
		}
		if opts.Errors != nil {
			if _, err := io.WriteString(opts.Errors, eb.String()); err != nil {
				return err
			}
		} else {
			b.WriteString(eb.String())
		}
	}
	b.WriteString(summaryLine(r, p))
	b.WriteString("\n")
	return b.Flush()
}

// writeGroup prints one problem, under its file's heading when the file
// changes.
func writeGroup(b *bufio.Writer, p painter, g Group, file *string, written *bool) {
	res := g.Primary
	if res.File != *file || *file == "" && res.File == "" && !*written {
		if *written {
			b.WriteString("\n")
		}
		*written = true
		*file = res.File
		header := *file
		if header == "" {
			header = ClusterHeading
		}
		b.WriteString(p.paint(ansiBold, header) + "\n")
	}
	severity := p.paint(severityColor(res.Severity), fmt.Sprintf("%-8s", strings.ToUpper(res.Severity)))
	if res.File == "" {
		fmt.Fprintf(b, "         %s  %-10s\n", severity, res.Control)
	} else {
		obj := ObjectRef{Kind: res.Kind, Namespace: res.Namespace, Name: res.Name}
		fmt.Fprintf(b, "  %s  %s  %-10s  %s\n", p.paint(ansiDim, fmt.Sprintf("%5d", res.Line)), severity, res.Control, obj.Label())
	}
	fmt.Fprintf(b, "         %s\n", res.Message)
	if res.RenderedLine {
		fmt.Fprintf(b, "         %s\n", p.paint(ansiDim, fmt.Sprintf("(line %d of the rendered output of document %d: the source file does not hold this field as rendered)", res.Line, res.Document)))
	}
	if also := g.Also(); also != "" {
		fmt.Fprintf(b, "         %s\n", p.paint(ansiDim, also))
	}
}

// scopeOf names what an exception covers.
func scopeOf(e exceptions.Exception) string {
	if e.Control != "" {
		return e.Control
	}
	return "requirement " + e.Requirement
}

func summaryLine(r *Report, p painter) string {
	s := r.Summary
	var parts []string
	for _, sev := range policy.Severities() {
		if n := s.BySeverity[string(sev)]; n > 0 {
			parts = append(parts, p.paint(severityColor(string(sev)), fmt.Sprintf("%d %s", n, sev)))
		}
	}
	profile := ""
	if s.Profile != "" {
		profile = ", profile " + s.Profile
	}
	files := fmt.Sprintf("%d file(s)", s.Files)
	if s.SourceFiles > s.Files {
		files = fmt.Sprintf("%d path(s) (%d source file(s))", s.Files, s.SourceFiles)
	}
	scope := fmt.Sprintf("%d object(s) in %s, %d control(s)%s", s.Objects, files, s.Controls, profile)
	var notes []string
	if s.NotJudged > 0 {
		notes = append(notes, fmt.Sprintf("%d object(s) not judged", s.NotJudged))
	}
	if s.Ignored > 0 {
		notes = append(notes, fmt.Sprintf("%d path(s) not read", s.Ignored))
	}
	if s.UnusedEvidence > 0 {
		notes = append(notes, fmt.Sprintf("%d evidence file(s) about no scanned image", s.UnusedEvidence))
	}
	if s.New != nil {
		notes = append(notes, fmt.Sprintf("%d new against the baseline", *s.New))
	}
	tail := ""
	if len(notes) > 0 {
		tail = "; " + strings.Join(notes, ", ")
	}
	var line string
	switch {
	case s.Violations == 0 && s.Errors > 0:
		// Not "No violations": what could not be read was not judged.
		line = fmt.Sprintf("Incomplete: %d error(s); no violations in what could be judged: %s", s.Errors, scope)
	case s.Violations == 0:
		line = fmt.Sprintf("No violations: %s", scope)
	default:
		line = fmt.Sprintf("%d violation(s) (%s) in %d of %s", s.Violations, strings.Join(parts, ", "), s.Failed, scope)
		if s.Errors > 0 {
			tail += fmt.Sprintf("; incomplete: %d error(s)", s.Errors)
		}
	}
	return line + tail + "."
}
