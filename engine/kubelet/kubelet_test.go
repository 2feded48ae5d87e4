package kubelet

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIsKubeletFlags(t *testing.T) {
	for name, want := range map[string]bool{
		"/etc/systemd/system/kubelet.service.d/10-kubeadm.conf": true,
		"usr/lib/systemd/system/kubelet.service":                true,
		"/var/lib/kubelet/kubeadm-flags.env":                    true,
		"/etc/default/kubelet":                                  true,
		"/etc/sysconfig/kubelet":                                true,
		`C:\node\kubelet.service.d\20-extra.conf`:               true,
		"/etc/systemd/system/containerd.service.d/10.conf":      false,
		"/usr/bin/kubelet":                                      false,
		"kubelet.yaml":                                          false,
	} {
		assert.Equal(t, want, IsKubeletFlags(name), name)
	}
}

// flagsOf returns name=value@line for each flag.
func flagsOf(t *testing.T, obj map[string]any) []string {
	t.Helper()
	var out []string
	for _, f := range obj["flags"].([]any) {
		m := f.(map[string]any)
		out = append(out, fmt.Sprintf("%s=%s@%d", m["name"], m["value"], m["line"]))
	}
	return out
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, file, text string
		flags            []string
		unresolved       []any
		command          int
	}{
		{
			name: "kubeadm's drop-in: variables from Environment=, the ExecStart reset, unknown variables listed",
			file: "kubelet.service.d/10-kubeadm.conf",
			text: "[Service]\n" +
				"Environment=\"KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf\"\n" +
				"Environment=\"KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml\"\n" +
				"EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env\n" +
				"ExecStart=/usr/bin/kubelet --v=9\n" +
				"ExecStart=\n" +
				"ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS ${KUBELET_KUBEADM_ARGS}\n",
			flags:      []string{"bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf@2", "kubeconfig=/etc/kubernetes/kubelet.conf@2", "config=/var/lib/kubelet/config.yaml@3"},
			unresolved: []any{map[string]any{"variable": "KUBELET_KUBEADM_ARGS", "line": 7}},
			command:    7,
		},
		{
			name:    "continuation lines, a bare boolean flag, a separate value, quotes",
			file:    "kubelet.service",
			text:    "[Service]\nExecStart=/usr/local/bin/kubelet \\\n  --anonymous-auth \\\n  --read-only-port 10255 \\\n  '--node-labels=a=b c'\nRestart=always\n",
			flags:   []string{"anonymous-auth=true@2", "read-only-port=10255@2", "node-labels=a=b c@2"},
			command: 2,
		},
		{
			name:  "an environment file: every variable's flags, in file order, export and quotes",
			file:  "kubeadm-flags.env",
			text:  "# kubeadm\nKUBELET_KUBEADM_ARGS=\"--container-runtime-endpoint=unix:///run/containerd/containerd.sock --rotate-certificates\"\nexport KUBELET_EXTRA_ARGS='--pod-max-pids=4096'\n",
			flags: []string{"container-runtime-endpoint=unix:///run/containerd/containerd.sock@2", "rotate-certificates=true@2", "pod-max-pids=4096@3"},
		},
		{
			name:  "CRLF line ends",
			file:  "kubeadm-flags.env",
			text:  "KUBELET_KUBEADM_ARGS=\"--read-only-port=0\"\r\n",
			flags: []string{"read-only-port=0@1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj, err := Parse(tt.file, []byte(tt.text))
			require.NoError(t, err)
			assert.Equal(t, Kind, obj["kind"])
			assert.Equal(t, tt.file, obj["metadata"].(map[string]any)["name"])
			assert.Equal(t, tt.flags, flagsOf(t, obj))
			if tt.unresolved == nil {
				tt.unresolved = []any{}
			}
			assert.Equal(t, tt.unresolved, obj["unresolved"])
			if tt.command > 0 {
				assert.Equal(t, map[string]any{"line": tt.command}, obj["command"])
			} else {
				assert.NotContains(t, obj, "command")
			}
		})
	}
}

func TestParseErrorsNameTheLine(t *testing.T) {
	for name, tc := range map[string]struct {
		file, text string
		line       int
	}{
		"an unterminated quote":             {"kubelet.service", "[Service]\nExecStart=/usr/bin/kubelet \"--a=b\n", 2},
		"a line that is no assignment":      {"kubeadm-flags.env", "KUBELET_KUBEADM_ARGS=\"--a=b\"\nrm -rf /\n", 2},
		"a unit line without Key=value":     {"kubelet.service", "[Service]\nExecStart=/usr/bin/kubelet\nnonsense\n", 3},
		"an unterminated Environment quote": {"kubelet.service", "[Service]\nEnvironment=\"A=--b\n", 2},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse(tc.file, []byte(tc.text))
			var pe *Error
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.line, pe.Line)
		})
	}
}
