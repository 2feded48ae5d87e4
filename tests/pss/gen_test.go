package pss

import (
	"fmt"
	"math/rand/v2"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// gen builds pods on the Pod Security Standards boundary: a pod that meets
// Restricted, with a few fields changed to values each check reads,
// including the values where upstream's exact semantics matter (null versus
// empty, lowercase names, Windows and user-namespace exemptions, volumes
// with two sources).
type gen struct {
	r *rand.Rand
}

func newGen(seed uint64) *gen { return &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))} }

func ptr[T any](v T) *T { return &v }

func (g *gen) pick(n int) int { return g.r.IntN(n) }

func pickOf[T any](g *gen, xs ...T) T { return xs[g.pick(len(xs))] }

// compliantContainer meets Restricted.
func compliantContainer(name string) corev1.Container {
	return corev1.Container{
		Name:  name,
		Image: "registry.example/app:1.0",
		SecurityContext: &corev1.SecurityContext{
			AllowPrivilegeEscalation: ptr(false),
			Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		},
	}
}

// pod returns a boundary pod: compliant, then 1-3 mutations.
func (g *gen) pod() *corev1.Pod {
	p := &corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{Name: "boundary"},
		Spec: corev1.PodSpec{
			SecurityContext: &corev1.PodSecurityContext{
				RunAsNonRoot:   ptr(true),
				SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
			},
			Containers: []corev1.Container{compliantContainer("app")},
		},
	}
	if g.pick(3) == 0 {
		p.Spec.InitContainers = []corev1.Container{compliantContainer("init")}
	}
	if g.pick(4) == 0 {
		p.Spec.EphemeralContainers = []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon(compliantContainer("debug"))}}
	}
	if g.pick(3) == 0 {
		p.Spec.Containers = append(p.Spec.Containers, compliantContainer("sidecar"))
	}
	mutations := g.mutations()
	for range 1 + g.pick(3) {
		pickOf(g, mutations...)(p)
	}
	return p
}

// container returns a random container of any list, for mutation.
func (g *gen) container(p *corev1.Pod) *corev1.Container {
	var all []*corev1.Container
	for i := range p.Spec.InitContainers {
		all = append(all, &p.Spec.InitContainers[i])
	}
	for i := range p.Spec.Containers {
		all = append(all, &p.Spec.Containers[i])
	}
	for i := range p.Spec.EphemeralContainers {
		all = append(all, (*corev1.Container)(&p.Spec.EphemeralContainers[i].EphemeralContainerCommon))
	}
	return all[g.pick(len(all))]
}

func containerSC(c *corev1.Container) *corev1.SecurityContext {
	if c.SecurityContext == nil {
		c.SecurityContext = &corev1.SecurityContext{}
	}
	return c.SecurityContext
}

func podSC(p *corev1.Pod) *corev1.PodSecurityContext {
	if p.Spec.SecurityContext == nil {
		p.Spec.SecurityContext = &corev1.PodSecurityContext{}
	}
	return p.Spec.SecurityContext
}

func (g *gen) optBool() *bool { return pickOf(g, nil, ptr(true), ptr(false)) }

func (g *gen) seccomp() *corev1.SeccompProfile {
	return pickOf(g, nil,
		&corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		&corev1.SeccompProfile{Type: corev1.SeccompProfileTypeLocalhost, LocalhostProfile: ptr("p.json")},
		&corev1.SeccompProfile{Type: corev1.SeccompProfileTypeUnconfined},
		&corev1.SeccompProfile{Type: ""},
		&corev1.SeccompProfile{Type: "runtimedefault"})
}

func (g *gen) appArmor() *corev1.AppArmorProfile {
	return pickOf(g, nil,
		&corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeRuntimeDefault},
		&corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeLocalhost, LocalhostProfile: ptr("p")},
		&corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeUnconfined},
		&corev1.AppArmorProfile{Type: ""})
}

func (g *gen) seLinux() *corev1.SELinuxOptions {
	return pickOf(g, nil,
		&corev1.SELinuxOptions{},
		&corev1.SELinuxOptions{Type: pickOf(g, "container_t", "container_init_t", "container_kvm_t", "container_engine_t", "spc_t", "Container_T", "")},
		&corev1.SELinuxOptions{User: pickOf(g, "", "system_u")},
		&corev1.SELinuxOptions{Role: pickOf(g, "", "system_r")},
		&corev1.SELinuxOptions{Level: "s0:c1,c2"})
}

func (g *gen) capabilities() []corev1.Capability {
	names := []corev1.Capability{"NET_BIND_SERVICE", "CHOWN", "SYS_ADMIN", "NET_RAW", "ALL", "all",
		"net_bind_service", "CAP_NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE", "BPF"}
	if g.pick(5) == 0 {
		return nil
	}
	out := make([]corev1.Capability, 1+g.pick(2))
	for i := range out {
		out[i] = pickOf(g, names...)
	}
	return out
}

func (g *gen) handlerHost() string { return pickOf(g, "", "", "10.0.0.1", "localhost") }

func (g *gen) volume(i int) corev1.Volume {
	v := corev1.Volume{Name: fmt.Sprintf("v%d", i)}
	sources := []func(){
		func() { v.EmptyDir = &corev1.EmptyDirVolumeSource{} },
		func() {
			v.ConfigMap = &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "c"}}
		},
		func() { v.Secret = &corev1.SecretVolumeSource{SecretName: "s"} },
		func() { v.Projected = &corev1.ProjectedVolumeSource{} },
		func() { v.DownwardAPI = &corev1.DownwardAPIVolumeSource{} },
		func() { v.CSI = &corev1.CSIVolumeSource{Driver: "d"} },
		func() { v.PersistentVolumeClaim = &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "c"} },
		func() { v.Ephemeral = &corev1.EphemeralVolumeSource{} },
		func() { v.Image = &corev1.ImageVolumeSource{Reference: "r"} },
		func() { v.HostPath = &corev1.HostPathVolumeSource{Path: "/"} },
		func() { v.NFS = &corev1.NFSVolumeSource{Server: "s", Path: "/"} },
		func() { v.AzureDisk = &corev1.AzureDiskVolumeSource{DiskName: "d", DataDiskURI: "u"} },
		func() { v.GitRepo = &corev1.GitRepoVolumeSource{Repository: "r"} },
		func() { v.ISCSI = &corev1.ISCSIVolumeSource{TargetPortal: "t", IQN: "i"} },
		func() {}, // no source at all
	}
	pickOf(g, sources...)()
	if g.pick(6) == 0 { // a second source: upstream's switch takes the first allowed one
		pickOf(g, sources...)()
	}
	return v
}

// mutations are single changes to a pod; each touches a field some check reads.
func (g *gen) mutations() []func(*corev1.Pod) {
	return []func(*corev1.Pod){
		func(p *corev1.Pod) { p.Spec.HostNetwork = g.pick(2) == 0 },
		func(p *corev1.Pod) { p.Spec.HostPID = g.pick(2) == 0 },
		func(p *corev1.Pod) { p.Spec.HostIPC = g.pick(2) == 0 },
		func(p *corev1.Pod) { p.Spec.HostUsers = g.optBool() },
		func(p *corev1.Pod) {
			p.Spec.OS = pickOf(g, nil, &corev1.PodOS{Name: corev1.Windows}, &corev1.PodOS{Name: corev1.Linux}, &corev1.PodOS{Name: "Windows"})
		},
		func(p *corev1.Pod) { p.Spec.SecurityContext = nil },
		func(p *corev1.Pod) { podSC(p).RunAsNonRoot = g.optBool() },
		func(p *corev1.Pod) { podSC(p).RunAsUser = pickOf(g, nil, ptr(int64(0)), ptr(int64(1000))) },
		func(p *corev1.Pod) { podSC(p).SeccompProfile = g.seccomp() },
		func(p *corev1.Pod) { podSC(p).AppArmorProfile = g.appArmor() },
		func(p *corev1.Pod) { podSC(p).SELinuxOptions = g.seLinux() },
		func(p *corev1.Pod) {
			podSC(p).WindowsOptions = &corev1.WindowsSecurityContextOptions{HostProcess: g.optBool()}
		},
		func(p *corev1.Pod) {
			name := pickOf(g, "kernel.shm_rmid_forced", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_notsent_lowat",
				"net.ipv4.tcp_slow_start_after_idle", "kernel.msgmax", "net/ipv4/tcp_syncookies", "vm.swappiness", "")
			podSC(p).Sysctls = append(podSC(p).Sysctls, corev1.Sysctl{Name: name, Value: "1"})
		},
		func(p *corev1.Pod) {
			if p.Annotations == nil {
				p.Annotations = map[string]string{}
			}
			key := "container.apparmor.security.beta.kubernetes.io/" + pickOf(g, "app", "other")
			p.Annotations[key] = pickOf(g, "runtime/default", "localhost/p", "unconfined", "", "Runtime/Default")
		},
		func(p *corev1.Pod) {
			p.Spec.Volumes = append(p.Spec.Volumes, g.volume(len(p.Spec.Volumes)))
		},
		func(p *corev1.Pod) { g.container(p).SecurityContext = nil },
		func(p *corev1.Pod) { containerSC(g.container(p)).Privileged = g.optBool() },
		func(p *corev1.Pod) { containerSC(g.container(p)).AllowPrivilegeEscalation = g.optBool() },
		func(p *corev1.Pod) { containerSC(g.container(p)).RunAsNonRoot = g.optBool() },
		func(p *corev1.Pod) {
			containerSC(g.container(p)).RunAsUser = pickOf(g, nil, ptr(int64(0)), ptr(int64(1)))
		},
		func(p *corev1.Pod) {
			sc := containerSC(g.container(p))
			switch g.pick(4) {
			case 0:
				sc.Capabilities = nil
			case 1:
				sc.Capabilities = &corev1.Capabilities{}
			default:
				sc.Capabilities = &corev1.Capabilities{Add: g.capabilities(), Drop: g.capabilities()}
			}
		},
		func(p *corev1.Pod) {
			sc := containerSC(g.container(p))
			if sc.Capabilities == nil {
				sc.Capabilities = &corev1.Capabilities{}
			}
			sc.Capabilities.Add = g.capabilities()
		},
		func(p *corev1.Pod) {
			containerSC(g.container(p)).ProcMount = pickOf(g, nil, ptr(corev1.DefaultProcMount), ptr(corev1.UnmaskedProcMount), ptr(corev1.ProcMountType("")))
		},
		func(p *corev1.Pod) { containerSC(g.container(p)).SeccompProfile = g.seccomp() },
		func(p *corev1.Pod) { containerSC(g.container(p)).AppArmorProfile = g.appArmor() },
		func(p *corev1.Pod) { containerSC(g.container(p)).SELinuxOptions = g.seLinux() },
		func(p *corev1.Pod) {
			containerSC(g.container(p)).WindowsOptions = &corev1.WindowsSecurityContextOptions{HostProcess: g.optBool()}
		},
		func(p *corev1.Pod) {
			c := g.container(p)
			c.Ports = append(c.Ports, corev1.ContainerPort{ContainerPort: 80, HostPort: pickOf(g, int32(0), int32(80))})
		},
		func(p *corev1.Pod) {
			c := g.container(p)
			probe := &corev1.Probe{}
			if g.pick(2) == 0 {
				probe.HTTPGet = &corev1.HTTPGetAction{Host: g.handlerHost()}
			} else {
				probe.TCPSocket = &corev1.TCPSocketAction{Host: g.handlerHost()}
			}
			switch g.pick(3) {
			case 0:
				c.LivenessProbe = probe
			case 1:
				c.ReadinessProbe = probe
			default:
				c.StartupProbe = probe
			}
		},
		func(p *corev1.Pod) {
			c := g.container(p)
			h := &corev1.LifecycleHandler{}
			if g.pick(2) == 0 {
				h.HTTPGet = &corev1.HTTPGetAction{Host: g.handlerHost()}
			} else {
				h.TCPSocket = &corev1.TCPSocketAction{Host: g.handlerHost()}
			}
			c.Lifecycle = &corev1.Lifecycle{}
			if g.pick(2) == 0 {
				c.Lifecycle.PostStart = h
			} else {
				c.Lifecycle.PreStop = h
			}
		},
	}
}

// wrap puts the pod in a random pod-bearing kind.
func (g *gen) wrap(p *corev1.Pod) (kind string, obj any) {
	tmpl := corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Annotations: p.Annotations, Labels: map[string]string{"app": "x"}}, Spec: p.Spec}
	meta := metav1.ObjectMeta{Name: "boundary", Namespace: "team"}
	switch g.pick(9) {
	case 0:
		return "Deployment", &appsv1.Deployment{TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"}, ObjectMeta: meta, Spec: appsv1.DeploymentSpec{Template: tmpl}}
	case 1:
		return "StatefulSet", &appsv1.StatefulSet{TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "StatefulSet"}, ObjectMeta: meta, Spec: appsv1.StatefulSetSpec{Template: tmpl}}
	case 2:
		return "DaemonSet", &appsv1.DaemonSet{TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "DaemonSet"}, ObjectMeta: meta, Spec: appsv1.DaemonSetSpec{Template: tmpl}}
	case 3:
		return "ReplicaSet", &appsv1.ReplicaSet{TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "ReplicaSet"}, ObjectMeta: meta, Spec: appsv1.ReplicaSetSpec{Template: tmpl}}
	case 4:
		return "ReplicationController", &corev1.ReplicationController{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ReplicationController"}, ObjectMeta: meta, Spec: corev1.ReplicationControllerSpec{Template: &tmpl}}
	case 5:
		return "Job", &batchv1.Job{TypeMeta: metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"}, ObjectMeta: meta, Spec: batchv1.JobSpec{Template: tmpl}}
	case 6:
		return "CronJob", &batchv1.CronJob{TypeMeta: metav1.TypeMeta{APIVersion: "batch/v1", Kind: "CronJob"}, ObjectMeta: meta,
			Spec: batchv1.CronJobSpec{Schedule: "@daily", JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: tmpl}}}}
	case 7:
		return "PodTemplate", &corev1.PodTemplate{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "PodTemplate"}, ObjectMeta: meta, Template: tmpl}
	}
	return "Pod", p
}
