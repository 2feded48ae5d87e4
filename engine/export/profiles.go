package export

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/engine/profile"
)

// Layout of a Gatekeeper export of several profiles: each file once.
const (
	controlsDir = "controls"
	profilesDir = "profiles"
	readmeFile  = "README.md"
)

// GatekeeperProfiles exports several profiles over one set of controls,
// so no file is written twice:
//
//	controls/<id>/    template, constraint and kustomization of a control,
//	                  and its gator suite (tests/)
//	profiles/<name>/  a kustomization that selects the profile's controls
//	                  and patches the constraints it sets differently from
//	                  the first profile that selects them; its sync
//	                  configuration and exception report
//
// Building profiles/<name> with kustomize gives exactly the templates,
// constraints and SyncSet that Gatekeeper writes for that profile alone.
func GatekeeperProfiles(ctx context.Context, lib *policy.Library, sels []*profile.Selection, opts Options) ([]File, error) {
	if len(sels) == 0 {
		return nil, fmt.Errorf("no profile to export")
	}
	var (
		files []File
		names []string
		seen  = map[string]*controlExport{} // control folder → first export
	)
	for _, sel := range sels {
		parts, err := gatekeeperPartsOf(lib, sel, opts)
		if err != nil {
			return nil, err
		}
		names = append(names, parts.profile)
		dir := path.Join(profilesDir, parts.profile)
		var (
			resources []string
			patches   []kustomizePatch
		)
		for i := range parts.controls {
			ce := &parts.controls[i]
			folder := path.Join(controlsDir, ConstraintName(ce.control))
			resources = append(resources, path.Join("..", "..", folder))
			first, ok := seen[folder]
			if !ok {
				seen[folder] = ce
				folderFiles, err := controlFolder(ctx, lib, ce, folder)
				if err != nil {
					return nil, err
				}
				files = append(files, folderFiles...)
				continue
			}
			ps, err := profilePatches(first, ce, parts.profile)
			if err != nil {
				return nil, err
			}
			patches = append(patches, ps...)
		}
		for _, f := range append(parts.sync, parts.exceptions...) {
			files = append(files, File{path.Join(dir, f.Path), f.Data})
		}
		if len(parts.sync) > 0 {
			resources = append(resources, syncSetPath)
		}
		k, err := kustomizationYAML(resources, patches)
		if err != nil {
			return nil, err
		}
		files = append(files, File{path.Join(dir, "kustomization.yaml"), k})
	}
	return append(files, File{readmeFile, gatekeeperReadme(names, opts.Version)}), nil
}

// controlFolder writes a control's objects, their kustomization and, for
// an admission control, its gator suite.
func controlFolder(ctx context.Context, lib *policy.Library, ce *controlExport, folder string) ([]File, error) {
	var (
		files     []File
		resources []string
	)
	for _, o := range ce.objects {
		files = append(files, File{path.Join(folder, o.Role), o.Data})
		resources = append(resources, o.Role)
	}
	k, err := kustomizationYAML(resources, nil)
	if err != nil {
		return nil, err
	}
	files = append(files, File{path.Join(folder, "kustomization.yaml"), k})
	if !ce.control.Admission {
		return files, nil
	}
	tests, cases, err := controlSuite(ctx, lib, ce.control, "", "../template.yaml")
	if err != nil {
		return nil, err
	}
	suite := gatorSuite{APIVersion: SuiteAPIVersion, Kind: "Suite", Metadata: objectMeta{Name: ConstraintName(ce.control)}, Tests: tests}
	data, err := marshalYAML(suite)
	if err != nil {
		return nil, err
	}
	for _, f := range append(cases, File{"suite.yaml", data}) {
		files = append(files, File{path.Join(folder, "tests", f.Path), f.Data})
	}
	return files, nil
}

// profilePatches returns the patches that turn the constraints a control
// folder holds (first) into the ones profile sets (ce). Templates never
// depend on the profile; a difference there is a bug, not a patch.
func profilePatches(first, ce *controlExport, profileName string) ([]kustomizePatch, error) {
	if len(first.objects) != len(ce.objects) {
		return nil, fmt.Errorf("%s: profile %s exports other objects than an earlier profile", ce.control.ID, profileName)
	}
	var patches []kustomizePatch
	for i, o := range ce.objects {
		base := first.objects[i]
		if bytes.Equal(base.Data, o.Data) {
			continue
		}
		if o.Kind == "" || base.Role != o.Role {
			return nil, fmt.Errorf("%s: profile %s exports %s differently from an earlier profile", ce.control.ID, profileName, o.Path)
		}
		var obj map[string]any
		if err := yaml.Unmarshal(o.Data, &obj); err != nil {
			return nil, fmt.Errorf("%s: re-reading %s: %w", ce.control.ID, o.Path, err)
		}
		ops, err := marshalYAML([]map[string]any{{"op": "replace", "path": "/spec", "value": obj["spec"]}})
		if err != nil {
			return nil, err
		}
		patches = append(patches, kustomizePatch{
			Target: kustomizeTarget{Group: "constraints.gatekeeper.sh", Kind: o.Kind, Name: o.Name},
			Patch:  string(ops),
		})
	}
	return patches, nil
}

// gatekeeperReadme says what the folder is, that it is generated, and how
// to apply and test it.
func gatekeeperReadme(profiles []string, version string) []byte {
	return generatedReadme("Gatekeeper", "gatekeeper", profiles, version,
		"- `controls/<id>/`: one control's ConstraintTemplate (`template.yaml`), its Constraint as the\n"+
			"  first profile that selects it sets it (`constraint.yaml`), and its gator suite (`tests/`).\n"+
			"- `profiles/<name>/`: a kustomization of the profile's controls, with patches for the\n"+
			"  constraints it sets differently, and the SyncSet its referential controls need (`sync/`).\n\n"+
			"Apply a profile (Gatekeeper creates each constraint kind from its template, so the first\n"+
			"apply can report constraints whose kind does not exist yet; apply again once the templates\n"+
			"are created):\n\n"+
			"    kubectl apply -k profiles/"+profiles[0]+"\n"+
			"    kubectl wait --for=jsonpath='{.status.created}'=true constrainttemplates -l shipshape.dev/control\n"+
			"    kubectl apply -k profiles/"+profiles[0]+"\n\n"+
			"Test every control with gator:\n\n    gator verify controls/...\n")
}

// generatedReadme is the README of a multi-profile export: what it is, the
// command that wrote it, and body.
func generatedReadme(target, command string, profiles []string, version, body string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s export of %s\n\n", target, strings.Join(profiles, ", "))
	fmt.Fprintf(&b, "Generated by `shipshape export %s --profile %s` (shipshape %s). Do not edit:\n", command, strings.Join(profiles, ","), version)
	b.WriteString("the next export replaces every file here. Change the library or the profiles instead.\n\n")
	b.WriteString(body)
	return []byte(b.String())
}

// AzurePolicyProfiles exports several profiles into one folder: each
// definition once (a definition does not depend on the profile) and one
// initiative per profile.
func AzurePolicyProfiles(lib *policy.Library, sels []*profile.Selection, opts Options) ([]File, error) {
	var (
		files []File
		index = map[string]int{}
		names []string
	)
	for _, sel := range sels {
		names = append(names, sel.Profile.Name)
		exported, err := AzurePolicy(lib, sel, opts)
		if err != nil {
			return nil, err
		}
		for _, f := range exported {
			if f.Path == exceptionsFile {
				f.Path = path.Join(profilesDir, sel.Profile.Name, exceptionsFile)
			}
			i, ok := index[f.Path]
			if !ok {
				index[f.Path] = len(files)
				files = append(files, f)
				continue
			}
			if !bytes.Equal(files[i].Data, f.Data) {
				return nil, fmt.Errorf("profile %s exports %s differently from an earlier profile", sel.Profile.Name, f.Path)
			}
		}
	}
	return append(files, File{readmeFile, azureReadme(names, opts.Version)}), nil
}

// azureReadme says what the folder is, that it is generated, and how to
// create it in Azure.
func azureReadme(profiles []string, version string) []byte {
	return generatedReadme("Azure Policy for Kubernetes", "azure-policy", profiles, version,
		"- `definitions/`: one policy definition per admission control, embedding its Gatekeeper\n"+
			"  template; a definition does not depend on the profile, so each is here once.\n"+
			"- `initiatives/`: one initiative per profile, with the profile's parameters, effect and\n"+
			"  excluded namespaces.\n\n"+
			"Create the definitions, then a profile's initiative (docs/azure-policy.md has the loop):\n\n"+
			"    az policy definition create --name NAME --rules ... --params ... --mode Microsoft.Kubernetes.Data\n"+
			"    az policy set-definition create --name shipshape-"+profiles[0]+" --definitions ...\n")
}
