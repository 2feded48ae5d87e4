// Package compliance turns a scan report into the evidence auditors ask
// for: a verdict per requirement (pass, fail or not evaluated, with the
// objects behind each failure) and pass rates per framework (CIS
// Kubernetes, CIS AKS, MCSB, Pod Security Standards, NSA/CISA, MITRE
// ATT&CK), written as Markdown or as one self-contained HTML file.
package compliance

import (
	"fmt"
	"sort"
	"strings"

	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/engine/report"
	"github.com/shipshape-dev/shipshape/engine/requirements"
)

// Verdicts.
const (
	Pass         = "pass"
	Fail         = "fail"
	NotEvaluated = "not evaluated"
)

// Frameworks are the frameworks reported, in order (policy.Frameworks).
func Frameworks() []policy.Framework { return policy.Frameworks() }

// ControlVerdict is one control's outcome.
type ControlVerdict struct {
	ID       string
	Title    string
	Severity string
	Verdict  string
	Judged   int
	Findings []report.Result
}

// RequirementVerdict is one requirement's outcome.
type RequirementVerdict struct {
	Requirement requirements.Requirement
	Verdict     string
	Controls    []*ControlVerdict
	// Why explains a not-evaluated verdict.
	Why string
}

// FrameworkScore is one framework's pass rate over its evaluated controls.
type FrameworkScore struct {
	Key, Name string
	Passed    int
	Failed    int
	// NotEvaluated counts mapped controls that judged nothing.
	NotEvaluated int
	FailingIDs   []string
}

// Rate is the share of evaluated controls that passed (0 when none).
func (f FrameworkScore) Rate() float64 {
	if f.Passed+f.Failed == 0 {
		return 0
	}
	return float64(f.Passed) / float64(f.Passed+f.Failed)
}

// Compliance is the whole assessment.
type Compliance struct {
	Profile      string
	Requirements []RequirementVerdict
	Frameworks   []FrameworkScore
	Objects      int
	Files        int
	Exempted     int
}

// Assess builds the assessment of a report made with the given controls;
// it fails only when the report's results cannot be read back.
func Assess(r *report.Report, catalogue *requirements.Catalogue) (*Compliance, error) {
	c := &Compliance{Profile: r.Summary.Profile, Objects: r.Summary.Objects, Files: r.Summary.Files, Exempted: r.Summary.Exempted}
	verdicts := map[string]*ControlVerdict{}
	controls := r.Controls()
	for _, ctl := range controls {
		v := &ControlVerdict{ID: ctl.ID, Title: ctl.Title, Severity: string(ctl.Severity), Judged: r.Judged(ctl.ID)}
		verdicts[ctl.ID] = v
	}
	if err := r.Each(func(res report.Result) error {
		if v, ok := verdicts[res.Control]; ok {
			v.Findings = append(v.Findings, res)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	for _, v := range verdicts {
		switch {
		case len(v.Findings) > 0:
			v.Verdict = Fail
		case v.Judged > 0:
			v.Verdict = Pass
		default:
			v.Verdict = NotEvaluated
		}
	}
	byRequirement := map[string][]*ControlVerdict{}
	for _, ctl := range controls {
		for _, id := range ctl.Requirements {
			byRequirement[id] = append(byRequirement[id], verdicts[ctl.ID])
		}
	}
	for _, req := range catalogue.Requirements {
		rv := RequirementVerdict{Requirement: req, Controls: byRequirement[req.ID], Verdict: NotEvaluated}
		var unjudged []string
		for _, v := range rv.Controls {
			switch v.Verdict {
			case Fail:
				rv.Verdict = Fail
			case NotEvaluated:
				unjudged = append(unjudged, v.ID)
			}
		}
		// A requirement passes only when every control implementing it
		// judged something and found nothing: a part left unjudged (an
		// AKS cluster that was not scanned) leaves it not evaluated.
		switch {
		case rv.Verdict == Fail:
		case len(rv.Controls) == 0 && !req.Machine():
			rv.Why = "guidance: no input can show it"
		case len(rv.Controls) == 0:
			rv.Why = "no control of this profile implements it"
		case len(unjudged) == 0:
			rv.Verdict = Pass
		default:
			sort.Strings(unjudged)
			rv.Why = fmt.Sprintf("%s judged no scanned object (evidence: %s)", strings.Join(unjudged, ", "), strings.Join(req.Evidence, ", "))
			if why := r.NotEvaluatedReason(unjudged[0]); why != "" {
				rv.Why = fmt.Sprintf("%s not evaluated: %s", strings.Join(unjudged, ", "), why)
			}
		}
		c.Requirements = append(c.Requirements, rv)
	}
	for _, fw := range Frameworks() {
		score := FrameworkScore{Key: fw.Key, Name: fw.Name}
		for _, ctl := range controls {
			if _, mapped := ctl.Frameworks[fw.Key]; !mapped {
				continue
			}
			switch verdicts[ctl.ID].Verdict {
			case Pass:
				score.Passed++
			case Fail:
				score.Failed++
				score.FailingIDs = append(score.FailingIDs, ctl.ID)
			default:
				score.NotEvaluated++
			}
		}
		sort.Strings(score.FailingIDs)
		c.Frameworks = append(c.Frameworks, score)
	}
	return c, nil
}

// Counts tallies the requirement verdicts.
func (c *Compliance) Counts() (pass, fail, notEvaluated int) {
	for _, r := range c.Requirements {
		switch r.Verdict {
		case Pass:
			pass++
		case Fail:
			fail++
		default:
			notEvaluated++
		}
	}
	return
}

// objectsOf lists the distinct objects behind a control's findings.
func objectsOf(v *ControlVerdict) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range v.Findings {
		label := report.ObjectRef{Kind: f.Kind, Namespace: f.Namespace, Name: f.Name}.Label()
		if f.File != "" {
			label = fmt.Sprintf("%s (%s:%d)", label, f.File, f.Line)
		}
		if !seen[label] {
			seen[label] = true
			out = append(out, label)
		}
	}
	return out
}

// controlsOf keeps the control verdicts sorted by ID.
func controlsOf(list []*ControlVerdict) []*ControlVerdict {
	out := append([]*ControlVerdict{}, list...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
