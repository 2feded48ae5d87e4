package azure

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/shipshape-dev/shipshape/engine/azure/armexpr"
)

// isTerraformPlan recognises `terraform show -json` output.
func isTerraformPlan(m map[string]any) bool {
	_, planned := m["planned_values"].(map[string]any)
	_, version := m["terraform_version"]
	return planned && version
}

// terraformPlan normalises the planned azurerm clusters and registries of
// every module.
func terraformPlan(m map[string]any) []Resource {
	planned := m["planned_values"].(map[string]any)
	var out []Resource
	walkModule(planned["root_module"], []any{"planned_values", "root_module"}, &out)
	return joinPools(out)
}

// joinPools adds the node pools a module could not place (a pool module
// given its cluster's ID by the root) to the cluster of the name their ID
// holds, anywhere in the configuration; a pool whose cluster the
// configuration does not hold, or holds twice, stands on its own.
func joinPools(out []Resource) []Resource {
	kept := out[:0:0]
	var pools []Resource
	for _, r := range out {
		if r.Value["kind"] == KindAgentPool {
			pools = append(pools, r)
			continue
		}
		kept = append(kept, r)
	}
	for _, p := range pools {
		spec := p.Value["spec"].(map[string]any)
		parent := str(spec[parentKey])
		if parent == "" {
			kept = append(kept, p) // its reason is said
			continue
		}
		owner, count := -1, 0
		for i := range kept {
			meta, _ := kept[i].Value["metadata"].(map[string]any)
			if kept[i].Value["kind"] == KindManagedCluster && strings.EqualFold(str(meta["name"]), parent) {
				owner, count = i, count+1
			}
		}
		if count != 1 {
			kept = append(kept, standalone(p, KindAgentPool, parent))
			continue
		}
		delete(spec, parentKey)
		attachPool(&kept[owner], p)
	}
	return kept
}

func walkModule(mod any, at []any, out *[]Resource) {
	m, ok := mod.(map[string]any)
	if !ok {
		return
	}
	var (
		clusters []*translated
		slots    []int // where each cluster's resource goes in out
		pools    []*translated
		poolIDs  []string // each pool's kubernetes_cluster_id, when known
	)
	resources, _ := m["resources"].([]any)
	for i, r := range resources {
		res, ok := r.(map[string]any)
		if !ok || str(res["mode"]) == "data" {
			continue
		}
		values, ok := res["values"].(map[string]any)
		if !ok {
			continue
		}
		src := append(append([]any{}, at...), "resources", i, "values")
		values = withType(values, str(res["type"]))
		if e, ok := res["expansion"].(armexpr.Unresolved); ok {
			// Read from source: a count or for_each known only at apply.
			values[expansionKey] = e
		}
		name := str(values["name"])
		if name == "" {
			name = str(res["address"])
		}
		address := str(res["address"])
		switch str(res["type"]) {
		case "azurerm_kubernetes_cluster":
			t := translate(KindManagedCluster, name, values, src, clusterFields)
			t.address = address
			clusters = append(clusters, t)
			slots = append(slots, len(*out))
			*out = append(*out, Resource{}) // once its pools are in
		case "azurerm_kubernetes_cluster_node_pool":
			pools = append(pools, translate("", name, values, src, poolFields))
			poolIDs = append(poolIDs, nameOf(values["kubernetes_cluster_id"]))
		case "azurerm_container_registry":
			t := translate(KindContainerRegistry, name, values, src, registryFields)
			t.address = address
			*out = append(*out, t.resource())
		case "azurerm_private_endpoint":
			*out = append(*out, translate(KindPrivateEndpoint, name, values, src, endpointFields).resource())
		case "azurerm_monitor_diagnostic_setting":
			*out = append(*out, translate(KindDiagnosticSetting, name, values, src, diagnosticFields).resource())
		case "azurerm_kubernetes_cluster_extension":
			*out = append(*out, translate(KindClusterExtension, name, values, src, extensionFields).resource())
		case "azurerm_kubernetes_flux_configuration":
			*out = append(*out, translate(KindClusterExtension, name, values, src, fluxFields).resource())
		case "azurerm_role_assignment":
			*out = append(*out, translate(KindRoleAssignment, name, values, src, roleFields).resource())
		case "azurerm_security_center_subscription_pricing":
			*out = append(*out, translate(KindSecurityPricing, str(values["resource_type"]), values, src, pricingFields).resource())
		}
	}
	// A node pool joins the cluster its kubernetes_cluster_id names (read
	// from source, the ID holds the cluster's name); in a plan the ID is
	// unknown until apply, and a module that plans one cluster owns its
	// node pools. A pool neither tells apart stands on its own, listed as
	// not judged.
	owned := make([][]*translated, len(clusters))
	for i, p := range pools {
		owner := -1
		if _, name, ok := strings.Cut(strings.ToLower(poolIDs[i]), "/managedclusters/"); ok {
			for j, c := range clusters {
				if strings.EqualFold(c.name, name) {
					owner = j
				}
			}
		}
		if owner < 0 && len(clusters) == 1 {
			owner = 0
		}
		if owner < 0 {
			*out = append(*out, unownedPool(p, poolIDs[i], len(clusters)))
			continue
		}
		owned[owner] = append(owned[owner], p)
	}
	for j, c := range clusters {
		c.addPools(owned[j])
		(*out)[slots[j]] = c.resource()
	}
	children, _ := m["child_modules"].([]any)
	for i, c := range children {
		walkModule(c, append(append([]any{}, at...), "child_modules", i), out)
	}
}

// expansionKey holds, among a resource's values, the count or for_each
// that could not be decided (tfsrc's "expansion"): the resource stands
// for its one judged instance, and says it may not be deployed.
const expansionKey = "\x00expansion"

// withType records the Terraform resource type as resource_type_, which
// the field tables map to spec.resourcetype.
func withType(values map[string]any, typ string) map[string]any {
	out := make(map[string]any, len(values)+1)
	for k, v := range values {
		out[k] = v
	}
	out["resource_type_"] = typ
	return out
}

// field maps one Terraform attribute (a path of attribute names; a block is
// a one-element list, entered with index 0) to a normalised spec path. A
// convert, when set, turns the attribute's value into the normalised value;
// a block mapped without convert becomes true when present.
type field struct {
	from    []any
	to      string
	convert func(any) any
}

func present(any) any { return true }

func onOff(enabledWord, disabledWord string) func(any) any {
	return func(v any) any {
		if b, ok := v.(bool); ok && b {
			return enabledWord
		}
		return disabledWord
	}
}

func stringBool(v any) any {
	b, _ := v.(bool)
	return strconv.FormatBool(b)
}

func criticalAddonsTaint(v any) any {
	if b, ok := v.(bool); ok && b {
		return []any{"CriticalAddonsOnly=true:NoSchedule"}
	}
	return []any{}
}

// clusterFields translate azurerm_kubernetes_cluster (provider 3.x and
// 4.x names) into the ARM shape.
var clusterFields = []field{
	{from: []any{"resource_type_"}, to: "resourcetype"},
	{from: []any{"role_based_access_control_enabled"}, to: "enablerbac"},
	{from: []any{"local_account_disabled"}, to: "disablelocalaccounts"},
	{from: []any{"azure_active_directory_role_based_access_control", 0}, to: "aadprofile.managed", convert: present},
	{from: []any{"azure_active_directory_role_based_access_control", 0, "azure_rbac_enabled"}, to: "aadprofile.enableazurerbac"},
	{from: []any{"azure_active_directory_role_based_access_control", 0, "admin_group_object_ids"}, to: "aadprofile.admingroupobjectids"},
	{from: []any{"oidc_issuer_enabled"}, to: "oidcissuerprofile.enabled"},
	{from: []any{"workload_identity_enabled"}, to: "securityprofile.workloadidentity.enabled"},
	{from: []any{"private_cluster_enabled"}, to: "apiserveraccessprofile.enableprivatecluster"},
	{from: []any{"api_server_authorized_ip_ranges"}, to: "apiserveraccessprofile.authorizedipranges"},
	{from: []any{"api_server_access_profile", 0, "authorized_ip_ranges"}, to: "apiserveraccessprofile.authorizedipranges"},
	{from: []any{"network_profile", 0, "network_plugin"}, to: "networkprofile.networkplugin"},
	{from: []any{"network_profile", 0, "network_policy"}, to: "networkprofile.networkpolicy"},
	{from: []any{"network_profile", 0, "network_data_plane"}, to: "networkprofile.networkdataplane"},
	{from: []any{"network_profile", 0, "ebpf_data_plane"}, to: "networkprofile.networkdataplane"},
	{from: []any{"default_node_pool", 0, "name"}, to: "agentpoolprofiles.0.name"},
	{from: []any{"default_node_pool", 0}, to: "agentpoolprofiles.0.mode", convert: func(any) any { return "System" }},
	{from: []any{"default_node_pool", 0, "os_sku"}, to: "agentpoolprofiles.0.ossku"},
	{from: []any{"default_node_pool", 0, "vnet_subnet_id"}, to: "agentpoolprofiles.0.vnetsubnetid"},
	{from: []any{"default_node_pool", 0, "zones"}, to: "agentpoolprofiles.0.availabilityzones"},
	{from: []any{"default_node_pool", 0, "enable_auto_scaling"}, to: "agentpoolprofiles.0.enableautoscaling"},
	{from: []any{"default_node_pool", 0, "auto_scaling_enabled"}, to: "agentpoolprofiles.0.enableautoscaling"},
	{from: []any{"default_node_pool", 0, "only_critical_addons_enabled"}, to: "agentpoolprofiles.0.nodetaints", convert: criticalAddonsTaint},
	{from: []any{"default_node_pool", 0, "node_labels"}, to: "agentpoolprofiles.0.nodelabels"},
	{from: []any{"default_node_pool", 0, "enable_host_encryption"}, to: "agentpoolprofiles.0.enableencryptionathost"},
	{from: []any{"default_node_pool", 0, "host_encryption_enabled"}, to: "agentpoolprofiles.0.enableencryptionathost"},
	{from: []any{"default_node_pool", 0, "orchestrator_version"}, to: "agentpoolprofiles.0.orchestratorversion"},
	{from: []any{"disk_encryption_set_id"}, to: "diskencryptionsetid"},
	{from: []any{"sku_tier"}, to: "sku.tier"},
	{from: []any{"identity", 0, "type"}, to: "identity.type"},
	{from: []any{"kubernetes_version"}, to: "kubernetesversion"},
	{from: []any{"azure_policy_enabled"}, to: "addonprofiles.azurepolicy.enabled"},
	{from: []any{"http_application_routing_enabled"}, to: "addonprofiles.httpapplicationrouting.enabled"},
	{from: []any{"oms_agent", 0}, to: "addonprofiles.omsagent.enabled", convert: present},
	{from: []any{"microsoft_defender", 0}, to: "securityprofile.defender.securitymonitoring.enabled", convert: present},
	{from: []any{"microsoft_defender", 0, "log_analytics_workspace_id"}, to: "securityprofile.defender.loganalyticsworkspaceresourceid"},
	{from: []any{"key_vault_secrets_provider", 0}, to: "addonprofiles.azurekeyvaultsecretsprovider.enabled", convert: present},
	{from: []any{"key_vault_secrets_provider", 0, "secret_rotation_enabled"}, to: "addonprofiles.azurekeyvaultsecretsprovider.config.enablesecretrotation", convert: stringBool},
	{from: []any{"key_management_service", 0}, to: "securityprofile.azurekeyvaultkms.enabled", convert: present},
	{from: []any{"key_management_service", 0, "key_vault_key_id"}, to: "securityprofile.azurekeyvaultkms.keyid"},
	{from: []any{"automatic_channel_upgrade"}, to: "autoupgradeprofile.upgradechannel"},
	{from: []any{"automatic_upgrade_channel"}, to: "autoupgradeprofile.upgradechannel"},
	{from: []any{"node_os_channel_upgrade"}, to: "autoupgradeprofile.nodeosupgradechannel"},
	{from: []any{"node_os_upgrade_channel"}, to: "autoupgradeprofile.nodeosupgradechannel"},
	{from: []any{"linux_profile", 0, "admin_username"}, to: "linuxprofile.adminusername"},
}

// poolFields translate azurerm_kubernetes_cluster_node_pool into an
// agentPoolProfiles entry.
var poolFields = []field{
	{from: []any{"resource_type_"}, to: "resourcetype"},
	{from: []any{"name"}, to: "name"},
	{from: []any{"mode"}, to: "mode"},
	{from: []any{"os_type"}, to: "ostype"},
	{from: []any{"os_sku"}, to: "ossku"},
	{from: []any{"vnet_subnet_id"}, to: "vnetsubnetid"},
	{from: []any{"zones"}, to: "availabilityzones"},
	{from: []any{"enable_auto_scaling"}, to: "enableautoscaling"},
	{from: []any{"auto_scaling_enabled"}, to: "enableautoscaling"},
	{from: []any{"node_labels"}, to: "nodelabels"},
	{from: []any{"node_taints"}, to: "nodetaints"},
	{from: []any{"enable_host_encryption"}, to: "enableencryptionathost"},
	{from: []any{"host_encryption_enabled"}, to: "enableencryptionathost"},
	{from: []any{"orchestrator_version"}, to: "orchestratorversion"},
}

// registryFields translate azurerm_container_registry into the ARM shape.
var registryFields = []field{
	{from: []any{"resource_type_"}, to: "resourcetype"},
	{from: []any{"sku"}, to: "sku.name"},
	{from: []any{"admin_enabled"}, to: "adminuserenabled"},
	{from: []any{"public_network_access_enabled"}, to: "publicnetworkaccess", convert: onOff("Enabled", "Disabled")},
	{from: []any{"anonymous_pull_enabled"}, to: "anonymouspullenabled"},
	{from: []any{"export_policy_enabled"}, to: "policies.exportpolicy.status", convert: onOff("enabled", "disabled")},
	{from: []any{"network_rule_set", 0, "default_action"}, to: "networkruleset.defaultaction"},
	{from: []any{"trust_policy_enabled"}, to: "policies.trustpolicy.status", convert: onOff("enabled", "disabled")},
	{from: []any{"trust_policy", 0, "enabled"}, to: "policies.trustpolicy.status", convert: onOff("enabled", "disabled")},
	{from: []any{"retention_policy_in_days"}, to: "policies.retentionpolicy.days"},
	{from: []any{"retention_policy_in_days"}, to: "policies.retentionpolicy.status", convert: func(any) any { return "enabled" }},
	{from: []any{"retention_policy", 0, "days"}, to: "policies.retentionpolicy.days"},
	{from: []any{"retention_policy", 0, "enabled"}, to: "policies.retentionpolicy.status", convert: onOff("enabled", "disabled")},
	{from: []any{"georeplications"}, to: "replications", convert: locations},
}

// locations keeps the location of each georeplications block.
func locations(v any) any {
	out := []any{}
	list, _ := v.([]any)
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			out = append(out, map[string]any{"location": m["location"]})
		}
	}
	return out
}

// endpointFields translate azurerm_private_endpoint: what it connects to.
var endpointFields = []field{
	{from: []any{"resource_type_"}, to: "resourcetype"},
	{from: []any{"private_service_connection", 0, "private_connection_resource_id"}, to: "privatelinkserviceconnections.0.properties.privatelinkserviceid", convert: lowerString},
	{from: []any{"private_service_connection", 0, "subresource_names"}, to: "privatelinkserviceconnections.0.properties.groupids"},
	{from: []any{"private_service_connection", 0, "name"}, to: "privatelinkserviceconnections.0.name"},
}

// diagnosticFields translate azurerm_monitor_diagnostic_setting.
var diagnosticFields = []field{
	{from: []any{"resource_type_"}, to: "resourcetype"},
	{from: []any{"target_resource_id"}, to: "target", convert: lowerString},
	{from: []any{"log_analytics_workspace_id"}, to: "workspaceid"},
	{from: []any{"storage_account_id"}, to: "storageaccountid"},
	{from: []any{"eventhub_authorization_rule_id"}, to: "eventhubauthorizationruleid"},
	{from: []any{"enabled_log"}, to: "logs", convert: enabledLogs},
	{from: []any{"log"}, to: "logs", convert: enabledLogs},
}

// enabledLogs turns enabled_log (and the older log) blocks into ARM's
// logs entries.
func enabledLogs(v any) any {
	out := []any{}
	list, _ := v.([]any)
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			continue
		}
		entry := map[string]any{"enabled": true}
		if enabled, ok := m["enabled"].(bool); ok {
			entry["enabled"] = enabled
		}
		if c := str(m["category"]); c != "" {
			entry["category"] = c
		}
		if g := str(m["category_group"]); g != "" {
			entry["categorygroup"] = g
		}
		out = append(out, entry)
	}
	return out
}

// extensionFields translate azurerm_kubernetes_cluster_extension.
var extensionFields = []field{
	{from: []any{"resource_type_"}, to: "resourcetype"},
	{from: []any{"cluster_id"}, to: "target", convert: lowerString},
	{from: []any{"extension_type"}, to: "extensiontype", convert: lowerString},
}

// fluxFields translate azurerm_kubernetes_flux_configuration, which needs
// the Flux extension and stands for it.
var fluxFields = []field{
	{from: []any{"resource_type_"}, to: "resourcetype"},
	{from: []any{"cluster_id"}, to: "target", convert: lowerString},
	{from: []any{"name"}, to: "extensiontype", convert: func(any) any { return "microsoft.flux" }},
}

// roleFields translate azurerm_role_assignment.
var roleFields = []field{
	{from: []any{"resource_type_"}, to: "resourcetype"},
	{from: []any{"scope"}, to: "target", convert: lowerString},
	{from: []any{"role_definition_name"}, to: "roledefinitionname"},
	{from: []any{"role_definition_id"}, to: "roledefinitionid", convert: lowerString},
	{from: []any{"principal_id"}, to: "principalid"},
	{from: []any{"principal_type"}, to: "principaltype"},
}

// pricingFields translate azurerm_security_center_subscription_pricing.
var pricingFields = []field{
	{from: []any{"resource_type_"}, to: "resourcetype"},
	{from: []any{"tier"}, to: "pricingtier"},
	{from: []any{"resource_type"}, to: "plan"},
}

func lowerString(v any) any {
	if s, ok := v.(string); ok {
		return strings.ToLower(s)
	}
	return v
}

// translated is a Terraform resource in the normalised shape, with the
// source path of every field it set.
type translated struct {
	kind, name string
	address    string // the Terraform resource address, for messages
	spec       map[string]any
	origins    map[string][]any
	src        []any
	expansion  any // an undecided count or for_each (armexpr.Unresolved)
}

// translate builds the normalised spec from the fields present in the
// planned values. Attributes Terraform leaves null are absent, as in ARM.
func translate(kind, name string, values map[string]any, src []any, fields []field) *translated {
	t := &translated{kind: kind, name: name, spec: map[string]any{}, origins: map[string][]any{}, src: src, expansion: values[expansionKey]}
	for _, f := range fields {
		v, ok := dig(values, f.from)
		if !ok {
			if u, at, hidden := unresolvedPrefix(values, f.from); hidden {
				// A dynamic block over a value known only at apply:
				// its settings are its expression, never absent.
				setPath(t.spec, strings.Split(f.to, "."), u)
				t.origins[f.to] = append(append([]any{}, src...), at...)
				continue
			}
			// An attribute left out of a block that is written (a
			// network_profile without network_policy) is at the block.
			if b := blockOf(values, f.from); b != nil {
				if _, known := t.origins[f.to]; !known {
					t.origins[f.to] = append(append([]any{}, src...), b...)
				}
			}
			continue
		}
		origin := append(append([]any{}, src...), f.from...)
		if parent, found := strings.CutSuffix(f.to, ".enabled"); found && len(f.from) == 1 {
			// A switch (azure_policy_enabled) is the whole of what the
			// normalised profile (addonprofiles.azurepolicy) says.
			if _, known := t.origins[parent]; !known {
				t.origins[parent] = origin
			}
		}
		if _, block := f.from[len(f.from)-1].(int); block {
			// A block (default_node_pool) is where its absent settings
			// belong: the normalised parent of the field it maps.
			if parent := f.to[:max(strings.LastIndex(f.to, "."), 0)]; parent != "" {
				if _, known := t.origins[parent]; !known {
					t.origins[parent] = origin
				}
			}
		}
		if v == nil {
			// Null stays absent, as in ARM, but findings about the
			// setting still point at the attribute.
			if _, known := t.origins[f.to]; !known {
				t.origins[f.to] = origin
			}
			continue
		}
		if _, unresolved := v.(armexpr.Unresolved); f.convert != nil && !unresolved {
			// An unresolved value stays the expression: converting it
			// (onOff's "Disabled") would state what is not known.
			v = f.convert(v)
		}
		setPath(t.spec, strings.Split(f.to, "."), v)
		t.origins[f.to] = origin
	}
	return t
}

// unresolvedPrefix finds, on the way to from, a value that is unresolved
// (a dynamic block whose for_each is known only at apply), with its path.
func unresolvedPrefix(values map[string]any, from []any) (armexpr.Unresolved, []any, bool) {
	for i := 1; i < len(from); i++ {
		v, ok := dig(values, from[:i])
		if !ok {
			break
		}
		if u, ok := v.(armexpr.Unresolved); ok {
			return u, from[:i], true
		}
	}
	return armexpr.Unresolved{}, nil, false
}

// blockOf is the path of the innermost block of from (network_profile[0])
// that values hold, when from leaves a block; nil otherwise.
func blockOf(values map[string]any, from []any) []any {
	for i := len(from) - 2; i > 0; i-- {
		if _, block := from[i].(int); !block {
			continue
		}
		if v, ok := dig(values, from[:i+1]); ok && v != nil {
			return from[:i+1]
		}
	}
	return nil
}

// addPools appends node pool resources to the cluster's agent pools; a
// pool's mode defaults to User, as in the provider.
func (t *translated) addPools(pools []*translated) {
	list, _ := t.spec["agentpoolprofiles"].([]any)
	for _, p := range pools {
		if _, ok := p.spec["mode"]; !ok {
			p.spec["mode"] = "User"
		}
		n := strconv.Itoa(len(list))
		list = append(list, p.spec)
		t.origins["agentpoolprofiles."+n] = p.src
		for k, o := range p.origins {
			t.origins["agentpoolprofiles."+n+"."+k] = o
		}
	}
	if len(list) > 0 {
		t.spec["agentpoolprofiles"] = list
	}
}

// unownedPool is a node pool its module does not place: one whose ID
// names a cluster joins it later (joinPools); the others are listed as not
// judged, with why.
func unownedPool(p *translated, clusterID string, clusters int) Resource {
	p.kind = KindAgentPool
	r := p.resource()
	if _, name, ok := strings.Cut(strings.ToLower(clusterID), "/managedclusters/"); ok && name != "" && !strings.Contains(name, "/") {
		r.Value["spec"].(map[string]any)[parentKey] = name
		return r
	}
	why := "a node pool of a module that plans no cluster: node pool settings are judged with their cluster, so scan the module that declares both, or the plan of the root module"
	if clusters > 1 {
		why = fmt.Sprintf("a node pool of a module that plans %d clusters, and its kubernetes_cluster_id is known only after apply, so which one it joins cannot be told: name the cluster's resource in kubernetes_cluster_id, or scan az aks show output", clusters)
	}
	r.Value[NotJudgedKey] = why
	return r
}

func (t *translated) resource() Resource {
	// Values known only after apply (read from source) are listed, for
	// SS-AKS-023, and stand as their expression's text.
	if unresolved := takeUnresolved(t.spec, []any{"spec"}); len(unresolved) > 0 {
		existing, _ := t.spec["unresolved"].([]any)
		t.spec["unresolved"] = append(existing, unresolved...)
	}
	if e, ok := t.expansion.(armexpr.Unresolved); ok {
		// As an ARM condition that cannot be decided.
		existing, _ := t.spec["unresolved"].([]any)
		t.spec["unresolved"] = append([]any{map[string]any{"path": []any{"condition"}, "expression": e.Expr}}, existing...)
	}
	value := object(t.kind, t.name, FormatTerraform, t.spec)
	if t.address != "" {
		// A plan is often one line: the resource address is what tells
		// the reader which resource a finding is about.
		value["address"] = t.address
	}
	return Resource{Value: value, Locate: func(path []any) []any {
		if len(path) == 1 && path[0] == "condition" && t.expansion != nil {
			return append(slices.Clone(t.src[:len(t.src)-1]), "expansion")
		}
		if len(path) < 1 || path[0] != "spec" {
			return t.src[:len(t.src)-1]
		}
		// The longest normalised prefix with a known origin.
		for n := len(path); n > 1; n-- {
			if o, ok := t.origins[joinPath(path[1:n])]; ok {
				return o
			}
		}
		return t.src
	}}
}

func joinPath(path []any) string {
	parts := make([]string, len(path))
	for i, p := range path {
		if s, ok := p.(string); ok {
			parts[i] = s
		} else if n, ok := index(p); ok {
			parts[i] = strconv.Itoa(n)
		}
	}
	return strings.Join(parts, ".")
}

// dig follows attribute names and list indexes.
func dig(v any, path []any) (any, bool) {
	for _, seg := range path {
		switch s := seg.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			if v, ok = m[s]; !ok {
				return nil, false
			}
		case int:
			list, ok := v.([]any)
			if !ok || s >= len(list) {
				return nil, false
			}
			v = list[s]
		}
	}
	return v, true
}

// setPath sets a dotted path, creating maps, and lists for numeric parts.
func setPath(cur map[string]any, parts []string, v any) {
	p := parts[0]
	if len(parts) == 1 {
		cur[p] = v
		return
	}
	if n, err := strconv.Atoi(parts[1]); err == nil {
		list, _ := cur[p].([]any)
		for len(list) <= n {
			list = append(list, map[string]any{})
		}
		cur[p] = list
		if len(parts) == 2 {
			list[n] = v
			return
		}
		elem, ok := list[n].(map[string]any)
		if !ok {
			elem = map[string]any{}
			list[n] = elem
		}
		setPath(elem, parts[2:], v)
		return
	}
	next, ok := cur[p].(map[string]any)
	if !ok {
		next = map[string]any{}
		cur[p] = next
	}
	setPath(next, parts[1:], v)
}
