package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/engine/eval"
	"github.com/shipshape-dev/shipshape/engine/exceptions"
	"github.com/shipshape-dev/shipshape/engine/input"
	"github.com/shipshape-dev/shipshape/engine/policy"
)

var (
	privileged = &policy.Control{ID: "SS-PSS-003", Title: "Privileged containers are forbidden", Severity: policy.Critical,
		Requirements: []string{"POD-08"}, Description: "d", Remediation: "r", Package: "shipshape.pss.privileged",
		Frameworks: map[string]any{"cis-k8s": []any{"5.2.2"}}}
	ports = &policy.Control{ID: "SS-PSS-006", Title: "Host ports are forbidden", Severity: policy.Medium, Requirements: []string{"NET-06"}}
)

// sample builds a report over two files: one with findings in a List item,
// one clean, plus a skipped document and an input error.
func sample(t *testing.T) *Report {
	t.Helper()
	f1 := input.ParseBytes("deploy/app.yaml", []byte(`apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: web, namespace: prod}
  spec:
    containers:
    - name: app
      image: x
      securityContext: {privileged: true}
      ports: [{containerPort: 80, hostPort: 80}]
---
settings: {a: 1}
`))
	f2 := input.ParseBytes("deploy/ok.yaml", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\n"))
	require.Len(t, f1.Objects, 1)
	pod := f1.Objects[0]
	j1 := eval.Judgement{Object: pod, Judged: []string{privileged.ID, ports.ID}, Findings: []eval.Finding{
		{Control: ports, Message: "uses hostPort 80", Field: []any{"spec", "containers", 0, "ports", 0, "hostPort"}},
		{Control: privileged, Message: "sets privileged, 100% bad", Field: []any{"spec", "containers", 0, "securityContext", "privileged"}},
	}}
	b := NewBuilder([]*policy.Control{privileged, ports}, "all")
	b.Add(NewPart(f1, []eval.Judgement{j1}))
	b.Add(NewPart(f2, []eval.Judgement{{Object: f2.Objects[0]}}))
	b.AddError(&input.Error{File: "broken.yaml", Document: 0, Line: 3, Err: errors.New("YAML syntax error: bad")})
	return b.Finish()
}

func TestReportFollowsTheContract(t *testing.T) {
	r := sample(t)
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, r, "json", Options{}))
	var doc map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &doc))

	results := doc["results"].([]any)
	require.Len(t, results, 2)
	assert.Equal(t, "SS-PSS-006", results[1].(map[string]any)["control"], "results of a file are ordered by line")
	first := results[0].(map[string]any)
	for _, key := range []string{"control", "severity", "title", "message", "file", "document", "line", "kind", "namespace", "name", "requirements", "item"} {
		assert.Contains(t, first, key)
	}
	assert.Equal(t, "SS-PSS-003", first["control"])
	assert.Equal(t, "deploy/app.yaml", first["file"])
	assert.Equal(t, 0.0, first["document"])
	assert.Equal(t, 0.0, first["item"])
	assert.Equal(t, 11.0, first["line"], "line of the offending field")
	assert.Equal(t, "spec.containers[0].securityContext.privileged", first["field"])
	assert.Equal(t, "prod", first["namespace"])
	assert.Equal(t, []any{"POD-08"}, first["requirements"])

	summary := doc["summary"].(map[string]any)
	assert.Equal(t, 2.0, summary["objects"])
	assert.Equal(t, 2.0, summary["files"])
	assert.Equal(t, 2.0, summary["controls"])
	assert.Equal(t, 2.0, summary["violations"])
	assert.Equal(t, map[string]any{"critical": 1.0, "high": 0.0, "medium": 1.0, "low": 0.0}, summary["by_severity"])
	assert.Equal(t, 1.0, summary["skipped"])
	assert.Equal(t, 1.0, summary["errors"])
}

func TestExitCode(t *testing.T) {
	r := sample(t)
	assert.Equal(t, 2, r.ExitCode(policy.High), "errors win")
	r.Errors = nil
	assert.Equal(t, 1, r.ExitCode(policy.Critical))
	assert.Equal(t, 1, r.ExitCode(policy.Medium))
	assert.Equal(t, 0, r.ExitCode(""), "--fail-on none")
	r.setResults(r.All()[1:]) // only the medium finding left
	assert.Equal(t, 0, r.ExitCode(policy.High))
	assert.Equal(t, 1, r.ExitCode(policy.Low))
}

func TestTextGroupsByFile(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, sample(t), "text", Options{}))
	out := buf.String()
	assert.NotContains(t, out, "\x1b[", "no colour unless asked")
	assert.Contains(t, out, "deploy/app.yaml\n")
	assert.Contains(t, out, "CRITICAL  SS-PSS-003  Pod prod/web")
	assert.Contains(t, out, "Skipped 1 document(s) that hold no Kubernetes object (-v lists them).")
	assert.Contains(t, out, "broken.yaml:3: document 0: YAML syntax error: bad")
	assert.Contains(t, out, "1 object(s) were not judged: no control of the profile applies to them (-v lists them).")
	assert.True(t, strings.HasSuffix(out, "2 violation(s) (1 critical, 1 medium) in 1 of 2 object(s) in 2 file(s), 2 control(s), profile all; 1 object(s) not judged; incomplete: 1 error(s).\n"), out)

	buf.Reset()
	require.NoError(t, Write(&buf, sample(t), "text", Options{Color: true, Verbose: true}))
	assert.Contains(t, buf.String(), "\x1b[1;31mCRITICAL")
	assert.Contains(t, buf.String(), "deploy/app.yaml:14 (document 1): not a Kubernetes object")
	assert.Contains(t, buf.String(), "deploy/ok.yaml:1 ConfigMap cfg: no control of the profile judges ConfigMap")
}

func TestSARIF(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, sample(t), "sarif", Options{Version: "1.2.3"}))
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name    string `json:"name"`
					Version string `json:"version"`
					Rules   []struct {
						ID   string         `json:"id"`
						Help map[string]any `json:"help"`
						Prop map[string]any `json:"properties"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Level     string `json:"level"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }    `json:"artifactLocation"`
						Region           struct{ StartLine int } `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				Fingerprints map[string]string `json:"partialFingerprints"`
			} `json:"results"`
			Invocations []struct {
				ExecutionSuccessful bool `json:"executionSuccessful"`
			} `json:"invocations"`
		} `json:"runs"`
	}
	require.NoError(t, json.Unmarshal(buf.Bytes(), &log))
	assert.Equal(t, "2.1.0", log.Version)
	run := log.Runs[0]
	assert.Equal(t, "1.2.3", run.Tool.Driver.Version)
	require.Len(t, run.Tool.Driver.Rules, 2)
	assert.Equal(t, "9.5", run.Tool.Driver.Rules[0].Prop["security-severity"])
	assert.Contains(t, run.Tool.Driver.Rules[0].Help["text"], "Fix: r")
	require.Len(t, run.Results, 2)
	res := run.Results[0]
	assert.Equal(t, "SS-PSS-003", res.RuleID)
	assert.Equal(t, "SS-PSS-003", run.Tool.Driver.Rules[res.RuleIndex].ID)
	assert.Equal(t, "error", res.Level)
	assert.Equal(t, "deploy/app.yaml", res.Locations[0].PhysicalLocation.ArtifactLocation.URI)
	assert.Equal(t, 11, res.Locations[0].PhysicalLocation.Region.StartLine)
	assert.NotEmpty(t, res.Fingerprints["shipshape/v2"])
	assert.Equal(t, "warning", run.Results[1].Level)
	assert.False(t, run.Invocations[0].ExecutionSuccessful, "input errors mark the run unsuccessful")
}

func TestJUnit(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, sample(t), "junit", Options{}))
	var suites junitSuites
	require.NoError(t, xml.Unmarshal(buf.Bytes(), &suites))
	assert.Equal(t, 3, suites.Tests)
	assert.Equal(t, 1, suites.Failures)
	assert.Equal(t, 1, suites.Errors)
	require.Len(t, suites.Suites, 3)
	failing := suites.Suites[0].Cases[0]
	assert.Equal(t, "Pod prod/web (document 0, item 0)", failing.Name)
	require.NotNil(t, failing.Failure)
	assert.Equal(t, "critical", failing.Failure.Type)
	assert.Contains(t, failing.Failure.Text, "deploy/app.yaml:11 SS-PSS-003 [critical]")
	notJudged := suites.Suites[1].Cases[0]
	assert.Nil(t, notJudged.Failure)
	require.NotNil(t, notJudged.Skipped, "an object no control judged did not pass")
	assert.Equal(t, "not judged: no control of the profile judges ConfigMap", notJudged.Skipped.Message)
	assert.Equal(t, 1, suites.Skipped)
}

// TestJUnitPassesOnlyJudgedObjects: a clean object that controls judged
// passes; one no control judged, or whose controls all skip its namespace,
// is skipped with why; one a control failed on is an error.
func TestJUnitPassesOnlyJudgedObjects(t *testing.T) {
	f := input.ParseBytes("deploy/many.yaml", []byte(`apiVersion: v1
kind: Pod
metadata: {name: clean, namespace: prod}
---
apiVersion: v1
kind: Pod
metadata: {name: system, namespace: kube-system}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
---
apiVersion: v1
kind: Pod
metadata: {name: broken, namespace: prod}
`))
	require.Len(t, f.Objects, 4)
	b := NewBuilder([]*policy.Control{privileged, ports}, "all")
	b.Add(NewPart(f, []eval.Judgement{
		{Object: f.Objects[0], Judged: []string{privileged.ID, ports.ID}},
		{Object: f.Objects[1], Excluded: []string{privileged.ID, ports.ID}},
		{Object: f.Objects[2]},
		{Object: f.Objects[3], Judged: []string{privileged.ID, ports.ID}, Errors: []error{
			&eval.ControlError{Control: ports.ID, Source: f.Objects[3].Source, Err: errors.New("conflict")}}},
	}))
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, b.Finish(), "junit", Options{}))
	var suites junitSuites
	require.NoError(t, xml.Unmarshal(buf.Bytes(), &suites))
	require.Len(t, suites.Suites, 1)
	cases := suites.Suites[0].Cases
	require.Len(t, cases, 5, "four objects and the control's error")
	assert.Nil(t, cases[0].Skipped, "a judged clean object passes")
	assert.Nil(t, cases[0].Error)
	require.NotNil(t, cases[1].Skipped)
	assert.Equal(t, `not judged: namespace "kube-system" is excluded from SS-PSS-003, SS-PSS-006`, cases[1].Skipped.Message)
	require.NotNil(t, cases[2].Skipped)
	assert.Contains(t, cases[2].Skipped.Message, "no control of the profile judges ConfigMap")
	require.NotNil(t, cases[3].Error, "an object a control failed on did not pass")
	assert.Equal(t, "1 control(s) failed on the object", cases[3].Error.Message)
	assert.Equal(t, 2, suites.Skipped)
	assert.Equal(t, 2, suites.Errors)
	assert.Equal(t, 0, suites.Failures)
}

func TestGitHubAnnotations(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, sample(t), "github", Options{}))
	lines := strings.Split(buf.String(), "\n")
	assert.Equal(t, "::error file=deploy/app.yaml,line=11,title=SS-PSS-003 Privileged containers are forbidden (critical)::sets privileged, 100%25 bad", lines[0])
	assert.True(t, strings.HasPrefix(lines[1], "::warning file=deploy/app.yaml,line=12,"), lines[1])
	assert.Equal(t, "::error file=broken.yaml,line=3,title=shipshape input error::broken.yaml:3: document 0: YAML syntax error: bad", lines[2])
	assert.Equal(t, "a%3Ab%2Cc%0Ad", escapeProperty("a:b,c\nd"))
}

func TestFieldPath(t *testing.T) {
	assert.Equal(t, "spec.containers[0].securityContext", FieldPath([]any{"spec", "containers", 0, "securityContext"}))
	assert.Equal(t, `metadata.annotations["container.apparmor.security.beta.kubernetes.io/app"]`,
		FieldPath([]any{"metadata", "annotations", "container.apparmor.security.beta.kubernetes.io/app"}))
	assert.Equal(t, "", FieldPath(nil))
}

func TestUnknownFormat(t *testing.T) {
	err := Write(&bytes.Buffer{}, sample(t), "yaml", Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "text, json, sarif, junit, github")
}

func TestFingerprintIgnoresFileAndLine(t *testing.T) {
	a := Result{Control: "SS-PSS-003", APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "web", Field: "spec.template.spec.containers[0].securityContext.privileged", File: "a.yaml", Line: 10, Message: "m1"}
	b := a
	b.File, b.Line, b.APIVersion = "dir/b.yaml", 99, "apps/v1beta2"
	assert.Equal(t, Fingerprint(a), Fingerprint(b), "file, line and version move; the finding is the same")
	b.APIVersion = "extensions/v1beta1"
	assert.Equal(t, Fingerprint(a), Fingerprint(b), "moving a Deployment from extensions to apps keeps its findings")
	for name, change := range map[string]func(*Result){
		"control":   func(r *Result) { r.Control = "SS-PSS-004" },
		"namespace": func(r *Result) { r.Namespace = "other" },
		"name":      func(r *Result) { r.Name = "api" },
		"field":     func(r *Result) { r.Field = "spec.template.spec.containers[1].securityContext.privileged" },
		"group":     func(r *Result) { r.APIVersion = "example.com/v1" },
		"message":   func(r *Result) { r.Message = "m2" },
	} {
		c := a
		change(&c)
		assert.NotEqual(t, Fingerprint(a), Fingerprint(c), name)
	}
}

// TestBaselineNeverCallsANewFindingOld holds --baseline and diff to the
// promise that matters for a gate: several findings of one control on one
// field are told apart, and a finding that now occurs more often than in
// the baseline is new that many times.
func TestBaselineNeverCallsANewFindingOld(t *testing.T) {
	finding := func(msg string) Result {
		r := Result{Control: "SS-IAM-003", Severity: "high", APIVersion: "rbac.authorization.k8s.io/v1", Kind: "Role", Namespace: "shop", Name: "ops", Field: "rules[0]", Message: msg}
		r.Fingerprint = Fingerprint(r)
		return r
	}
	old := NewReport([]Result{finding(`Role "ops" rule 0 grants get on pods/log`)}, Summary{})
	current := NewReport([]Result{
		finding(`Role "ops" rule 0 grants get on pods/log`),
		finding(`Role "ops" rule 0 grants create on pods/exec`),
		finding(`Role "ops" rule 0 grants get on pods/exec`),
		finding(`Role "ops" rule 0 grants create on pods/attach`),
	}, Summary{})
	require.NoError(t, current.ApplyBaseline(Fingerprints(old)))
	require.NotNil(t, current.Summary.New)
	assert.Equal(t, 3, *current.Summary.New, "three new grants on the same field are three new findings")
	assert.True(t, current.All()[0].Baseline)
	assert.Equal(t, 1, current.ExitCode(policy.High))

	d := Compare(old, current)
	assert.Len(t, d.New, 3)
	assert.Len(t, d.Unchanged, 1)
	assert.Empty(t, d.Fixed)

	twice := NewReport([]Result{finding("same"), finding("same")}, Summary{})
	require.NoError(t, twice.ApplyBaseline(Fingerprints(NewReport([]Result{finding("same")}, Summary{}))))
	assert.Equal(t, 1, *twice.Summary.New, "a finding that now occurs twice is new once")
	d = Compare(NewReport([]Result{finding("same"), finding("same")}, Summary{}), NewReport([]Result{finding("same")}, Summary{}))
	assert.Len(t, d.Fixed, 1, "one of two identical findings was fixed")
}

func TestGroupResults(t *testing.T) {
	base := Result{File: "a.yaml", Kind: "Pod", Name: "p", Line: 12}
	with := func(control, severity, field string, reqs ...string) Result {
		r := base
		r.Control, r.Severity, r.Field, r.Requirements, r.Title = control, severity, field, reqs, control+" title"
		return r
	}
	groups := GroupResults([]Result{
		with("SS-PSS-101", "medium", "spec.volumes[0].hostPath", "POD-02", "POD-06"),
		with("SS-POD-003", "high", "spec.volumes[0].hostPath", "POD-06"),
		with("SS-PSS-005", "high", "spec.volumes[0].hostPath", "POD-01", "POD-06"),
		with("SS-IMG-001", "high", "spec.containers[0].image", "IMG-01"),
		with("SS-IMG-004", "high", "spec.containers[0].image", "IMG-04"),
		with("SS-POD-008", "low", "spec.containers[0]", "POD-09"),
		with("SS-POD-008", "low", "spec.containers[0]", "POD-09"),
	})
	require.Len(t, groups, 5)
	assert.Equal(t, []string{"SS-POD-003", "SS-PSS-005", "SS-PSS-101"}, groups[0].Controls(), "one hostPath volume, three controls of one requirement: one problem, worst first")
	assert.Contains(t, groups[0].Also(), "SS-PSS-005 (high: SS-PSS-005 title)")
	assert.Equal(t, []string{"SS-IMG-001"}, groups[1].Controls(), "different requirements on one field are different problems")
	assert.Equal(t, []string{"SS-POD-008"}, groups[3].Controls(), "two findings of one control are two problems")
}

// TestJSONStreamsLikeTheEncoder holds the streamed JSON writer to the bytes
// encoding/json would write for the whole report.
func TestJSONStreamsLikeTheEncoder(t *testing.T) {
	one := sample(t)
	one.setResults(one.All()[:1])
	none := sample(t)
	none.setResults(nil)
	for name, r := range map[string]*Report{"many": sample(t), "one": one, "none": none} {
		t.Run(name, func(t *testing.T) {
			var want, got bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetIndent("", "  ")
			whole := struct {
				Results []Result `json:"results"`
				*Report
			}{r.All(), r}
			require.NoError(t, enc.Encode(whole))
			require.NoError(t, Write(&got, r, "json", Options{}))
			assert.Equal(t, want.String(), got.String())
		})
	}
}

func TestAddKeepsOrderReleasesPartsAndFiltersExemptions(t *testing.T) {
	pod := func(file, annotations string) (*input.File, eval.Judgement) {
		f := input.ParseBytes(file, []byte("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: {"+annotations+"}\n"))
		require.Len(t, f.Objects, 1)
		return f, eval.Judgement{Object: f.Objects[0], Judged: []string{privileged.ID, ports.ID}, Findings: []eval.Finding{
			{Control: privileged, Message: "privileged"},
			{Control: ports, Message: "host port"},
		}}
	}
	var parts []*Part
	for _, name := range []string{"a.yaml", "b.yaml", "c.yaml"} {
		ann := ""
		if name == "b.yaml" {
			ann = `shipshape.dev/exempt: SS-PSS-003, shipshape.dev/exempt-reason: "break glass", shipshape.dev/exempt-expires: "2099-01-01"`
		}
		f, j := pod(name, ann)
		parts = append(parts, NewPart(f, []eval.Judgement{j}))
	}
	b := NewBuilder([]*policy.Control{privileged, ports}, "all").WithExceptions(exceptions.Empty(), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	for _, p := range parts {
		require.NoError(t, b.Add(p))
		assert.Nil(t, p.results, "each part's results are let go once added")
	}
	r := b.Finish()

	var got []string
	for _, res := range r.All() {
		got = append(got, res.File+" "+res.Control)
	}
	assert.Equal(t, []string{"a.yaml SS-PSS-003", "a.yaml SS-PSS-006", "b.yaml SS-PSS-006", "c.yaml SS-PSS-003", "c.yaml SS-PSS-006"}, got)
	require.Len(t, r.Exempted, 1)
	assert.Equal(t, "b.yaml", r.Exempted[0].File)
	assert.Equal(t, 5, r.Summary.Violations)
	assert.Equal(t, 3, r.Summary.Failed)
	first := r.All()[0]
	assert.Equal(t, []string{"POD-08"}, first.Requirements)
	first.Requirements = append(first.Requirements, "X")
	assert.Equal(t, []string{"POD-08"}, privileged.Requirements, "results share the control's requirements read-only")
}

func TestFindingSeverityOverride(t *testing.T) {
	c := &policy.Control{ID: "SS-AKS-002", Severity: policy.Medium}
	assert.Equal(t, policy.Critical, severityOf(eval.Finding{Control: c, Details: map[string]any{"severity": "critical"}}), "one check of a control may be worse than the rest")
	assert.Equal(t, policy.Medium, severityOf(eval.Finding{Control: c, Details: map[string]any{"severity": "catastrophic"}}), "an unknown severity keeps the control's")
	assert.Equal(t, policy.Medium, severityOf(eval.Finding{Control: c}))
}
