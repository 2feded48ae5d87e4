package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/shipshape-dev/shipshape/engine/exceptions"
	"github.com/shipshape-dev/shipshape/engine/policy"
)

// SARIF 2.1.0 types, limited to what code-scanning tools read.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Results     []sarifResult     `json:"results"`
	Invocations []sarifInvocation `json:"invocations"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifHelp      `json:"help"`
	DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifHelp struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Properties          map[string]any     `json:"properties,omitempty"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification"`
}

func ownerOf(e exceptions.Exception) string {
	if e.Owner == "" {
		return "unset"
	}
	return e.Owner
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

type sarifLogical struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

// sarifLevel maps severities to SARIF levels.
func sarifLevel(s string) string {
	switch policy.Severity(s) {
	case policy.Critical, policy.High:
		return "error"
	case policy.Medium:
		return "warning"
	}
	return "note"
}

// securitySeverity is the CVSS-like score GitHub code scanning ranks by.
func securitySeverity(s policy.Severity) string {
	switch s {
	case policy.Critical:
		return "9.5"
	case policy.High:
		return "8.0"
	case policy.Medium:
		return "5.5"
	}
	return "3.0"
}

func writeSARIF(w io.Writer, r *Report, opts Options) error {
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           "shipshape",
			Version:        opts.Version,
			InformationURI: "https://github.com/shipshape-dev/shipshape",
			Rules:          []sarifRule{},
		}},
		Results:     []sarifResult{},
		Invocations: []sarifInvocation{{ExecutionSuccessful: len(r.Errors) == 0}},
	}
	index := map[string]int{}
	controls := append([]*policy.Control{}, r.controls...)
	sort.Slice(controls, func(i, j int) bool { return controls[i].ID < controls[j].ID })
	for _, c := range controls {
		index[c.ID] = len(run.Tool.Driver.Rules)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleFor(c))
	}
	for _, e := range r.ExpiredExceptions {
		run.Invocations[0].ToolExecutionNotifications = append(run.Invocations[0].ToolExecutionNotifications, sarifNotification{
			Level: "warning", Message: sarifText{Text: fmt.Sprintf("exception %s (%s) expired %s; its findings count again", e.Source, scopeOf(e), e.Expires)}})
	}
	for _, e := range r.Errors {
		n := sarifNotification{Level: "error", Message: sarifText{Text: e.Message}}
		if e.File != "" {
			n.Locations = []sarifLocation{{PhysicalLocation: &sarifPhysical{
				ArtifactLocation: sarifArtifact{URI: artifactURI(e.File)},
				Region:           sarifRegion{StartLine: max(e.Line, 1)},
			}}}
		}
		run.Invocations[0].ToolExecutionNotifications = append(run.Invocations[0].ToolExecutionNotifications, n)
	}
	log := sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{run},
	}
	// Written as json.Encoder with a two-space indent would, byte for
	// byte, but one result at a time.
	doc, err := json.MarshalIndent(log, "", "  ")
	if err != nil {
		return err
	}
	const marker = `"results": []`
	at := bytes.Index(doc, []byte(marker))
	if at < 0 {
		return fmt.Errorf("sarif report: no results list")
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.Write(doc[:at+len(marker)-2])
	// One SARIF result per problem: the controls that report the same
	// field of the same object are named in the primary result.
	each := func(emit func(sarifResult) error) error {
		if err := r.Chunks(func(results []Result) error {
			for _, g := range GroupResults(results) {
				if err := emit(sarifResultOf(r, ExemptedResult{Result: g.Primary}, g, index)); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return err
		}
		for _, ex := range r.Exempted {
			if err := emit(sarifResultOf(r, ex, Group{Primary: ex.Result}, index)); err != nil {
				return err
			}
		}
		return nil
	}
	if err := writeArray(bw, "      ", each, func(res sarifResult) any { return res }); err != nil {
		return err
	}
	bw.Write(doc[at+len(marker):])
	bw.WriteString("\n")
	return bw.Flush()
}

// sarifResultOf is the SARIF result of a problem (g, whose primary is
// ex.Result) or of an exempted finding (ex.Exception set).
func sarifResultOf(r *Report, ex ExemptedResult, g Group, index map[string]int) sarifResult {
	res := ex.Result
	properties := map[string]any{"requirements": res.Requirements, "field": res.Field}
	if len(g.Others) > 0 {
		res.Message += " (" + g.Also() + ")"
		properties["controls"] = g.Controls()
	}
	name := ObjectRef{Kind: res.Kind, Namespace: res.Namespace, Name: res.Name}.Label()
	location := sarifLocation{LogicalLocations: []sarifLogical{logicalLocation(res, name)}}
	switch {
	case res.File != "":
		location.PhysicalLocation = &sarifPhysical{
			ArtifactLocation: sarifArtifact{URI: artifactURI(res.File)},
			Region:           sarifRegion{StartLine: max(res.Line, 1)},
		}
	case r.ClusterFile != "":
		// A cluster-level result is about the scanned input as a whole:
		// GitHub needs a file, so it is the chart's Chart.yaml, the
		// kustomization or the first file scanned.
		location.PhysicalLocation = &sarifPhysical{
			ArtifactLocation: sarifArtifact{URI: artifactURI(r.ClusterFile)},
			Region:           sarifRegion{StartLine: 1},
		}
		location.LogicalLocations = []sarifLogical{{Name: "Cluster", FullyQualifiedName: "the scanned cluster", Kind: "resource"}}
	}
	var suppressions []sarifSuppression
	if ex.Exception.Source != "" {
		kind := "external"
		if ex.Exception.Source == "inline" {
			kind = "inSource"
		}
		suppressions = []sarifSuppression{{Kind: kind, Status: "accepted", Justification: fmt.Sprintf("%s (owner %s, expires %s, %s)", ex.Exception.Reason, ownerOf(ex.Exception), ex.Exception.Expires, ex.Exception.Source)}}
	}
	return sarifResult{
		Suppressions:        suppressions,
		RuleID:              res.Control,
		RuleIndex:           index[res.Control],
		Level:               sarifLevel(res.Severity),
		Message:             sarifText{Text: res.Message},
		Locations:           []sarifLocation{location},
		PartialFingerprints: map[string]string{"shipshape/v2": res.Fingerprint},
		Properties:          properties,
	}
}

func sarifRuleFor(c *policy.Control) sarifRule {
	var md strings.Builder
	fmt.Fprintf(&md, "**%s** (%s)\n\n%s\n\n", c.Title, c.Severity, c.Description)
	if c.Remediation != "" {
		fmt.Fprintf(&md, "**Fix:** %s\n\n", c.Remediation)
	}
	if len(c.Requirements) > 0 {
		fmt.Fprintf(&md, "**Requirements:** %s\n", strings.Join(c.Requirements, ", "))
	}
	text := strings.TrimSpace(c.Description + " Fix: " + c.Remediation)
	tags := []string{"security", "kubernetes"}
	tags = append(tags, c.Requirements...)
	frameworks := make([]string, 0, len(c.Frameworks))
	for k := range c.Frameworks {
		frameworks = append(frameworks, k)
	}
	sort.Strings(frameworks)
	tags = append(tags, frameworks...)
	return sarifRule{
		ID:                   c.ID,
		Name:                 c.Package,
		ShortDescription:     sarifText{Text: c.Title},
		FullDescription:      sarifText{Text: c.Description},
		Help:                 sarifHelp{Text: text, Markdown: md.String()},
		DefaultConfiguration: sarifConfig{Level: sarifLevel(string(c.Severity))},
		Properties: map[string]any{
			"tags":              tags,
			"security-severity": securitySeverity(c.Severity),
			"precision":         "very-high",
			"frameworks":        c.Frameworks,
		},
	}
}

// artifactURI turns a file path into a SARIF URI: relative paths with
// forward slashes, absolute paths as file:// URIs.
func artifactURI(file string) string {
	if filepath.IsAbs(file) {
		return "file://" + filepath.ToSlash(file)
	}
	return filepath.ToSlash(filepath.Clean(file))
}

// fingerprint identifies a result across runs without its line, which moves
// as files change: control, file, object identity and field.

// logicalLocation names the object a result is about: its Terraform
// resource address when it has one (a plan is often a single line, so the
// address is what locates it), else kind, namespace and name.
func logicalLocation(res Result, label string) sarifLogical {
	if res.Address != "" {
		return sarifLogical{Name: res.Name, FullyQualifiedName: res.Address, Kind: "resource"}
	}
	return sarifLogical{Name: res.Name, FullyQualifiedName: label, Kind: "object"}
}
