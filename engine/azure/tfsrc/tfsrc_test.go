package tfsrc

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/engine/azure/armexpr"
)

// write makes a module tree from file name → text.
func write(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	}
	return dir
}

// resources lists a plan module's resources by address, with their values.
func resources(mod map[string]any, out map[string]map[string]any) map[string]map[string]any {
	if out == nil {
		out = map[string]map[string]any{}
	}
	list, _ := mod["resources"].([]any)
	for _, r := range list {
		r := r.(map[string]any)
		out[r["address"].(string)] = r["values"].(map[string]any)
	}
	children, _ := mod["child_modules"].([]any)
	for _, c := range children {
		resources(c.(map[string]any), out)
	}
	return out
}

func root(c *Config) map[string]any {
	return c.Plan["planned_values"].(map[string]any)["root_module"].(map[string]any)
}

func TestVariablesTakeTheValueTerraformWould(t *testing.T) {
	dir := write(t, map[string]string{
		"main.tf": `
variable "from_default" { default = "default" }
variable "from_tfvars" { default = "default" }
variable "from_auto" { default = "default" }
variable "from_file" { default = "default" }
variable "unset" { type = string }
variable "typed" {
  type    = number
  default = "3"
}

resource "azurerm_container_registry" "r" {
  name          = "r"
  a             = var.from_default
  b             = var.from_tfvars
  c             = var.from_auto
  d             = var.from_file
  e             = var.unset
  f             = "prefix-${var.unset}"
  g             = var.typed
  h             = [var.from_default, var.unset]
}
`,
		"terraform.tfvars":   "from_tfvars = \"tfvars\"\nfrom_auto = \"tfvars\"\nfrom_file = \"tfvars\"\n",
		"b.auto.tfvars":      "from_auto = \"auto b\"\n",
		"a.auto.tfvars":      "from_auto = \"auto a\"\nfrom_file = \"auto a\"\n",
		"prod.tfvars":        "from_file = \"prod\"\n",
		"ignored/unread.tfv": "x = 1\n",
	})
	c, err := Load(dir, Options{VarFiles: []string{filepath.Join(dir, "prod.tfvars")}})
	require.NoError(t, err)
	v := resources(root(c), nil)["azurerm_container_registry.r"]
	assert.Equal(t, "default", v["a"])
	assert.Equal(t, "tfvars", v["b"])
	assert.Equal(t, "auto b", v["c"], "auto files in lexical order, the last wins")
	assert.Equal(t, "prod", v["d"], "-var-file comes last")
	assert.Equal(t, armexpr.Unresolved{Expr: "var.unset"}, v["e"], "a variable nobody set is unknown, shown as written")
	assert.Equal(t, armexpr.Unresolved{Expr: `"prefix-${var.unset}"`}, v["f"])
	assert.EqualValues(t, "3", v["g"], "converted to the declared type")
	assert.Equal(t, []any{"default", armexpr.Unresolved{Expr: "[var.from_default, var.unset]"}}, v["h"])
}

func TestExpansionsLocalsAndDynamicBlocks(t *testing.T) {
	dir := write(t, map[string]string{
		"main.tf": `
locals {
  envs    = toset(["blue", "green"])
  ranges  = { office = "10.0.0.0/8", vpn = "192.168.0.0/16" }
  twice   = local.count * 2
  count   = 1
  upper   = upper(join("-", sort(keys(local.ranges))))
}

resource "azurerm_container_registry" "per_env" {
  for_each = local.envs
  name     = "acr${each.key}"
}

resource "azurerm_container_registry" "counted" {
  count = local.twice
  name  = "acr${count.index}"
}

resource "azurerm_container_registry" "unknown_count" {
  count = length(data.azurerm_subnets.all.ids)
  name  = "acr${count.index}"
}

resource "azurerm_container_registry" "rules" {
  name = local.upper

  dynamic "network_rule_set" {
    for_each = local.ranges
    iterator = rule
    content {
      name     = rule.key
      ip_range = rule.value
    }
  }

  dynamic "georeplications" {
    for_each = data.azurerm_locations.all.names
    content {
      location = georeplications.value
    }
  }

  lifecycle {
    prevent_destroy = true
  }
}
`,
	})
	c, err := Load(dir, Options{})
	require.NoError(t, err)
	rs := resources(root(c), nil)
	assert.Equal(t, "acrblue", rs[`azurerm_container_registry.per_env["blue"]`]["name"])
	assert.Equal(t, "acrgreen", rs[`azurerm_container_registry.per_env["green"]`]["name"])
	assert.Equal(t, "acr1", rs[`azurerm_container_registry.counted[1]`]["name"], "locals read locals declared after them")
	assert.Contains(t, rs, "azurerm_container_registry.unknown_count[*]", "a count known only after apply is one instance")
	assert.Equal(t, armexpr.Unresolved{Expr: `"acr${count.index}"`}, rs["azurerm_container_registry.unknown_count[*]"]["name"])
	rules := rs["azurerm_container_registry.rules"]
	assert.Equal(t, "OFFICE-VPN", rules["name"], "Terraform's functions")
	assert.Equal(t, []any{
		map[string]any{"name": "office", "ip_range": "10.0.0.0/8"},
		map[string]any{"name": "vpn", "ip_range": "192.168.0.0/16"},
	}, rules["network_rule_set"])
	assert.Equal(t, armexpr.Unresolved{Expr: `dynamic "georeplications" for_each = data.azurerm_locations.all.names`}, rules["georeplications"])
	assert.NotContains(t, rules, "lifecycle", "Terraform's own blocks are not values")

	place, ok := c.Place([]any{"planned_values", "root_module", "resources", 5, "values", "network_rule_set", 1, "ip_range"})
	require.True(t, ok)
	assert.Equal(t, Place{File: filepath.Join(dir, "main.tf"), Line: 33}, place)
}

func TestReferencesNameTheResource(t *testing.T) {
	dir := write(t, map[string]string{
		"main.tf": `
resource "azurerm_container_registry" "acr" {
  name                = "shopacr"
  resource_group_name = "rg-shop"
}

data "azurerm_kubernetes_cluster" "existing" {
  name                = "aks-${azurerm_container_registry.acr.name}"
  resource_group_name = "rg-aks"
}

resource "azurerm_monitor_diagnostic_setting" "d" {
  target_resource_id = azurerm_container_registry.acr.id
  cluster            = data.azurerm_kubernetes_cluster.existing.id
  fqdn               = data.azurerm_kubernetes_cluster.existing.fqdn
}
`,
	})
	c, err := Load(dir, Options{})
	require.NoError(t, err)
	d := resources(root(c), nil)["azurerm_monitor_diagnostic_setting.d"]
	assert.Equal(t, "/subscriptions/(known after apply)/resourceGroups/rg-shop/providers/Microsoft.ContainerRegistry/registries/shopacr", d["target_resource_id"])
	assert.Equal(t, "/subscriptions/(known after apply)/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-shopacr", d["cluster"])
	assert.Equal(t, armexpr.Unresolved{Expr: "data.azurerm_kubernetes_cluster.existing.fqdn"}, d["fqdn"], "other attributes exist only after apply")
}

func TestModulesLocalVendoredAndRemote(t *testing.T) {
	dir := write(t, map[string]string{
		"main.tf": `
module "local" {
  source = "./modules/acr"
  count  = 2
  name   = "local${count.index}"
}

module "vendored" {
  source  = "contoso/acr/azurerm"
  version = "1.0.0"
  name    = "vendored"
}

module "remote" {
  source = "git::https://example.com/acr.git"
  name   = "remote"
}
`,
		"modules/acr/main.tf": `
variable "name" {}
resource "azurerm_container_registry" "this" { name = var.name }
module "nested" {
  source = "../nested"
  name   = "${var.name}-nested"
}
`,
		"modules/nested/main.tf":                 "variable \"name\" {}\nresource \"azurerm_container_registry\" \"this\" { name = var.name }\n",
		".terraform/modules/modules.json":        `{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"vendored","Source":"registry.terraform.io/contoso/acr/azurerm","Dir":".terraform/modules/vendored"}]}`,
		".terraform/modules/vendored/main.tf":    "variable \"name\" {}\nresource \"azurerm_container_registry\" \"this\" { name = var.name }\n",
		".terraform/modules/vendored/unused.txt": "not terraform",
	})
	c, err := Load(dir, Options{})
	require.NoError(t, err)
	rs := resources(root(c), nil)
	assert.Equal(t, "local1", rs["module.local[1].azurerm_container_registry.this"]["name"])
	assert.Equal(t, "local0-nested", rs["module.local[0].module.nested.azurerm_container_registry.this"]["name"])
	assert.Equal(t, "vendored", rs["module.vendored.azurerm_container_registry.this"]["name"])
	require.Len(t, c.NotRead, 1)
	assert.Contains(t, c.NotRead[0].Path, "main.tf:15")
	assert.Contains(t, c.NotRead[0].Reason, "module remote (git::https://example.com/acr.git): a remote module that is not vendored (run terraform init")
}

func TestBadSourceIsAnErrorWithItsLine(t *testing.T) {
	dir := write(t, map[string]string{"main.tf": "resource \"a\" \"b\" {\n  name = \n}\n"})
	_, err := Load(dir, Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), filepath.Join(dir, "main.tf")+":2: Invalid expression")

	loop := write(t, map[string]string{"main.tf": "module \"self\" {\n  source = \"./\"\n}\n"})
	_, err = Load(loop, Options{})
	assert.ErrorContains(t, err, "modules nested more than 16 deep")
}

func TestOnlyWhatCannotBeKnownIsUnresolved(t *testing.T) {
	dir := write(t, map[string]string{
		"main.tf": `
resource "random_id" "suffix" {
  byte_length = 4
}

resource "azurerm_container_registry" "r" {
  name = "acr"
  tags = {
    owner  = "platform"
    suffix = random_id.suffix.hex
    cidr   = cidrsubnet("10.0.0.0/16", 8, 1)
  }
  sku = coalesce(null, "Premium")
}
`,
	})
	c, err := Load(dir, Options{})
	require.NoError(t, err)
	r := resources(root(c), nil)["azurerm_container_registry.r"]
	assert.Equal(t, map[string]any{
		"owner":  "platform",
		"suffix": armexpr.Unresolved{Expr: "{\n    owner  = \"platform\"\n    suffix = random_id.suffix.hex\n    cidr   = cidrsubnet(\"10.0.0.0/16\", 8, 1)\n  }"},
		"cidr":   armexpr.Unresolved{Expr: "{\n    owner  = \"platform\"\n    suffix = random_id.suffix.hex\n    cidr   = cidrsubnet(\"10.0.0.0/16\", 8, 1)\n  }"},
	}, r["tags"], "another resource's attribute and a function not evaluated leave the rest known")
	assert.Equal(t, "Premium", r["sku"])
}

func TestAnUndecidedExpansionIsSaidAtItsLine(t *testing.T) {
	dir := write(t, map[string]string{
		"main.tf": `variable "logs" {
  type = bool
}

resource "azurerm_monitor_diagnostic_setting" "d" {
  count = var.logs ? 1 : 0
  name  = "to-law"
}

resource "azurerm_monitor_diagnostic_setting" "known" {
  count = 1
  name  = "known"
}
`,
	})
	c, err := Load(dir, Options{})
	require.NoError(t, err)
	list := root(c)["resources"].([]any)
	require.Len(t, list, 2)
	d := list[0].(map[string]any)
	assert.Equal(t, "azurerm_monitor_diagnostic_setting.d[*]", d["address"])
	assert.Equal(t, armexpr.Unresolved{Expr: "count = var.logs ? 1 : 0"}, d["expansion"])
	p, ok := c.Place([]any{"planned_values", "root_module", "resources", 0, "expansion"})
	require.True(t, ok)
	assert.Equal(t, 6, p.Line)
	assert.NotContains(t, list[1].(map[string]any), "expansion", "a count that is known is no condition")
}

func TestAFolderNamedLikeATfFileIsNotSource(t *testing.T) {
	dir := write(t, map[string]string{
		"aks-insecure.tf/main.tf": "resource \"azurerm_container_registry\" \"r\" {\n  name = \"acr\"\n}\n",
	})
	assert.False(t, IsModule(dir), "only a folder named .tf: no module")
	assert.True(t, IsModule(filepath.Join(dir, "aks-insecure.tf")))

	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.tf"), []byte("resource \"azurerm_container_registry\" \"s\" {\n  name = \"s\"\n}\n"), 0o644))
	c, err := Load(dir, Options{})
	require.NoError(t, err, "the folder is not read as a file")
	assert.Equal(t, []string{filepath.Join(dir, "main.tf")}, c.Files)
}
