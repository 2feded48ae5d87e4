package trivy

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"sigs.k8s.io/yaml"
)

// files turns a peer's input into the files shipshape reads, by name, with
// the target's companion objects and apiVersion rewrites.
func files(in peerInput, tg *target) (map[string]string, error) {
	switch in.Format {
	case formatKubernetes:
		out := map[string]string{}
		if tg.Companion != "" {
			out["companion.yaml"] = tg.Companion
		}
		if in.Text != "" && len(tg.APIVersions) == 0 {
			out["input.yaml"] = in.Text
			return out, nil
		}
		obj, ok := in.Value.(map[string]any)
		if in.Text != "" {
			ok = yaml.Unmarshal([]byte(in.Text), &obj) == nil
		}
		if !ok {
			return nil, fmt.Errorf("a Kubernetes input is an object, not %T", in.Value)
		}
		if to, ok := tg.APIVersions[fmt.Sprintf("%v/%v", obj["apiVersion"], obj["kind"])]; ok {
			obj = maps.Clone(obj)
			obj["apiVersion"] = to
		}
		text, err := yaml.Marshal(obj)
		if err != nil {
			return nil, fmt.Errorf("encoding the object: %w", err)
		}
		out["input.yaml"] = string(text)
		return out, nil
	case formatDockerfile:
		return map[string]string{"Dockerfile": in.Text}, nil
	case formatDockerJSON:
		text, err := dockerfile(in.Value)
		if err != nil {
			return nil, err
		}
		return map[string]string{"Dockerfile": text}, nil
	case formatNodeInfo:
		return kubelet(in.Value)
	}
	return nil, fmt.Errorf("unknown input format %q", in.Format)
}

// kubeletFlags maps the node-collector's keys (what Trivy's kubelet checks
// read) to the kubelet flag each one reports.
var kubeletFlags = map[string]string{
	"kubeletAnonymousAuthArgumentSet":                  "anonymous-auth",
	"kubeletAuthorizationModeArgumentSet":              "authorization-mode",
	"kubeletClientCaFileArgumentSet":                   "client-ca-file",
	"kubeletReadOnlyPortArgumentSet":                   "read-only-port",
	"kubeletProtectKernelDefaultsArgumentSet":          "protect-kernel-defaults",
	"kubeletMakeIptablesUtilChainsArgumentSet":         "make-iptables-util-chains",
	"kubeletStreamingConnectionIdleTimeoutArgumentSet": "streaming-connection-idle-timeout",
	"kubeletHostnameOverrideArgumentSet":               "hostname-override",
	"kubeletEventQpsArgumentSet":                       "event-qps",
	"kubeletTlsCertFileTlsArgumentSet":                 "tls-cert-file",
	"kubeletTlsPrivateKeyFileArgumentSet":              "tls-private-key-file",
	"kubeletRotateCertificatesArgumentSet":             "rotate-certificates",
	"kubeletOnlyUseStrongCryptographic":                "tls-cipher-suites",
	// A feature gate, not a flag of its own (see below).
	"kubeletRotateKubeletServerCertificateArgumentSet": "feature-gates",
}

// kubelet renders a NodeInfo as a node's kubelet: a systemd unit whose
// ExecStart passes the reported settings as flags, and the configuration
// file its --config names, which sets nothing, so a setting the NodeInfo
// leaves out (values: []) takes the configuration file's default, as on a
// kubeadm node.
func kubelet(v any) (map[string]string, error) {
	obj, _ := v.(map[string]any)
	info, ok := obj["info"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("a NodeInfo without info")
	}
	args := []string{"/usr/bin/kubelet", "--config=/var/lib/kubelet/config.yaml"}
	keys := make([]string, 0, len(info))
	for k := range info {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		flag, ok := kubeletFlags[k]
		if !ok {
			return nil, fmt.Errorf("NodeInfo key %q has no kubelet flag here", k)
		}
		entry, _ := info[k].(map[string]any)
		values, _ := entry["values"].([]any)
		if len(values) == 0 {
			continue
		}
		var words []string
		for _, x := range values {
			words = append(words, scalar(x))
		}
		value := strings.Join(words, ",")
		if flag == "feature-gates" {
			value = "RotateKubeletServerCertificate=" + value
		}
		args = append(args, "--"+flag+"="+value)
	}
	unit := "[Unit]\nDescription=kubelet\n\n[Service]\nExecStart=" + strings.Join(args, " ") + "\n"
	config := "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
	return map[string]string{"kubelet.service": unit, "config.yaml": config}, nil
}

func scalar(x any) string {
	switch x := x.(type) {
	case string:
		return x
	case float64:
		return fmt.Sprint(x)
	}
	b, _ := json.Marshal(x)
	return string(b)
}

// dockerStage and dockerCommand are Trivy's parsed Dockerfile (the input
// of its DS checks).
type dockerStage struct {
	Name     string
	Commands []dockerCommand
}

type dockerCommand struct {
	Cmd      string
	Value    words
	Flags    words
	Original string
	JSON     bool
}

// words are a command's words; Trivy's fixtures write some as numbers.
type words []string

func (w *words) UnmarshalJSON(data []byte) error {
	var raw []any
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	*w = nil
	for _, x := range raw {
		*w = append(*w, scalar(x))
	}
	return nil
}

// dockerfile renders Trivy's parsed Dockerfile back to Dockerfile text.
func dockerfile(v any) (string, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	var doc struct{ Stages []dockerStage }
	if err := json.Unmarshal(data, &doc); err != nil {
		return "", fmt.Errorf("a parsed Dockerfile: %w", err)
	}
	var b strings.Builder
	for _, s := range doc.Stages {
		hasFrom := slices.ContainsFunc(s.Commands, func(c dockerCommand) bool { return strings.EqualFold(c.Cmd, "from") })
		if !hasFrom {
			name := s.Name
			if name == "" {
				name = "scratch"
			}
			fmt.Fprintf(&b, "FROM %s\n", name)
		}
		for _, c := range s.Commands {
			line, err := instruction(c)
			if err != nil {
				return "", err
			}
			b.WriteString(line + "\n")
		}
	}
	return b.String(), nil
}

// instruction renders one command: the original text when Trivy kept it,
// else the instruction rebuilt from its parsed words.
func instruction(c dockerCommand) (string, error) {
	if c.Original != "" {
		return c.Original, nil
	}
	cmd := strings.ToUpper(c.Cmd)
	words := slices.Clone(c.Flags)
	switch cmd {
	case "ENV", "LABEL":
		// Triples of key, value and separator ("=" or "" for the legacy
		// `ENV KEY value` form).
		if len(c.Value)%3 != 0 {
			return "", fmt.Errorf("%s %q: want key, value, separator triples", cmd, c.Value)
		}
		for i := 0; i < len(c.Value); i += 3 {
			k, v, sep := c.Value[i], c.Value[i+1], c.Value[i+2]
			if sep == "" {
				words = append(words, k, v)
				continue
			}
			words = append(words, k+"="+quote(v))
		}
	case "RUN", "CMD", "ENTRYPOINT", "SHELL":
		if c.JSON || cmd == "SHELL" || (len(c.Value) > 1 && cmd != "RUN") {
			b, _ := json.Marshal(c.Value)
			words = append(words, string(b))
		} else {
			words = append(words, strings.Join(c.Value, " "))
		}
	case "HEALTHCHECK":
		// Trivy keeps the test words as Docker does: [CMD, ...], [CMD-SHELL,
		// "..."] or [NONE].
		switch {
		case len(c.Value) > 0 && c.Value[0] == "NONE":
			words = append(words, "NONE")
		case len(c.Value) > 1 && c.Value[0] == "CMD-SHELL":
			words = append(words, "CMD", strings.Join(c.Value[1:], " "))
		case len(c.Value) > 1 && c.Value[0] == "CMD":
			b, _ := json.Marshal(c.Value[1:])
			words = append(words, "CMD", string(b))
		default:
			words = append(words, "CMD", strings.Join(c.Value, " "))
		}
	default:
		words = append(words, c.Value...)
	}
	return strings.TrimSpace(cmd + " " + strings.Join(words, " ")), nil
}

// quote quotes an ENV or LABEL value that holds spaces.
func quote(v string) string {
	if len(v) >= 2 && strings.HasPrefix(v, `"`) && strings.HasSuffix(v, `"`) {
		return v // Trivy kept the quotes as written
	}
	if v == "" || strings.ContainsAny(v, " \t\"'") {
		b, _ := json.Marshal(v)
		return string(b)
	}
	return v
}
