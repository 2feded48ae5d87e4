package compliance

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"
)

// WriteMarkdown writes the assessment as Markdown.
func WriteMarkdown(w io.Writer, c *Compliance) error {
	var b strings.Builder
	pass, fail, ne := c.Counts()
	fmt.Fprintf(&b, "# Compliance report\n\nProfile `%s`: %d object(s) in %d file(s). Requirements: %d pass, %d fail, %d not evaluated.", c.Profile, c.Objects, c.Files, pass, fail, ne)
	if c.Exempted > 0 {
		fmt.Fprintf(&b, " %d finding(s) are exempted by exceptions and not counted.", c.Exempted)
	}
	b.WriteString("\n\n## Frameworks\n\n| framework | pass rate | passed | failed | not evaluated | failing controls |\n|---|---|---|---|---|---|\n")
	for _, f := range c.Frameworks {
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %d | %s |\n", f.Name, percent(f), f.Passed, f.Failed, f.NotEvaluated, strings.Join(f.FailingIDs, ", "))
	}
	b.WriteString("\n## Requirements\n\n| requirement | verdict | controls | evidence |\n|---|---|---|---|\n")
	for _, r := range c.Requirements {
		var ctls, evidence []string
		for _, v := range controlsOf(r.Controls) {
			ctls = append(ctls, fmt.Sprintf("%s (%s)", v.ID, v.Verdict))
			for _, o := range objectsOf(v) {
				evidence = append(evidence, v.ID+": "+o)
			}
		}
		if r.Why != "" {
			evidence = append(evidence, r.Why)
		}
		fmt.Fprintf(&b, "| **%s** %s | %s | %s | %s |\n", r.Requirement.ID, escapeMD(r.Requirement.Text), r.Verdict, strings.Join(ctls, ", "), escapeMD(strings.Join(evidence, "; ")))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func escapeMD(s string) string { return strings.ReplaceAll(s, "|", "\\|") }

func percent(f FrameworkScore) string {
	if f.Passed+f.Failed == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f%%", math.Floor(f.Rate()*100))
}

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"percent": percent,
	"width":   func(n, total int) int { return int(math.Round(float64(n) / float64(max(total, 1)) * 300)) },
	"add":     func(a, b int) int { return a + b },
	"objects": objectsOf,
	"sorted":  controlsOf,
	"lower":   strings.ToLower,
	"class":   func(v string) string { return strings.ReplaceAll(v, " ", "-") },
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>shipshape compliance report</title>
<style>
body{font:14px/1.5 system-ui,sans-serif;margin:2rem;color:#1b1f24;max-width:70rem}
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}.pass{color:#1a7f37;font-weight:600}.fail{color:#cf222e;font-weight:600}.not-evaluated{color:#6e7781}
.charts{display:flex;flex-wrap:wrap;gap:1rem}.chart{border:1px solid #d0d7de;border-radius:6px;padding:.75rem}
.summary span{margin-right:1.5rem}ul{margin:0;padding-left:1.1rem}
</style></head><body>
<h1>Compliance report</h1>
<p class="summary"><span>Profile <b>{{.C.Profile}}</b></span><span>{{.C.Objects}} object(s) in {{.C.Files}} file(s)</span>
<span class="pass">{{.Pass}} pass</span><span class="fail">{{.Fail}} fail</span><span class="not-evaluated">{{.NotEvaluated}} not evaluated</span>
{{if .C.Exempted}}<span>{{.C.Exempted}} exempted finding(s) not counted</span>{{end}}</p>
<h2>Frameworks</h2>
<div class="charts">
{{range .C.Frameworks}}<figure class="chart" data-framework="{{.Key}}">
<figcaption><b>{{.Name}}</b>: {{percent .}} of evaluated controls pass</figcaption>
<svg role="img" aria-label="{{.Name}}: {{.Passed}} passed, {{.Failed}} failed, {{.NotEvaluated}} not evaluated" width="320" height="40" viewBox="0 0 320 40">
<rect x="0" y="8" width="{{width .Passed (add (add .Passed .Failed) .NotEvaluated)}}" height="20" fill="#2da44e"><title>{{.Passed}} passed</title></rect>
<rect x="{{width .Passed (add (add .Passed .Failed) .NotEvaluated)}}" y="8" width="{{width .Failed (add (add .Passed .Failed) .NotEvaluated)}}" height="20" fill="#cf222e"><title>{{.Failed}} failed</title></rect>
<rect x="{{width (add .Passed .Failed) (add (add .Passed .Failed) .NotEvaluated)}}" y="8" width="{{width .NotEvaluated (add (add .Passed .Failed) .NotEvaluated)}}" height="20" fill="#d0d7de"><title>{{.NotEvaluated}} not evaluated</title></rect>
</svg>
<div>{{.Passed}} passed · {{.Failed}} failed · {{.NotEvaluated}} not evaluated{{if .FailingIDs}}<br>Failing: {{range $i, $id := .FailingIDs}}{{if $i}}, {{end}}{{$id}}{{end}}{{end}}</div>
</figure>
{{end}}</div>
<h2>Requirements</h2>
<table id="requirements"><thead><tr><th>Requirement</th><th>Verdict</th><th>Controls</th><th>Evidence</th></tr></thead><tbody>
{{range .C.Requirements}}<tr data-requirement="{{.Requirement.ID}}"><td><b>{{.Requirement.ID}}</b> {{.Requirement.Text}}</td>
<td class="{{class .Verdict}}">{{.Verdict}}</td>
<td><ul>{{range sorted .Controls}}<li>{{.ID}} <span class="{{class .Verdict}}">{{.Verdict}}</span> ({{.Judged}} judged)</li>{{end}}</ul></td>
<td>{{if .Why}}{{.Why}}{{end}}<ul>{{range sorted .Controls}}{{$id := .ID}}{{range objects .}}<li>{{$id}}: {{.}}</li>{{end}}{{end}}</ul></td></tr>
{{end}}</tbody></table>
<p>Generated by shipshape. This file is self-contained: no scripts, fonts or images are loaded.</p>
</body></html>
`))

// WriteHTML writes the assessment as one self-contained HTML page with a
// chart per framework.
func WriteHTML(w io.Writer, c *Compliance) error {
	pass, fail, ne := c.Counts()
	return page.Execute(w, map[string]any{"C": c, "Pass": pass, "Fail": fail, "NotEvaluated": ne})
}
