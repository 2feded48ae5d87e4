// Package corpus generates a realistic manifest corpus for benchmarks: a
// monorepo-like tree of YAML files holding Pods and every pod-bearing
// workload kind, about a third of them hardened and the rest with a few
// Pod Security violations each, plus Services and ConfigMaps.
package corpus

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// Options sizes a corpus.
type Options struct {
	// Objects is the number of objects to write.
	Objects int
	// PerFile is the largest number of documents per file (1 when zero);
	// files hold between 1 and PerFile documents.
	PerFile int
	// Seed makes the corpus reproducible.
	Seed uint64
	// PodsOnly writes only Pods (the "10,000 generated Pods").
	PodsOnly bool
}

// Write generates the corpus under dir and returns the files it wrote.
func Write(dir string, opts Options) ([]string, error) {
	r := rand.New(rand.NewPCG(opts.Seed, opts.Seed+1))
	perFile := max(opts.PerFile, 1)
	var files []string
	for written, fileNo := 0, 0; written < opts.Objects; fileNo++ {
		n := min(1+r.IntN(perFile), opts.Objects-written)
		var b strings.Builder
		for i := range n {
			if i > 0 {
				b.WriteString("---\n")
			}
			writeObject(&b, r, written+i, opts.PodsOnly)
		}
		team := fmt.Sprintf("team-%02d", fileNo%25)
		path := filepath.Join(dir, team, fmt.Sprintf("app-%05d.yaml", fileNo))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			return nil, err
		}
		files = append(files, path)
		written += n
	}
	return files, nil
}

func writeObject(b *strings.Builder, r *rand.Rand, n int, podsOnly bool) {
	name := fmt.Sprintf("svc-%05d", n)
	ns := fmt.Sprintf("team-%02d", n%25)
	kind := "Pod"
	if !podsOnly {
		kind = []string{"Pod", "Deployment", "Deployment", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Service", "ConfigMap"}[r.IntN(10)]
	}
	switch kind {
	case "Service":
		fmt.Fprintf(b, "apiVersion: v1\nkind: Service\nmetadata:\n  name: %s\n  namespace: %s\nspec:\n  selector: {app: %s}\n  ports:\n    - port: 80\n      targetPort: 8080\n", name, ns, name)
		return
	case "ConfigMap":
		fmt.Fprintf(b, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n  namespace: %s\ndata:\n  LOG_LEVEL: info\n  FEATURE_FLAGS: \"a,b,c\"\n", name, ns)
		return
	}
	spec := podSpec(r, name)
	switch kind {
	case "Pod":
		fmt.Fprintf(b, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: %s\n  namespace: %s\n  labels: {app: %s}\nspec:\n%s", name, ns, name, indent(spec, 2))
	case "Job":
		fmt.Fprintf(b, "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: %s\n  namespace: %s\nspec:\n  template:\n    metadata:\n      labels: {app: %s}\n    spec:\n%s", name, ns, name, indent(spec, 6))
	case "CronJob":
		fmt.Fprintf(b, "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: %s\n  namespace: %s\nspec:\n  schedule: \"*/15 * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        metadata:\n          labels: {app: %s}\n        spec:\n%s", name, ns, name, indent(spec, 10))
	default:
		fmt.Fprintf(b, "apiVersion: apps/v1\nkind: %s\nmetadata:\n  name: %s\n  namespace: %s\n  labels: {app: %s}\nspec:\n  selector:\n    matchLabels: {app: %s}\n  template:\n    metadata:\n      labels: {app: %s}\n    spec:\n%s", kind, name, ns, name, name, name, indent(spec, 6))
	}
}

// podSpec writes a pod spec: hardened, or with one to three weaknesses.
func podSpec(r *rand.Rand, name string) string {
	hardened := r.IntN(3) == 0
	var b strings.Builder
	if hardened || r.IntN(2) == 0 {
		b.WriteString("securityContext:\n  runAsNonRoot: true\n  seccompProfile: {type: RuntimeDefault}\n")
	}
	if !hardened && r.IntN(8) == 0 {
		b.WriteString("hostNetwork: true\n")
	}
	b.WriteString("containers:\n")
	containers := 1 + r.IntN(2)
	for i := range containers {
		fmt.Fprintf(&b, "  - name: %s-%d\n    image: contoso.azurecr.io/%s:1.%d.%d\n", name, i, name, r.IntN(9), r.IntN(20))
		b.WriteString("    ports:\n      - containerPort: 8080\n")
		if !hardened && r.IntN(10) == 0 {
			b.WriteString("        hostPort: 8080\n")
		}
		b.WriteString("    resources:\n      requests: {cpu: 100m, memory: 128Mi}\n      limits: {cpu: 500m, memory: 256Mi}\n")
		b.WriteString("    readinessProbe:\n      httpGet: {path: /healthz, port: 8080}\n")
		switch {
		case hardened:
			b.WriteString("    securityContext:\n      allowPrivilegeEscalation: false\n      readOnlyRootFilesystem: true\n      capabilities: {drop: [ALL]}\n")
		case r.IntN(6) == 0:
			b.WriteString("    securityContext:\n      privileged: true\n")
		case r.IntN(4) == 0:
			b.WriteString("    securityContext:\n      capabilities: {add: [NET_ADMIN]}\n")
		}
	}
	if !hardened && r.IntN(7) == 0 {
		b.WriteString("volumes:\n  - name: host\n    hostPath: {path: /var/log}\n")
	} else {
		b.WriteString("volumes:\n  - name: tmp\n    emptyDir: {}\n")
	}
	return b.String()
}

func indent(s string, n int) string {
	pad := strings.Repeat(" ", n)
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = pad + l
	}
	return strings.Join(lines, "\n") + "\n"
}
