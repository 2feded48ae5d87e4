package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/shipshape-dev/shipshape/engine/docs"
	"github.com/shipshape-dev/shipshape/engine/profile"
)

// starterConfig is the .shipshape.yaml that init writes; every key is
// validated by the settings schema when shipshape reads it.
const starterConfig = `# yaml-language-server: $schema=SCHEMA
# shipshape configuration: https://github.com/shipshape-dev/shipshape
# Profiles: all (every control), pss-baseline, pss-restricted.
profile: all
# What the scanned paths stand for: manifests (each object is judged), or
# cluster (a whole cluster: an export or a GitOps repository root, so the
# cluster-level controls run too).
scope: manifests
# Exit 1 on findings at or above this severity (default: the profile's,
# which is low for pss-* profiles and high otherwise).
# failOn: high

settings:
  # Registries images may come from (exact host, optionally a path prefix).
  # With none listed, every image is reported as untrusted.
  allowedRegistries: []
  # Namespaces of cluster add-ons that exported admission controls skip.
  systemNamespaces: [kube-system, gatekeeper-system, azure-arc, azure-extensions-usage-system]
  # Scans judge those namespaces too (a RoleBinding into kube-system must be
  # seen in review); false skips them and lists what was skipped.
  scanSystemNamespaces: true
  # The Kubernetes release you run: Helm charts render for it, a chart's
  # kubeVersion is checked against it, removed APIs are judged against it.
  # (default: the newest release shipshape supports)
  # kubernetesVersion: "1.31"
  # Namespaces whose workloads must pin images by digest and replicate.
  productionNamespaceSelector: {matchLabels: {environment: production}}
  # Subjects allowed to hold cluster-admin, as {kind, name[, namespace]}.
  approvedClusterAdmins: []
  # Whether objects may exempt themselves with shipshape.dev/exempt annotations.
  allowInlineExceptions: true

# Per-control parameter overrides, by control ID (shipshape controls lists them).
parameters: {}
`

func newInitCommand(e *env) *cobra.Command {
	var (
		dir   string
		force bool
	)
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a starter .shipshape.yaml",
		Long: `Init writes a starter ` + profile.DefaultConfigFile + ` in DIR (the current directory by
default) with the settings most teams set first. It refuses to replace an
existing file unless --force is given. CI snippets for GitHub Actions and
Azure Pipelines are in docs/ci.md.`,
		Example: "  shipshape init\n  shipshape init --dir platform/ --force",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path := filepath.Join(dir, profile.DefaultConfigFile)
			if _, err := os.Stat(path); err == nil && !force {
				return fmt.Errorf("%s exists; use --force to replace it", path)
			} else if err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
			// Editors that read the line (VS Code's YAML extension, and any
			// yaml-language-server client) complete and check every key.
			text := strings.Replace(starterConfig, "SCHEMA", schemaReference(dir, docs.ConfigSchemaFile), 1)
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "wrote %s; set allowedRegistries, then run: shipshape scan .\nCI snippets (GitHub Actions, Azure Pipelines): docs/ci.md\n", path)
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "dir", ".", "write into `DIR`")
	cmd.Flags().BoolVar(&force, "force", false, "replace an existing file")
	return cmd
}
