package fix

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/shipshape-dev/shipshape/engine/eval"
	"github.com/shipshape-dev/shipshape/engine/input"
	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/library"
)

// fixer runs fix with the built-in library's fixes on one file.
type fixer struct {
	lib      *policy.Library
	rules    Library
	bindings []eval.Binding
}

func newFixer(t *testing.T, ids ...string) *fixer {
	t.Helper()
	lib, err := library.Load(context.Background())
	require.NoError(t, err)
	rules, err := LoadLibrary(lib)
	require.NoError(t, err)
	f := &fixer{lib: lib, rules: rules}
	for _, id := range ids {
		c, ok := lib.Control(id)
		require.True(t, ok, id)
		f.bindings = append(f.bindings, eval.Binding{Control: c, Parameters: c.Defaults()})
	}
	return f
}

func (f *fixer) run(t *testing.T, name, text string) (*Plan, string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(file, []byte(text), 0o644))
	in := input.ReadFile(context.Background(), file, input.Options{})
	require.Empty(t, in.Errors)
	plan, err := Fix(context.Background(), f.lib, f.bindings, []*input.File{in}, f.rules, Options{})
	require.NoError(t, err)
	if len(plan.Results) == 0 {
		return plan, text
	}
	require.Len(t, plan.Results, 1)
	return plan, string(plan.Results[0].After)
}

func TestFixKeepsEverythingButTheChangedLines(t *testing.T) {
	f := newFixer(t, "SS-PSS-102", "SS-PSS-105", "SS-PSS-106", "SS-PSS-002", "SS-IMG-003")
	tests := []struct {
		name, file, in, want string
	}{
		{
			name: "comments, quoting, blank lines and key order stay; a value changes in place",
			file: "web.yaml",
			in: `# web tier
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web   # the storefront
spec:
  template:
    spec:

      hostNetwork: yes   # needed? (ticket 42)
      containers:
        - name: 'web'
          image: "contoso.azurecr.io/web:1.2.3"
          imagePullPolicy: 'IfNotPresent' # pinned below
          securityContext:
            # hardened
            allowPrivilegeEscalation: yes
            seccompProfile: {type: Unconfined}
            capabilities:
              drop:
                - NET_RAW   # keep this comment
`,
			want: `# web tier
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web   # the storefront
spec:
  template:
    spec:

      hostNetwork: false   # needed? (ticket 42)
      containers:
        - name: 'web'
          image: "contoso.azurecr.io/web:1.2.3"
          imagePullPolicy: 'Always' # pinned below
          securityContext:
            # hardened
            allowPrivilegeEscalation: false
            seccompProfile: {type: RuntimeDefault}
            capabilities:
              drop:
                - NET_RAW   # keep this comment
                - ALL
`,
		},
		{
			name: "missing fields are added under their parent, at the file's indentation",
			file: "job.yaml",
			in: `apiVersion: batch/v1
kind: Job
metadata:
    name: migrate
spec:
    template:
        spec:
            restartPolicy: Never
            containers:
            -   name: migrate
                image: contoso.azurecr.io/migrate:3
                imagePullPolicy: Always
`,
			want: `apiVersion: batch/v1
kind: Job
metadata:
    name: migrate
spec:
    template:
        spec:
            restartPolicy: Never
            containers:
            -   name: migrate
                image: contoso.azurecr.io/migrate:3
                imagePullPolicy: Always
                securityContext:
                    allowPrivilegeEscalation: false
                    seccompProfile:
                        type: RuntimeDefault
                    capabilities:
                        drop: [ALL]
`,
		},
		{
			name: "flow mappings gain entries inside their braces",
			file: "pod.yaml",
			in: `apiVersion: v1
kind: Pod
metadata: {name: tiny}
spec:
  containers: [{name: app, image: "contoso.azurecr.io/app:1", imagePullPolicy: Always, securityContext: {runAsUser: 1000}}]
`,
			want: `apiVersion: v1
kind: Pod
metadata: {name: tiny}
spec:
  containers: [{name: app, image: "contoso.azurecr.io/app:1", imagePullPolicy: Always, securityContext: {runAsUser: 1000, allowPrivilegeEscalation: false, seccompProfile: {type: RuntimeDefault}, capabilities: {drop: [ALL]}}}]
`,
		},
		{
			name: "CRLF files get CRLF lines, and every document of a stream is fixed",
			file: "two.yaml",
			in:   "apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: a\r\nspec:\r\n  hostPID: true\r\n  containers:\r\n    - name: a\r\n      image: contoso.azurecr.io/a:1\r\n      imagePullPolicy: Always\r\n      securityContext:\r\n        allowPrivilegeEscalation: false\r\n        seccompProfile:\r\n          type: RuntimeDefault\r\n        capabilities:\r\n          drop: [ALL]\r\n---\r\n# second\r\napiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: b\r\nspec:\r\n  hostIPC: true\r\n  containers:\r\n    - name: b\r\n      image: contoso.azurecr.io/b:1\r\n      imagePullPolicy: Always\r\n      securityContext:\r\n        allowPrivilegeEscalation: false\r\n        seccompProfile:\r\n          type: RuntimeDefault\r\n        capabilities:\r\n          drop: [ALL]\r\n",
			want: "apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: a\r\nspec:\r\n  hostPID: false\r\n  containers:\r\n    - name: a\r\n      image: contoso.azurecr.io/a:1\r\n      imagePullPolicy: Always\r\n      securityContext:\r\n        allowPrivilegeEscalation: false\r\n        seccompProfile:\r\n          type: RuntimeDefault\r\n        capabilities:\r\n          drop: [ALL]\r\n---\r\n# second\r\napiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: b\r\nspec:\r\n  hostIPC: false\r\n  containers:\r\n    - name: b\r\n      image: contoso.azurecr.io/b:1\r\n      imagePullPolicy: Always\r\n      securityContext:\r\n        allowPrivilegeEscalation: false\r\n        seccompProfile:\r\n          type: RuntimeDefault\r\n        capabilities:\r\n          drop: [ALL]\r\n",
		},
		{
			name: "kubectl's indentless lists, an empty key and a last line without a newline",
			file: "ds.yaml",
			in: `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  template:
    spec:
      containers:
      - name: agent
        image: contoso.azurecr.io/agent:2
        imagePullPolicy: Always
        securityContext:
          allowPrivilegeEscalation: false
          seccompProfile:
            type: RuntimeDefault
          capabilities:
            drop:
            - NET_RAW`,
			want: `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  template:
    spec:
      containers:
      - name: agent
        image: contoso.azurecr.io/agent:2
        imagePullPolicy: Always
        securityContext:
          allowPrivilegeEscalation: false
          seccompProfile:
            type: RuntimeDefault
          capabilities:
            drop:
            - NET_RAW
            - ALL`,
		},
		{
			name: "a List's items are fixed where they are",
			file: "list.yaml",
			in: `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata: {name: a}
    spec:
      hostNetwork: true
      containers:
        - name: a
          image: contoso.azurecr.io/a:1
          imagePullPolicy: Always
          securityContext: {allowPrivilegeEscalation: false, seccompProfile: {type: RuntimeDefault}, capabilities: {drop: [ALL]}}
`,
			want: `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata: {name: a}
    spec:
      hostNetwork: false
      containers:
        - name: a
          image: contoso.azurecr.io/a:1
          imagePullPolicy: Always
          securityContext: {allowPrivilegeEscalation: false, seccompProfile: {type: RuntimeDefault}, capabilities: {drop: [ALL]}}
`,
		},
		{
			name: "a null value is replaced by the fields it lacks",
			file: "null.yaml",
			in: `apiVersion: v1
kind: Pod
metadata:
  name: n
spec:
  containers:
    - name: n
      image: contoso.azurecr.io/n:1
      imagePullPolicy: Always
      securityContext: null # filled in later
`,
			want: `apiVersion: v1
kind: Pod
metadata:
  name: n
spec:
  containers:
    - name: n
      image: contoso.azurecr.io/n:1
      imagePullPolicy: Always
      securityContext: # filled in later
        allowPrivilegeEscalation: false
        seccompProfile:
          type: RuntimeDefault
        capabilities:
          drop: [ALL]
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, got := f.run(t, tt.file, tt.in)
			assert.Equal(t, tt.want, got)
			assert.Empty(t, plan.Unfixed)
		})
	}
}

func TestFixThroughAnAnchorSaysSo(t *testing.T) {
	f := newFixer(t, "SS-PSS-102")
	in := `apiVersion: v1
kind: Pod
metadata: {name: shared}
spec:
  initContainers:
    - name: init
      image: contoso.azurecr.io/init:1
      securityContext: &hardened
        runAsNonRoot: true
  containers:
    - name: app
      image: contoso.azurecr.io/app:1
      securityContext: *hardened
`
	plan, got := f.run(t, "anchor.yaml", in)
	assert.Equal(t, strings.Replace(in, "        runAsNonRoot: true\n", "        runAsNonRoot: true\n        allowPrivilegeEscalation: false\n", 1), got,
		"the anchor is edited once; the alias stays an alias")
	require.Len(t, plan.Results, 1)
	notes := 0
	for _, c := range plan.Results[0].Changes {
		if strings.Contains(c.Note, "&hardened") {
			notes++
		}
	}
	assert.Equal(t, 1, notes, "the change through the alias names the anchor")
}

func TestFixRefusesWhatItCannotEditSafely(t *testing.T) {
	f := newFixer(t, "SS-PSS-003")
	plan, got := f.run(t, "pod.json", `{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "j"}, "spec": {"containers": [{"name": "j", "image": "x", "securityContext": {"privileged": true}}]}}`)
	assert.Empty(t, plan.Results)
	require.Len(t, plan.Unfixed, 1)
	assert.Contains(t, plan.Unfixed[0].Reason, "the file is JSON")
	assert.Contains(t, got, `"privileged": true`)

	pull := newFixer(t, "SS-IMG-003")
	block := "apiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec:\n  containers:\n    - name: b\n      image: contoso.azurecr.io/b:1\n      imagePullPolicy: >-\n        IfNotPresent\n"
	plan, got = pull.run(t, "block.yaml", block)
	assert.Equal(t, block, got, "a block scalar is not rewritten")
	require.Len(t, plan.Unfixed, 1)
	assert.Contains(t, plan.Unfixed[0].Reason, "block scalar")
	assert.Equal(t, 8, plan.Unfixed[0].Line)
}

func TestRulesAreChecked(t *testing.T) {
	tests := map[string]string{
		"- field: a\n  sett: true\n":          `"sett" is not a fix.yaml key`,
		"- field: a\n":                        "needs set or add",
		"- field: a\n  set: true\n  add: x\n": "not both",
		"- set: true\n":                       "needs field",
		"- field: a\n  set: {b: c}\n":         "set takes a scalar",
		"field: a\n":                          "a list of rules",
	}
	for text, want := range tests {
		_, err := parseRules(text)
		require.Error(t, err, text)
		assert.Contains(t, err.Error(), want, text)
	}
}

// TestFixNeverBreaksAWorkload holds each way fix once damaged a workload:
// the fix is not made (or made without the damage), and what is left is
// said, with why.
func TestFixNeverBreaksAWorkload(t *testing.T) {
	f := newFixer(t, "SS-PSS-002", "SS-PSS-102", "SS-PSS-103", "SS-PSS-105", "SS-PSS-106", "SS-POD-002", "SS-POD-004", "SS-POD-015", "SS-IAM-011", "SS-IMG-003")
	decode := func(t *testing.T, text string) []map[string]any {
		dec := yaml.NewDecoder(strings.NewReader(text))
		var out []map[string]any
		for {
			var v map[string]any
			if err := dec.Decode(&v); err != nil {
				break
			}
			out = append(out, v)
		}
		return out
	}
	at := func(v any, path ...any) any {
		for _, seg := range path {
			switch k := seg.(type) {
			case string:
				m, _ := v.(map[string]any)
				v = m[k]
			case int:
				l, _ := v.([]any)
				if k >= len(l) {
					return nil
				}
				v = l[k]
			}
		}
		return v
	}
	reasons := func(p *Plan) string {
		var b strings.Builder
		for _, u := range p.Unfixed {
			b.WriteString(u.Reason + "\n")
		}
		return b.String()
	}

	t.Run("a value inherited through a merge key is kept", func(t *testing.T) {
		in := "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: legacy, namespace: shop}\nspec:\n  selector: {matchLabels: {app: legacy}}\n  template:\n    metadata: {labels: {app: legacy}}\n    spec:\n      initContainers:\n        - name: migrate\n          image: contoso.azurecr.io/legacy:1\n          securityContext: &loose\n            capabilities:\n              add: [NET_ADMIN, sys_time]\n      containers:\n        - name: api\n          image: contoso.azurecr.io/legacy:1\n          securityContext:\n            <<: *loose\n            allowPrivilegeEscalation: true\n"
		plan, got := f.run(t, "merge.yaml", in)
		api := at(decode(t, got)[0], "spec", "template", "spec", "containers", 0, "securityContext")
		assert.Equal(t, []any{"NET_ADMIN", "sys_time"}, at(api, "capabilities", "add"), "the inherited capabilities.add:\n%s", got)
		assert.Equal(t, false, at(api, "allowPrivilegeEscalation"))
		assert.Contains(t, reasons(plan), "inherited through a merge key")
	})

	t.Run("an anchor shared with another kind of field is not edited", func(t *testing.T) {
		in := "apiVersion: v1\nkind: Pod\nmetadata: {name: shared, namespace: shop}\nspec:\n  containers:\n    - name: app\n      image: contoso.azurecr.io/app:1\n      imagePullPolicy: Always\n      securityContext: &empty {}\n  volumes:\n    - name: tmp\n      emptyDir: *empty\n"
		plan, got := f.run(t, "anchor.yaml", in)
		assert.Equal(t, map[string]any{}, at(decode(t, got)[0], "spec", "volumes", 0, "emptyDir"), "the volume stays an empty emptyDir:\n%s", got)
		assert.Contains(t, reasons(plan), "an anchor shared by spec.containers[0].securityContext and spec.volumes[0].emptyDir")
	})

	t.Run("a Windows pod gets no field its OS forbids", func(t *testing.T) {
		in := "apiVersion: v1\nkind: Pod\nmetadata: {name: iis, namespace: web}\nspec:\n  os: {name: windows}\n  containers:\n    - name: iis\n      image: mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022\n      imagePullPolicy: Always\n"
		plan, got := f.run(t, "windows.yaml", in)
		assert.NotContains(t, got, "capabilities")
		assert.NotContains(t, got, "readOnlyRootFilesystem")
		assert.NotContains(t, got, "seccompProfile")
		assert.Contains(t, got, "runAsNonRoot: true", "the one securityContext field Windows takes")
		assert.Contains(t, reasons(plan), "is a Windows pod")
	})

	t.Run("a container on a port below 1024 keeps what binding it needs", func(t *testing.T) {
		in := "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: web}\nspec:\n  containers:\n    - name: nginx\n      image: contoso.azurecr.io/nginx:1.27\n      imagePullPolicy: Always\n      ports:\n        - containerPort: 80\n"
		plan, got := f.run(t, "port.yaml", in)
		assert.NotContains(t, got, "runAsNonRoot")
		assert.NotContains(t, got, "drop: [ALL]")
		assert.Contains(t, got, "allowPrivilegeEscalation: false", "the fixes that cost nothing are made")
		assert.Contains(t, reasons(plan), "listens on port 80, below 1024")
		assert.Contains(t, reasons(plan), "add NET_BIND_SERVICE to capabilities.add")
	})

	t.Run("a control-plane static pod is left to its installer", func(t *testing.T) {
		in := "apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n    component: kube-apiserver\n    tier: control-plane\n  name: kube-apiserver\n  namespace: kube-system\nspec:\n  containers:\n  - command:\n    - kube-apiserver\n    - --advertise-address=192.168.0.10\n    image: registry.k8s.io/kube-apiserver:v1.31.2\n    imagePullPolicy: IfNotPresent\n    name: kube-apiserver\n  hostNetwork: true\n  priorityClassName: system-node-critical\n"
		plan, got := f.run(t, "kube-apiserver.yaml", in)
		assert.Equal(t, in, got)
		assert.Contains(t, reasons(plan), "is a control-plane component (component: kube-apiserver)")
	})

	t.Run("a ServiceAccount the scan binds to a role keeps its token", func(t *testing.T) {
		in := "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: reader, namespace: monitoring}\nspec:\n  selector: {matchLabels: {app: reader}}\n  template:\n    metadata: {labels: {app: reader}}\n    spec:\n      serviceAccountName: metrics-reader\n      containers:\n        - name: reader\n          image: contoso.azurecr.io/reader:1\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: metrics-reader}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\nsubjects:\n  - {kind: ServiceAccount, name: metrics-reader, namespace: monitoring}\n"
		plan, got := f.run(t, "bound.yaml", in)
		assert.NotContains(t, got, "automountServiceAccountToken")
		assert.Contains(t, reasons(plan), "ServiceAccount monitoring/metrics-reader is bound to a role (ClusterRoleBinding metrics-reader)")
	})

	t.Run("kubectl's indentless lists end a container", func(t *testing.T) {
		in := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: details\n  namespace: bookinfo\nspec:\n  containers:\n  - name: details\n    image: docker.io/istio/examples-bookinfo-details-v1:1.20.2\n    imagePullPolicy: IfNotPresent\n    ports:\n    - containerPort: 9080\n"
		plan, got := f.run(t, "details.yaml", in)
		assert.Empty(t, plan.Unfixed)
		pod := decode(t, got)[0]
		assert.Equal(t, []any{map[string]any{"containerPort": 9080}}, at(pod, "spec", "containers", 0, "ports"))
		assert.Equal(t, true, at(pod, "spec", "containers", 0, "securityContext", "runAsNonRoot"), got)
	})
}
