package report

import (
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

// writeText prints results grouped by file, then skipped documents, errors
// and a one-line summary.
func writeText(w io.Writer, r *Report, opts Options) error {
	p := painter(opts.Color)
	var b strings.Builder
	file := ""
	for _, res := range r.Results {
		if res.File != file {
			if file != "" {
				b.WriteString("\n")
			}
			file = res.File
			header := file
			if header == "" {
				header = ClusterHeading
			}
			b.WriteString(p.paint(ansiBold, header) + "\n")
		}
		if res.File == "" {
			fmt.Fprintf(&b, "         %s  %-10s\n", p.paint(severityColor(res.Severity), fmt.Sprintf("%-8s", strings.ToUpper(res.Severity))), res.Control)
			fmt.Fprintf(&b, "         %s\n", res.Message)
			continue
		}
		obj := ObjectRef{Kind: res.Kind, Namespace: res.Namespace, Name: res.Name}
		fmt.Fprintf(&b, "  %s  %s  %-10s  %s\n", p.paint(ansiDim, fmt.Sprintf("%5d", res.Line)),
			p.paint(severityColor(res.Severity), fmt.Sprintf("%-8s", strings.ToUpper(res.Severity))),
			res.Control, obj.Label())
		fmt.Fprintf(&b, "         %s\n", res.Message)
	}
	if len(r.Results) > 0 {
		b.WriteString("\n")
	}
	if n := len(r.Skipped); n > 0 {
		if opts.Verbose {
			fmt.Fprintf(&b, "Skipped %d document(s) that hold no Kubernetes object:\n", n)
			for _, s := range r.Skipped {
				fmt.Fprintf(&b, "  %s:%d (document %d): %s\n", s.File, s.Line, s.Document, s.Reason)
			}
		} else {
			fmt.Fprintf(&b, "Skipped %d document(s) that hold no Kubernetes object (-v lists them).\n", n)
		}
	}
	if n := len(r.Excluded); n > 0 {
		if opts.Verbose {
			fmt.Fprintf(&b, "%d object(s) in system namespaces were not judged by some controls (settings.systemNamespaces):\n", n)
			for _, e := range r.Excluded {
				fmt.Fprintf(&b, "  %s:%d %s: %s\n", e.File, e.Line, e.Label(), strings.Join(e.Controls, ", "))
			}
		} else {
			fmt.Fprintf(&b, "%d object(s) in system namespaces were not judged by some controls (settings.systemNamespaces; -v lists them).\n", n)
		}
	}
	if n := len(r.Exempted); n > 0 {
		if opts.Verbose {
			fmt.Fprintf(&b, "%d finding(s) exempted by exceptions:\n", n)
			for _, e := range r.Exempted {
				fmt.Fprintf(&b, "  %s:%d %s %s: %s (owner %s, expires %s, %s)\n", e.File, e.Line, e.Control,
					ObjectRef{Kind: e.Kind, Namespace: e.Namespace, Name: e.Name}.Label(), e.Exception.Reason, ownerOf(e.Exception), e.Exception.Expires, e.Exception.Source)
			}
		} else {
			fmt.Fprintf(&b, "%d finding(s) exempted by exceptions (-v lists them).\n", n)
		}
	}
	for _, e := range r.ExpiredExceptions {
		fmt.Fprintf(&b, "%s\n", p.paint(severityColor(string(policy.High)), fmt.Sprintf("Expired exception (%s, %s, expired %s): its findings count again; renew or remove it.", e.Source, scopeOf(e), e.Expires)))
	}
	for _, e := range r.RefusedExceptions {
		fmt.Fprintf(&b, "%s\n", p.paint(severityColor(string(policy.High)), fmt.Sprintf("Inline exception for %s refused: settings.allowInlineExceptions is false.", e.Control)))
	}
	if n := len(r.Errors); n > 0 {
		fmt.Fprintf(&b, "%s\n", p.paint(severityColor(string(policy.Critical)), fmt.Sprintf("%d error(s):", n)))
		for _, e := range r.Errors {
			fmt.Fprintf(&b, "  %s\n", e.Message)
		}
	}
	b.WriteString(summaryLine(r, p))
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
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
	scope := fmt.Sprintf("%d object(s) in %d file(s), %d control(s)%s", s.Objects, s.Files, s.Controls, profile)
	if s.Violations == 0 {
		return fmt.Sprintf("No violations: %s.", scope)
	}
	return fmt.Sprintf("%d violation(s) (%s) in %d of %s.", s.Violations, strings.Join(parts, ", "), s.Failed, scope)
}
