package policy

// Framework is a compliance framework a control's METADATA can map to
// (custom.frameworks), and the compliance report scores.
type Framework struct {
	// Key is the name used in METADATA, such as cis-k8s.
	Key string
	// Name is the framework's title in reports.
	Name string
}

// Frameworks are the frameworks shipshape knows, in report order. A
// control that maps to any other name fails to load: a framework the
// report does not know would silently have no row.
func Frameworks() []Framework {
	return []Framework{
		{"cis-k8s", "CIS Kubernetes Benchmark"},
		{"cis-aks", "CIS AKS Benchmark"},
		{"cis-docker", "CIS Docker Benchmark"},
		{"mcsb", "Microsoft cloud security benchmark"},
		{"pss", "Pod Security Standards"},
		{"nsa-cisa", "NSA/CISA Kubernetes Hardening Guide"},
		{"mitre", "MITRE ATT&CK"},
	}
}

// metadataKeys are the keys of a control's METADATA custom block.
var metadataKeys = []string{
	"id", "severity", "requirements", "frameworks", "kinds", "parameters",
	"remediation", "sync", "externalData", "admission", "operations",
}
