package fix

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/shipshape-dev/shipshape/engine/input"
)

// Some fixes would stop a workload that needs what they take away, or
// change what is not the user's to change. They are not made; the finding
// is listed as left to people, with why.

// controlPlane are the components kubeadm (and most installers) run as
// static pods, by their "component" label.
var controlPlane = []string{"kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd", "cloud-controller-manager"}

// windowsAllowed are the securityContext fields a Windows pod may set; the
// API refuses the others when spec.os.name is windows.
var windowsAllowed = []string{"runAsNonRoot", "windowsOptions", "runAsUserName"}

// bindings indexes who the scan's RoleBindings and ClusterRoleBindings
// grant roles to, so a token fix spares a ServiceAccount that uses its
// token.
type bindings struct {
	accounts map[string]string // "namespace/name" → the binding that names it
	groups   map[string]string // "system:serviceaccounts[:ns]" → the binding
}

func bindingsOf(objects []*input.Object) bindings {
	b := bindings{accounts: map[string]string{}, groups: map[string]string{}}
	for _, o := range objects {
		if o.Group() != "rbac.authorization.k8s.io" || (o.Kind() != "RoleBinding" && o.Kind() != "ClusterRoleBinding") {
			continue
		}
		name := o.Kind() + " " + o.Name()
		if ns := o.Namespace(); ns != "" {
			name = o.Kind() + " " + ns + "/" + o.Name()
		}
		subjects, _ := o.Value["subjects"].([]any)
		for _, s := range subjects {
			sub, _ := s.(map[string]any)
			kind, _ := sub["kind"].(string)
			subName, _ := sub["name"].(string)
			switch kind {
			case "ServiceAccount":
				ns, _ := sub["namespace"].(string)
				if ns == "" {
					ns = o.Namespace()
				}
				b.accounts[ns+"/"+subName] = name
			case "Group":
				if subName == "system:serviceaccounts" || strings.HasPrefix(subName, "system:serviceaccounts:") {
					b.groups[subName] = name
				}
			}
		}
	}
	return b
}

// boundBy names the binding that grants the ServiceAccount ns/name a role
// ("" when none in the scan does).
func (b bindings) boundBy(ns, name string) string {
	if by := b.accounts[ns+"/"+name]; by != "" {
		return by
	}
	if by := b.groups["system:serviceaccounts:"+ns]; by != "" {
		return by
	}
	return b.groups["system:serviceaccounts"]
}

// leftToPeople says why a fix is not made on this object ("" when it may
// be): the object is a control-plane or system component, a Windows pod
// would be given fields its OS forbids, a container that binds a port
// below 1024 would lose the means to, or a workload whose ServiceAccount
// the scan binds to roles would lose its token.
func leftToPeople(o *input.Object, r *Rule, target []any, b bindings) string {
	labels := labelsOf(o.Value)
	if o.Namespace() == "kube-system" && (slices.Contains(controlPlane, labels["component"]) || labels["tier"] == "control-plane") {
		return fmt.Sprintf("%s is a control-plane component (component: %s): its static pod manifest belongs to the installer (kubeadm, the cloud provider); change it there", objectName(o), cmpOr(labels["component"], labels["tier"]))
	}
	if o.Namespace() == "kube-system" {
		return fmt.Sprintf("%s is a system component in kube-system: its manifest comes from its installer or add-on manager; change it there, or exempt it", objectName(o))
	}
	pod := podSpecOf(o)
	last, _ := target[len(target)-1].(string)
	if pod != nil && isWindows(pod) && slices.Contains(target, "securityContext") && !slices.ContainsFunc(target, func(seg any) bool {
		s, _ := seg.(string)
		return slices.Contains(windowsAllowed, s)
	}) {
		return fmt.Sprintf("%s is a Windows pod (spec.os.name or the kubernetes.io/os node selector): the API forbids securityContext.%s there", objectName(o), fieldAfter(target, "securityContext"))
	}
	if c, name := containerAt(o.Value, target); c != nil {
		if port := privilegedPort(c); port > 0 {
			switch {
			case last == "runAsNonRoot":
				return fmt.Sprintf("container %q listens on port %d, below 1024, which a non-root process cannot bind: have it listen on 1024 or above (the Service can still expose %d), then set runAsNonRoot", name, port, port)
			case r.has == "add" && fmt.Sprint(r.Add) == "ALL" && last == "drop" && !addsCapability(c, "NET_BIND_SERVICE"):
				return fmt.Sprintf("container %q listens on port %d, below 1024: dropping ALL capabilities takes NET_BIND_SERVICE, which binding it needs; drop ALL and add NET_BIND_SERVICE to capabilities.add, or listen on 1024 or above", name, port)
			}
		}
	}
	if last == "automountServiceAccountToken" {
		ns := o.Namespace()
		if ns == "" {
			ns = "default"
		}
		account := "default"
		switch {
		case o.Kind() == "ServiceAccount" && o.Group() == "":
			account = o.Name()
		case pod != nil:
			if sa, _ := pod["serviceAccountName"].(string); sa != "" {
				account = sa
			} else if sa, _ := pod["serviceAccount"].(string); sa != "" {
				account = sa
			}
		}
		if by := b.boundBy(ns, account); by != "" {
			return fmt.Sprintf("ServiceAccount %s/%s is bound to a role (%s), so the workload calls the API with its token: keep the token, or remove the binding if it is not needed", ns, account, by)
		}
	}
	return ""
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func labelsOf(v map[string]any) map[string]string {
	meta, _ := v["metadata"].(map[string]any)
	raw, _ := meta["labels"].(map[string]any)
	out := make(map[string]string, len(raw))
	for k, l := range raw {
		if s, ok := l.(string); ok {
			out[k] = s
		}
	}
	return out
}

// podSpecOf returns the pod spec of a Pod or workload (nil for other kinds).
func podSpecOf(o *input.Object) map[string]any {
	spec, _ := o.Value["spec"].(map[string]any)
	switch o.Kind() {
	case "Pod":
		return spec
	case "CronJob":
		job, _ := spec["jobTemplate"].(map[string]any)
		spec, _ = job["spec"].(map[string]any)
	}
	tmpl, _ := spec["template"].(map[string]any)
	pod, _ := tmpl["spec"].(map[string]any)
	return pod
}

func isWindows(pod map[string]any) bool {
	osSpec, _ := pod["os"].(map[string]any)
	if name, _ := osSpec["name"].(string); name == "windows" {
		return true // the API knows "linux" and "windows", in lower case
	}
	selector, _ := pod["nodeSelector"].(map[string]any)
	os, _ := selector["kubernetes.io/os"].(string)
	return os == "windows"
}

// fieldAfter renders the path after key ("capabilities.drop").
func fieldAfter(path []any, key string) string {
	i := slices.Index(path, any(key))
	var parts []string
	for _, seg := range path[i+1:] {
		parts = append(parts, fmt.Sprint(seg))
	}
	return strings.Join(parts, ".")
}

// containerAt returns the container a path leads into, and its name.
func containerAt(v map[string]any, path []any) (map[string]any, string) {
	for i, seg := range path {
		if s, _ := seg.(string); (s == "containers" || s == "initContainers" || s == "ephemeralContainers") && i+1 < len(path) {
			if c, ok := valueAt(v, path[:i+2]).(map[string]any); ok {
				name, _ := c["name"].(string)
				return c, name
			}
		}
	}
	return nil, ""
}

// privilegedPort returns the first containerPort below 1024 a container
// declares (0 when none).
func privilegedPort(c map[string]any) int {
	ports, _ := c["ports"].([]any)
	for _, p := range ports {
		port, _ := p.(map[string]any)
		n, err := strconv.Atoi(fmt.Sprint(port["containerPort"]))
		if err == nil && n > 0 && n < 1024 {
			return n
		}
	}
	return 0
}

func addsCapability(c map[string]any, capability string) bool {
	sc, _ := c["securityContext"].(map[string]any)
	caps, _ := sc["capabilities"].(map[string]any)
	add, _ := caps["add"].([]any)
	return slices.ContainsFunc(add, func(v any) bool {
		s, _ := v.(string)
		return strings.EqualFold(strings.TrimPrefix(strings.ToUpper(s), "CAP_"), capability)
	})
}
