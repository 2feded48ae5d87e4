package input

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/shipshape-dev/shipshape/engine/azure"
	"github.com/shipshape-dev/shipshape/engine/azure/tfsrc"
)

// readTerraform reads a Terraform module from source as a plan would
// evaluate it and judges its AKS and ACR resources, each on the .tf line
// that writes it.
func readTerraform(dir string, opts Options) *File {
	cfg, err := tfsrc.Load(dir, tfsrc.Options{VarFiles: opts.TerraformVarFiles, MaxFileSize: opts.maxFileSize()})
	f := terraformObjects(dir, cfg, err)
	for _, p := range otherVarFiles(dir, opts.TerraformVarFiles) {
		f.Ignored = append(f.Ignored, Ignored{Path: p, Reason: "a variables file Terraform reads only when named: pass --tf-var-file " + p + " to judge the module with it"})
	}
	return f
}

// ReadTerraformFS reads the Terraform module in dir of fsys (a case
// fixture of the embedded library) as readTerraform reads one on disk.
func ReadTerraformFS(fsys fs.FS, dir string) *File {
	cfg, err := tfsrc.LoadFS(fsys, dir, tfsrc.Options{})
	return terraformObjects(dir, cfg, err)
}

// IsTerraformModuleFS reports whether dir of fsys holds .tf files.
func IsTerraformModuleFS(fsys fs.FS, dir string) bool { return tfsrc.IsModuleFS(fsys, dir) }

// terraformObjects are the AKS and ACR objects of a module read from
// source, each field on its file and line.
func terraformObjects(dir string, cfg *tfsrc.Config, err error) *File {
	if err != nil {
		return sourceError(dir, err)
	}
	place, notRead := located(cfg.Place, cfg.NotRead)
	return sourceObjects(dir, azure.Normalize(cfg.Plan), "", place, notRead, len(cfg.Files))
}

// otherVarFiles lists the .tfvars files of dir that Terraform does not
// read by itself (terraform.tfvars and *.auto.tfvars it does) and that
// were not given.
func otherVarFiles(dir string, given []string) []string {
	names, _ := filepath.Glob(filepath.Join(dir, "*.tfvars"))
	jsons, _ := filepath.Glob(filepath.Join(dir, "*.tfvars.json"))
	var out []string
	for _, n := range append(names, jsons...) {
		base := strings.TrimSuffix(filepath.Base(n), ".json")
		if base == "terraform.tfvars" || strings.HasSuffix(base, ".auto.tfvars") || contains(given, n) {
			continue
		}
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func contains(list []string, name string) bool {
	for _, g := range list {
		if filepath.Clean(g) == filepath.Clean(name) {
			return true
		}
	}
	return false
}

// localModuleSource finds the local modules a .tf file calls.
var localModuleSource = regexp.MustCompile(`(?m)^\s*source\s*=\s*"(\.\.?/[^"]*)"`)

// calledModules lists the directories that the Terraform modules among
// dirs call by a local path: they are read through their callers.
func calledModules(dirs []string) map[string]bool {
	called := map[string]bool{}
	for _, dir := range dirs {
		names, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
		for _, n := range names {
			data, err := os.ReadFile(n)
			if err != nil {
				continue
			}
			for _, m := range localModuleSource.FindAllStringSubmatch(string(data), -1) {
				called[filepath.Clean(filepath.Join(dir, m[1]))] = true
			}
		}
	}
	return called
}
