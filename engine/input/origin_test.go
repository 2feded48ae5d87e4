package input

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLocateRenderedObjects holds the lines of rendered objects to their
// sources: a field as the base wrote it, a field a patch set (matched by
// container name, though the patch lists it first), a field nobody wrote,
// and a chart template's key.
func TestLocateRenderedObjects(t *testing.T) {
	base := []byte(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: sidecar
          image: proxy:1
        - name: app
          image: app:1
`)
	patch := decodeFile("overlay/patch.yaml", []byte(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: app
          securityContext:
            privileged: true
`), Limits{}.WithDefaults())
	rendered := decodeFile("base/web.yaml", []byte(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: prod-web
  namespace: prod
spec:
  template:
    spec:
      containers:
      - image: proxy:1
        name: sidecar
      - image: app:1
        name: app
        securityContext:
          privileged: true
`), Limits{}.WithDefaults())
	require.Len(t, rendered.Objects, 1)
	obj := rendered.Objects[0]
	attachOrigins(rendered.Objects, base, false, []*File{patch}, nil, nil, Limits{}.WithDefaults())

	assert.Equal(t, Location{Line: 1}, obj.Locate(nil), "the object starts where the base's document does")
	assert.Equal(t, Location{Line: 12}, obj.Locate([]any{"spec", "template", "spec", "containers", 1, "image"}), "the base's image line")
	assert.Equal(t, Location{File: "overlay/patch.yaml", Line: 11}, obj.Locate([]any{"spec", "template", "spec", "containers", 1, "securityContext", "privileged"}), "the patch's line, matched by container name")
	assert.Equal(t, Location{Line: 11}, obj.Locate([]any{"spec", "template", "spec", "containers", 1, "resources"}), "absent everywhere: the nearest field of the base")
	assert.Equal(t, Location{Line: 5, Rendered: true}, obj.Locate([]any{"metadata", "namespace"}), "set by the kustomization itself: the rendered line, said as such")

	chart := decodeFile("chart/templates/ds.yaml", []byte("apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: x\nspec:\n  template:\n    spec:\n      hostNetwork: true\n      hostIPC: true\n"), Limits{}.WithDefaults())
	template := []byte("apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: {{ .Release.Name }}\n  labels:\n    {{- include \"labels\" . | nindent 4 }}\nspec:\n  template:\n    spec:\n      # hostNetwork: false by default\n      hostNetwork: {{ .Values.hostNetwork }}\n")
	attachOrigins(chart.Objects, template, true, nil, []valuesFile{{name: "chart/values.yaml", lines: []string{"hostNetwork: false", "pod:", "  hostIPC: true"}}}, nil, Limits{}.WithDefaults())
	ds := chart.Objects[0]
	assert.Equal(t, Location{Line: 11}, ds.Locate([]any{"spec", "template", "spec", "hostNetwork"}), "the one template line with the key, comments aside")
	assert.Equal(t, Location{Line: 7, Rendered: true}, ds.Locate([]any{"spec", "template", "spec", "hostPID"}), "spec: is on two template lines: no guess")
	assert.Equal(t, Location{File: "chart/values.yaml", Line: 3}, ds.Locate([]any{"spec", "template", "spec", "hostIPC"}), "copied from the values by toYaml: the values line that sets it")
}

func TestLocateAmbiguousKeyByItsBlock(t *testing.T) {
	rendered := decodeFile("chart/templates/deploy.yaml", []byte("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n  containers:\n  - name: a\n    securityContext:\n      appArmorProfile:\n        type: Unconfined\n"), Limits{}.WithDefaults())
	template := []byte("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n  containers:\n  - name: a\n    securityContext:\n    {{- if .Values.apparmor }}\n      appArmorProfile:\n        type: {{ .Values.apparmor }}\n    {{- end }}\n")
	attachOrigins(rendered.Objects, template, true, nil, nil, nil, Limits{}.WithDefaults())
	pod := rendered.Objects[0]
	assert.Equal(t, Location{Line: 13}, pod.Locate([]any{"spec", "containers", 0, "securityContext", "appArmorProfile", "type"}), "type: is on two lines; appArmorProfile: on one")
	assert.Equal(t, Location{Line: 11, Rendered: true}, pod.Locate([]any{"spec", "containers", 0, "securityContext", "runAsUser"}), "an absent field gets no guess")
}
