package azure

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/engine/azure/armexpr"
)

func load(t *testing.T, name string) any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "library", "testdata", "azure", name))
	require.NoError(t, err)
	var v any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&v))
	return v
}

func spec(r Resource) map[string]any { return r.Value["spec"].(map[string]any) }

func ofKind(rs []Resource, kind string) []Resource {
	var out []Resource
	for _, r := range rs {
		if r.Value["kind"] == kind {
			out = append(out, r)
		}
	}
	return out
}

func TestRegistriesAndTheirSurroundings(t *testing.T) {
	arm := Normalize(load(t, "acr-hardened.arm.json"))
	reg := ofKind(arm, KindContainerRegistry)
	require.Len(t, reg, 1)
	assert.Equal(t, []any{map[string]any{"location": "northeurope"}}, spec(reg[0])["replications"], "a child replication joins its registry")
	diag := ofKind(arm, KindDiagnosticSetting)
	require.Len(t, diag, 1)
	assert.Equal(t, "microsoft.containerregistry/registries/contosoprod", spec(diag[0])["target"], "the ARM scope")
	require.Len(t, ofKind(arm, KindPrivateEndpoint), 1)
	require.Len(t, ofKind(arm, KindSecurityPricing), 1)

	cli := Normalize(load(t, "acr-hardened.evidence.azcli.json"))
	d := ofKind(cli, KindDiagnosticSetting)
	require.Len(t, d, 1)
	assert.Equal(t, "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg-acr/providers/microsoft.containerregistry/registries/contosoprod", spec(d[0])["target"], "the resource the setting's ID sits under")

	tf := Normalize(load(t, "acr-hardened.tfplan.json"))
	r := ofKind(tf, KindContainerRegistry)[0]
	assert.Equal(t, "Disabled", spec(r)["publicnetworkaccess"])
	assert.Equal(t, "enabled", spec(r)["policies"].(map[string]any)["trustpolicy"].(map[string]any)["status"])
	logs := spec(ofKind(tf, KindDiagnosticSetting)[0])["logs"].([]any)
	assert.Equal(t, map[string]any{"enabled": true, "categorygroup": "allLogs"}, logs[0])
}

func TestTheThreeFormatsNormaliseAlike(t *testing.T) {
	for _, f := range []struct{ file, format string }{
		{"aks-hardened.arm.json", FormatARM},
		{"aks-hardened.azcli.json", FormatCLI},
		{"aks-hardened.tfplan.json", FormatTerraform},
	} {
		t.Run(f.file, func(t *testing.T) {
			rs := ofKind(Normalize(load(t, f.file)), KindManagedCluster)
			require.Len(t, rs, 1, "one cluster (a data source and the nested deployment wrapper are not)")
			r := rs[0]
			assert.Equal(t, APIVersion, r.Value["apiVersion"])
			assert.Equal(t, KindManagedCluster, r.Value["kind"])
			assert.Equal(t, f.format, r.Value["format"])
			s := spec(r)
			assert.Equal(t, true, s["disablelocalaccounts"])
			aad := s["aadprofile"].(map[string]any)
			assert.Equal(t, true, aad["managed"])
			assert.Equal(t, true, aad["enableazurerbac"], "enableAzureRBAC and enableAzureRbac meet in one name")
			assert.Equal(t, true, s["oidcissuerprofile"].(map[string]any)["enabled"])
			assert.Equal(t, "Standard", s["sku"].(map[string]any)["tier"])
			pools := s["agentpoolprofiles"].([]any)
			assert.Equal(t, "System", pools[0].(map[string]any)["mode"])
		})
	}
}

func TestLocateMapsBackToTheSource(t *testing.T) {
	arm := ofKind(Normalize(load(t, "aks-hardened.arm.json")), KindManagedCluster)[0]
	assert.Equal(t,
		[]any{"resources", 0, "properties", "template", "resources", 0, "properties", "aadProfile", "enableAzureRBAC"},
		arm.Locate([]any{"spec", "aadprofile", "enableazurerbac"}), "nested deployment, original spelling")
	assert.Equal(t, []any{"resources", 0, "properties", "template", "resources", 0, "sku", "tier"}, arm.Locate([]any{"spec", "sku", "tier"}))

	cli := Normalize(load(t, "aks-hardened.azcli.json"))[0]
	assert.Equal(t, []any{"apiServerAccessProfile", "authorizedIpRanges", 1}, cli.Locate([]any{"spec", "apiserveraccessprofile", "authorizedipranges", json.Number("1")}))

	tf := Normalize(load(t, "aks-insecure.tfplan.json"))[0]
	assert.Equal(t,
		[]any{"planned_values", "root_module", "child_modules", 0, "resources", 0, "values", "network_profile", 0, "network_policy"},
		tf.Locate([]any{"spec", "networkprofile", "networkpolicy"}), "a null attribute is still located")
	assert.Equal(t,
		[]any{"planned_values", "root_module", "child_modules", 0, "resources", 0, "values", "api_server_access_profile", 0, "authorized_ip_ranges"},
		tf.Locate([]any{"spec", "apiserveraccessprofile", "authorizedipranges", 0}))
}

// Read from source, a block holds only the attributes written: a setting
// left out of a written block is at the block, and a switch such as
// azure_policy_enabled is where the add-on profile it stands for is.
func TestLocateFindsTheBlockOrSwitchOfAnAbsentSetting(t *testing.T) {
	plan := map[string]any{"terraform_version": "1.9.0", "planned_values": map[string]any{"root_module": map[string]any{"resources": []any{map[string]any{
		"address": "azurerm_kubernetes_cluster.lab", "mode": "managed", "type": "azurerm_kubernetes_cluster", "name": "lab",
		"values": map[string]any{
			"name":                 "aks-lab",
			"azure_policy_enabled": false,
			"network_profile":      []any{map[string]any{"network_plugin": "kubenet"}},
		},
	}}}}}
	tf := ofKind(Normalize(plan), KindManagedCluster)[0]
	values := []any{"planned_values", "root_module", "resources", 0, "values"}
	assert.Equal(t, append(slices.Clone(values), "network_profile", 0),
		tf.Locate([]any{"spec", "networkprofile", "networkpolicy"}), "left out of a written block")
	assert.Equal(t, append(slices.Clone(values), "azure_policy_enabled"),
		tf.Locate([]any{"spec", "addonprofiles", "azurepolicy"}), "the profile a switch stands for")
	assert.Equal(t, append(slices.Clone(values), "azure_policy_enabled"),
		tf.Locate([]any{"spec", "addonprofiles", "azurepolicy", "enabled"}))
	assert.Equal(t, values, tf.Locate([]any{"spec", "aadprofile", "enableazurerbac"}), "a block not written is the resource")
	assert.Equal(t, values, tf.Locate([]any{"spec", "addonprofiles"}), "not every add-on is the switch of one")
}

// A dynamic block whose for_each is known only at apply (read from
// source) hides every setting it writes: each is its expression, at the
// block, never absent.
func TestADynamicBlockOverAnUnknownHidesItsSettings(t *testing.T) {
	hidden := armexpr.Unresolved{Expr: "dynamic \"api_server_access_profile\" for_each = var.profiles"}
	plan := map[string]any{"terraform_version": "1.9.0", "planned_values": map[string]any{"root_module": map[string]any{"resources": []any{map[string]any{
		"address": "azurerm_kubernetes_cluster.ci", "mode": "managed", "type": "azurerm_kubernetes_cluster", "name": "ci",
		"values": map[string]any{"name": "aks-ci", "api_server_access_profile": hidden},
	}}}}}
	tf := ofKind(Normalize(plan), KindManagedCluster)[0]
	spec := tf.Value["spec"].(map[string]any)
	assert.Equal(t, hidden.Expr, spec["apiserveraccessprofile"].(map[string]any)["authorizedipranges"])
	assert.Contains(t, spec["unresolved"], map[string]any{"path": []any{"spec", "apiserveraccessprofile", "authorizedipranges"}, "expression": hidden.Expr})
	assert.Equal(t, []any{"planned_values", "root_module", "resources", 0, "values", "api_server_access_profile"},
		tf.Locate([]any{"spec", "apiserveraccessprofile", "authorizedipranges"}))
}

func TestOtherDocumentsAreNotAzure(t *testing.T) {
	for name, doc := range map[string]any{
		"a pod":                   map[string]any{"apiVersion": "v1", "kind": "Pod"},
		"a storage account":       map[string]any{"type": "Microsoft.Storage/storageAccounts", "name": "x"},
		"a template without aks":  map[string]any{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": []any{}},
		"a list of strings":       []any{"a", "b"},
		"a plan without clusters": map[string]any{"terraform_version": "1.9.0", "planned_values": map[string]any{"root_module": map[string]any{}}},
	} {
		assert.Empty(t, Normalize(doc), name)
	}
	list := Normalize([]any{
		map[string]any{"type": "Microsoft.ContainerService/ManagedClusters", "name": "a"},
		map[string]any{"type": "microsoft.containerservice/managedclusters", "name": "b"},
		"noise",
	})
	assert.Len(t, list, 2, "az aks list output, types in any case")
}

// TestPowerShellExportsAreReadLikeARM: Get-AzResource -ExpandProperties |
// ConvertTo-Json names the envelope in PascalCase (Name, Type and
// ResourceType, Properties, Sku); each resource is judged, and a field's
// source path keeps the key as written.
func TestPowerShellExportsAreReadLikeARM(t *testing.T) {
	rs := Normalize(load(t, "aks-export.powershell.json"))
	require.Len(t, rs, 2, "the cluster and the registry; the virtual network is no kind of ours")
	cluster := ofKind(rs, KindManagedCluster)[0]
	assert.Equal(t, map[string]any{"name": "aks-shop"}, cluster.Value["metadata"])
	assert.Equal(t, false, spec(cluster)["disablelocalaccounts"])
	assert.Equal(t, map[string]any{"name": "Base", "tier": "Free"}, spec(cluster)["sku"])
	assert.Equal(t, "systemassigned", strings.ToLower(spec(cluster)["identity"].(map[string]any)["type"].(string)))
	assert.Equal(t, []any{0, "Properties", "disableLocalAccounts"}, cluster.Locate([]any{"spec", "disablelocalaccounts"}))
	assert.Equal(t, []any{0, "Sku", "Tier"}, cluster.Locate([]any{"spec", "sku", "tier"}))
	registry := ofKind(rs, KindContainerRegistry)[0]
	assert.Equal(t, true, spec(registry)["adminuserenabled"])
	assert.Equal(t, []any{1, "Properties", "adminUserEnabled"}, registry.Locate([]any{"spec", "adminuserenabled"}))
}

// TestGetAzAksClusterIsReadLikeTheCLI: Get-AzAksCluster | ConvertTo-Json
// prints the cluster's settings flattened beside its envelope, in
// PascalCase, as az aks show does in camelCase.
func TestGetAzAksClusterIsReadLikeTheCLI(t *testing.T) {
	var doc any
	dec := json.NewDecoder(strings.NewReader(`{
  "Name": "aks-ps", "Type": "Microsoft.ContainerService/ManagedClusters", "Location": "westeurope",
  "KubernetesVersion": "1.30.4", "EnableRBAC": true, "DisableLocalAccounts": true,
  "AgentPoolProfiles": [{"Name": "system", "Mode": "System", "AvailabilityZones": ["1", "2"]}],
  "Sku": {"Name": "Base", "Tier": "Standard"}
}`))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&doc))
	rs := Normalize(doc)
	require.Len(t, rs, 1)
	assert.Equal(t, map[string]any{"name": "aks-ps"}, rs[0].Value["metadata"])
	assert.Equal(t, true, spec(rs[0])["disablelocalaccounts"])
	assert.Equal(t, []any{map[string]any{"name": "system", "mode": "System", "availabilityzones": []any{"1", "2"}}}, spec(rs[0])["agentpoolprofiles"])
	assert.Equal(t, []any{"DisableLocalAccounts"}, rs[0].Locate([]any{"spec", "disablelocalaccounts"}))
}

func decode(t *testing.T, text string) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal([]byte(text), &v))
	return v
}

const template = `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0", "resources": %s}`

func TestPiecesJoinTheirParentOrStandApart(t *testing.T) {
	tests := []struct {
		name      string
		doc       string
		kinds     []string // of the resources, in order
		pools     int      // pools of the first cluster
		replicas  []any    // replications of the first registry
		target    string   // of the first standalone piece
		notJudged string   // part of the first standalone piece's reason
	}{
		{
			name:  "a pool declared before the cluster it names joins it",
			doc:   fmt.Sprintf(template, `[{"type": "Microsoft.ContainerService/managedClusters/agentPools", "name": "aks/gpu", "properties": {"mode": "User"}}, {"type": "Microsoft.ContainerService/managedClusters", "name": "aks", "properties": {}}]`),
			kinds: []string{KindManagedCluster},
			pools: 1,
		},
		{
			name:     "a child replication joins the registry declared before it, not a later one",
			doc:      fmt.Sprintf(template, `[{"type": "Microsoft.ContainerRegistry/registries", "name": "a", "properties": {}, "resources": [{"type": "replications", "name": "northeurope", "location": "northeurope", "properties": {}}]}, {"type": "Microsoft.ContainerRegistry/registries", "name": "b", "properties": {}}]`),
			kinds:    []string{KindContainerRegistry, KindContainerRegistry},
			replicas: []any{map[string]any{"location": "northeurope"}},
		},
		{
			name:      "a replication of a registry the template does not hold stands apart, naming it",
			doc:       fmt.Sprintf(template, `[{"type": "Microsoft.ContainerRegistry/registries/replications", "name": "shared/westus", "location": "westus", "properties": {}}]`),
			kinds:     []string{KindReplication},
			target:    "microsoft.containerregistry/registries/shared",
			notJudged: `registry "shared"`,
		},
		{
			name:      "az aks nodepool list: pools name their cluster by ID",
			doc:       `[{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-prod/agentPools/user", "name": "user", "type": "Microsoft.ContainerService/managedClusters/agentPools", "mode": "User", "orchestratorVersion": "1.29.2"}]`,
			kinds:     []string{KindAgentPool},
			target:    "microsoft.containerservice/managedclusters/aks-prod",
			notJudged: `cluster "aks-prod", which the scan does not hold`,
		},
		{
			name:      "a pool whose cluster's name only the deployment knows is not guessed into the cluster before it",
			doc:       fmt.Sprintf(template, `[{"type": "Microsoft.ContainerService/managedClusters", "name": "aks", "properties": {}}, {"type": "Microsoft.ContainerService/managedClusters/agentPools", "name": "[format('{0}/{1}', parameters('clusterName'), 'gpu')]", "properties": {"mode": "User"}}]`),
			kinds:     []string{KindManagedCluster, KindAgentPool},
			notJudged: `an agent pool of a cluster whose name, [format('{0}/{1}', parameters('clusterName'), 'gpu')], cannot be evaluated before deployment`,
		},
		{
			name:  "a nullable parameter nobody sets is null, not unresolved",
			doc:   strings.Replace(fmt.Sprintf(template, `[{"type": "Microsoft.ContainerService/managedClusters", "name": "aks", "properties": {"disableLocalAccounts": "[coalesce(parameters('local'), true)]"}}]`), `"resources"`, `"parameters": {"local": {"type": "bool", "nullable": true}}, "resources"`, 1),
			kinds: []string{KindManagedCluster},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := Normalize(decode(t, tt.doc))
			var kinds []string
			for _, r := range rs {
				kinds = append(kinds, r.Value["kind"].(string))
			}
			require.Equal(t, tt.kinds, kinds)
			first := rs[0]
			if tt.pools > 0 {
				assert.Len(t, spec(first)["agentpoolprofiles"], tt.pools)
			}
			if tt.replicas != nil {
				assert.Equal(t, tt.replicas, spec(first)["replications"])
				assert.Nil(t, spec(rs[1])["replications"])
			}
			if tt.target != "" {
				assert.Equal(t, tt.target, spec(first)["target"])
				assert.Contains(t, first.Value[NotJudgedKey], tt.notJudged)
				assert.NotContains(t, spec(first), parentKey)
			}
			if last := rs[len(rs)-1]; tt.target == "" && tt.notJudged != "" {
				assert.Contains(t, last.Value[NotJudgedKey], tt.notJudged)
				assert.NotContains(t, spec(last), "target")
				assert.Nil(t, spec(first)["agentpoolprofiles"])
			}
			if strings.Contains(tt.name, "nullable") {
				assert.Equal(t, true, spec(first)["disablelocalaccounts"])
			}
		})
	}
}

func TestAPoolJoinedToItsClusterIsLocatedOnItsOwnLines(t *testing.T) {
	rs := Normalize(decode(t, fmt.Sprintf(template, `[{"type": "Microsoft.ContainerService/managedClusters", "name": "aks", "properties": {"agentPoolProfiles": [{"name": "system"}]}}, {"type": "Microsoft.ContainerService/managedClusters/agentPools", "name": "aks/gpu", "properties": {"orchestratorVersion": "1.29"}}]`)))
	require.Len(t, rs, 1)
	assert.Equal(t, []any{"resources", 1, "properties", "orchestratorVersion"}, rs[0].Locate([]any{"spec", "agentpoolprofiles", json.Number("1"), "orchestratorversion"}))
	assert.Equal(t, []any{"resources", 0, "properties", "agentPoolProfiles", 0, "name"}, rs[0].Locate([]any{"spec", "agentpoolprofiles", 0, "name"}))
}

func TestResourcesKnowTheirDeploymentAndNameExpression(t *testing.T) {
	rs := Normalize(decode(t, fmt.Sprintf(template, `[{"type": "Microsoft.ContainerService/managedClusters", "name": "[parameters('aksName')]", "properties": {}},
		{"type": "Microsoft.Resources/deployments", "name": "inner", "properties": {"template": {"resources": [{"type": "Microsoft.ContainerRegistry/registries", "name": "acr", "properties": {}}]}}}]`)))
	require.Len(t, rs, 2)
	assert.Equal(t, "[parameters('aksName')]", rs[0].Value[NameExpressionKey])
	assert.NotContains(t, rs[0].Value, DeploymentKey, "a top-level resource is in the file's own deployment")
	assert.Equal(t, "resources[1].properties.template", rs[1].Value[DeploymentKey])
	assert.NotContains(t, rs[1].Value, NameExpressionKey)
}

func TestNothingJudgedNamesWhatAnAzureDocumentHeld(t *testing.T) {
	tests := []struct {
		name  string
		doc   string
		types []string
		ok    bool
	}{
		{"an ARM template of a network", fmt.Sprintf(template, `[{"type": "Microsoft.Network/virtualNetworks", "name": "v"}, {"type": "Microsoft.Network/virtualNetworks", "name": "w"}]`), []string{"Microsoft.Network/virtualNetworks"}, true},
		{"az vm list", `[{"id": "/x", "name": "vm1", "type": "Microsoft.Compute/virtualMachines"}]`, []string{"Microsoft.Compute/virtualMachines"}, true},
		{"a Kubernetes object", `{"apiVersion": "v1", "kind": "Pod"}`, nil, false},
		{"a list that is not of Azure resources", `[{"name": "x"}]`, nil, false},
		{"an empty list", `[]`, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := decode(t, tt.doc)
			require.Empty(t, Normalize(doc))
			types, ok := NothingJudged(doc)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.types, types)
		})
	}
}
