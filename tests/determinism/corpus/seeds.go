package corpus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/shipshape-dev/shipshape/engine/casetest"
	"github.com/shipshape-dev/shipshape/engine/dockerfile"
	"github.com/shipshape-dev/shipshape/engine/input"
	"github.com/shipshape-dev/shipshape/engine/kubelet"
	"github.com/shipshape-dev/shipshape/engine/policy"
)

// InputType is a kind of file the library's controls read.
type InputType string

// Input types. Kubernetes manifests hold objects; the others are
// normalised by the scan (Dockerfiles, kubelet command lines, Azure
// resource documents) or read as evidence (--evidence).
const (
	Manifest      InputType = "kubernetes manifest"
	Dockerfile    InputType = "Dockerfile"
	KubeletFlags  InputType = "kubelet unit, drop-in or flags file"
	ARMTemplate   InputType = "ARM template"
	AzCLI         InputType = "az CLI JSON"
	TerraformPlan InputType = "Terraform plan JSON"
	Trivy         InputType = "Trivy JSON report"
	CycloneDX     InputType = "CycloneDX SBOM"
	SPDX          InputType = "SPDX SBOM"
	Cosign        InputType = "cosign verify JSON"
	Notation      InputType = "notation verify output"
)

// InputTypes lists every input type, scanned ones first.
func InputTypes() []InputType {
	return []InputType{Manifest, Dockerfile, KubeletFlags, ARMTemplate, AzCLI, TerraformPlan, Trivy, CycloneDX, SPDX, Cosign, Notation}
}

// IsEvidence reports whether files of the type are read with --evidence.
func (t InputType) IsEvidence() bool {
	switch t {
	case Trivy, CycloneDX, SPDX, Cosign, Notation:
		return true
	}
	return false
}

// Seed is one case of the library as the corpus multiplies it: the
// objects it judges and those its inventory holds (as values, to be
// written as manifests), and the fixture files it reads.
type Seed struct {
	Control string
	Case    string
	// Objects are Kubernetes-shaped objects: the case's, then its
	// inventory's.
	Objects []map[string]any
	// Files are fixture files judged as they are: Dockerfiles, kubelet
	// units, Azure resource documents.
	Files []Fixture
	// Evidence are the evidence files the case reads.
	Evidence []Fixture
}

// Fixture is a file beside a control's cases.
type Fixture struct {
	// Path is the file's path in the library.
	Path string
	// Name is where the corpus writes it, relative to a directory: the
	// path below testdata/, which keeps the names the scan recognises
	// (kubelet.service.d/10-kubeadm.conf, default/kubelet).
	Name string
	Data []byte
	Type InputType
	// Objects counts the objects the scan reads from it.
	Objects int
}

// Seeds returns objects written by hand of the kinds the library judges
// that no case holds, then every case of every control of lib, in control
// and case order.
func Seeds(lib *policy.Library) ([]Seed, error) {
	seeds, err := handWrittenSeeds()
	if err != nil {
		return nil, err
	}
	for _, c := range lib.Controls() {
		cases, err := casetest.Cases(c)
		if err != nil {
			return nil, err
		}
		for _, tc := range cases {
			s, err := seedOf(c, tc)
			if err != nil {
				return nil, fmt.Errorf("%s case %q: %w", c.ID, tc.Name, err)
			}
			seeds = append(seeds, s)
		}
	}
	return seeds, nil
}

func seedOf(c *policy.Control, tc casetest.Case) (Seed, error) {
	s := Seed{Control: c.ID, Case: tc.Name}
	items := append([]any{tc.Object}, tc.Inventory...)
	files := append([]string{tc.File}, make([]string, len(tc.Inventory))...)
	for i, item := range items {
		if m, ok := item.(map[string]any); ok && len(m) == 1 && i > 0 {
			if f, ok := m["evidence"].(string); ok {
				fx, err := fixture(c, f, true)
				if err != nil {
					return s, err
				}
				s.Evidence = append(s.Evidence, fx)
				continue
			}
			if f, ok := m["file"].(string); ok {
				item, files[i] = nil, f
			}
		}
		if item == nil {
			if info, err := fs.Stat(c.FS(), path.Join(c.Dir(), files[i])); err == nil && info.IsDir() {
				// A folder of Terraform source: a module is read as a
				// whole, not as a file among the corpus's (tests/terraform
				// proves it against its plan).
				continue
			}
			if input.IsBicep(files[i]) {
				// Bicep source, read with its modules (tests/bicep
				// proves it against its compiled template).
				continue
			}
			fx, err := fixture(c, files[i], false)
			if err != nil {
				return s, err
			}
			if fx.Type != Manifest {
				s.Files = append(s.Files, fx)
				continue
			}
		}
		objs, err := casetest.Case{Name: tc.Name, Object: item, File: files[i]}.Objects(c)
		if err != nil {
			return s, err
		}
		if item != nil && slices.ContainsFunc(objs, isAzure) {
			// An Azure resource document written inline (az CLI or ARM
			// JSON): a file of its own.
			fx := Fixture{Path: fmt.Sprintf("%s case %q", c.ID, tc.Name), Name: "resource.json"}
			if text, ok := item.(string); ok {
				fx.Name, fx.Data = "resource.yaml", []byte(text)
			} else if fx.Data, err = json.Marshal(item); err != nil {
				return s, err
			}
			if fx.Type, fx.Objects, err = classify(fx.Name, fx.Data); err != nil {
				return s, err
			}
			s.Files = append(s.Files, fx)
			continue
		}
		for _, o := range objs {
			if input.Normalized(o.Group()) {
				// Only the engine makes these (the synthetic Cluster,
				// normalised Azure resources written inline): a case's
				// way to reach a control, not an input.
				continue
			}
			s.Objects = append(s.Objects, o.Value)
		}
	}
	return s, nil
}

// fixture reads a file a case names, relative to the control's folder.
func fixture(c *policy.Control, file string, evidence bool) (Fixture, error) {
	data, err := fs.ReadFile(c.FS(), path.Join(c.Dir(), file))
	if err != nil {
		return Fixture{}, fmt.Errorf("reading %s: %w", file, err)
	}
	p := path.Join(path.Dir(c.File), file)
	name := p
	if _, after, ok := strings.Cut(p, "testdata/"); ok {
		name = after
	}
	fx := Fixture{Path: p, Name: name, Data: data}
	if evidence {
		fx.Type, err = classifyEvidence(name, data)
	} else {
		fx.Type, fx.Objects, err = classify(name, data)
	}
	return fx, err
}

// classify says what a file is, by name and content as the scan tells,
// and how many objects the scan reads from it.
func classify(name string, data []byte) (InputType, int, error) {
	switch {
	case dockerfile.IsDockerfile(name):
		return Dockerfile, 1, nil
	case kubelet.IsKubeletFlags(name):
		return KubeletFlags, 1, nil
	}
	f := input.ParseBytes(name, data)
	if len(f.Errors) > 0 {
		return "", 0, fmt.Errorf("%s: %w", name, f.Errors[0])
	}
	if !slices.ContainsFunc(f.Objects, isAzure) {
		return Manifest, len(f.Objects), nil
	}
	var top map[string]any
	if err := yaml.Unmarshal(data, &top); err != nil {
		// A list of resources (az ... list): az CLI.
		top = nil
	}
	switch {
	case top["planned_values"] != nil || top["resource_changes"] != nil:
		return TerraformPlan, len(f.Objects), nil
	case top["$schema"] != nil || top["contentVersion"] != nil:
		return ARMTemplate, len(f.Objects), nil
	}
	return AzCLI, len(f.Objects), nil
}

// classifyEvidence says what an evidence file is, by content as --evidence
// tells.
func classifyEvidence(name string, data []byte) (InputType, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '{' && trimmed[0] != '[' {
		return Notation, nil
	}
	if trimmed[0] == '[' {
		return Cosign, nil
	}
	var top map[string]any
	if err := json.Unmarshal(data, &top); err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	switch {
	case top["bomFormat"] != nil:
		return CycloneDX, nil
	case top["spdxVersion"] != nil:
		return SPDX, nil
	case top["SchemaVersion"] != nil || top["ArtifactName"] != nil:
		return Trivy, nil
	}
	return "", fmt.Errorf("%s: not an evidence format the corpus knows", name)
}

// isAzure is true for a resource the scan normalised from an Azure
// document.
func isAzure(o *input.Object) bool { return o.Group() == "azure.shipshape.dev" }
