package tfsrc

import (
	"encoding/json"
	"fmt"
	"regexp"
)

// manifest is .terraform/modules/modules.json, where terraform init
// records the modules it downloaded.
type manifest struct {
	Modules []struct {
		Key    string `json:"Key"`
		Source string `json:"Source"`
		Dir    string `json:"Dir"`
	} `json:"Modules"`
}

var (
	// instanceKey matches an instance key in a module address ([0], ["a"]).
	instanceKey = regexp.MustCompile(`\[[^\]]*\]`)
	// modulePrefix matches "module." at the start of each step.
	modulePrefix = regexp.MustCompile(`(^|\.)module\.`)
)

// vendored finds the directory terraform init gave the module at address
// (aks, or aks.module.network for a module a module calls).
func vendored(src files, root, address string) (string, error) {
	data, err := src.ReadFile(src.Join(root, ".terraform", "modules", "modules.json"))
	if err != nil {
		return "", fmt.Errorf("no .terraform/modules/modules.json")
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return "", fmt.Errorf(".terraform/modules/modules.json: %w", err)
	}
	want := instanceKey.ReplaceAllString(modulePrefix.ReplaceAllString(address, "$1"), "")
	for _, e := range m.Modules {
		if e.Key == want {
			dir := src.Join(root, e.Dir)
			if !isModule(src, dir) {
				return "", fmt.Errorf("%s has no .tf files", e.Dir)
			}
			return dir, nil
		}
	}
	return "", fmt.Errorf("modules.json has no module %q", want)
}
