// Package kubelet reads how a kubelet is started into the object controls
// judge (kind shipshape.dev/v1 KubeletFlags, documented in docs/inputs.md):
// a systemd unit or drop-in (kubelet.service, kubelet.service.d/*.conf), or
// an environment file (kubeadm-flags.env, /etc/default/kubelet,
// /etc/sysconfig/kubelet). Each flag keeps the line it was written on; a
// flag that comes through a variable keeps the line of the variable's
// assignment, which is where it is changed.
package kubelet

import (
	"bufio"
	"bytes"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
)

// Identity of the normalised object.
const (
	APIVersion = "shipshape.dev/v1"
	Kind       = "KubeletFlags"
)

// IsKubeletFlags reports whether a file name is one the kubelet's command
// line is written in: kubelet.service, a .conf drop-in in
// kubelet.service.d, kubeadm-flags.env, kubelet.env, or a file named
// kubelet in a default or sysconfig directory.
func IsKubeletFlags(name string) bool {
	name = strings.ReplaceAll(name, "\\", "/")
	base := strings.ToLower(path.Base(name))
	dir := strings.ToLower(path.Base(path.Dir(name)))
	switch {
	case base == "kubelet.service", base == "kubeadm-flags.env", base == "kubelet.env":
		return true
	case dir == "kubelet.service.d" && strings.HasSuffix(base, ".conf"):
		return true
	case base == "kubelet" && (dir == "default" || dir == "sysconfig"):
		return true
	}
	return false
}

// Error is a parse problem at a line.
type Error struct {
	Line int
	Err  error
}

func (e *Error) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *Error) Unwrap() error { return e.Err }

// booleanFlags take no separate value ("--rotate-certificates true" leaves
// "true" as a stray argument), as the kubelet's flag parser (pflag) does.
var booleanFlags = map[string]bool{
	"anonymous-auth": true, "rotate-certificates": true, "protect-kernel-defaults": true,
	"rotate-server-certificates": true, "make-iptables-util-chains": true, "fail-swap-on": true,
	"enable-server": true, "enable-debugging-handlers": true, "cgroups-per-qos": true,
	"enable-controller-attach-detach": true, "serialize-image-pulls": true,
	"register-node": true, "register-schedulable": true, "exit-on-lock-contention": true,
	"keep-terminated-pod-volumes": true, "kernel-memcg-notification": true, "local-storage-capacity-isolation": true,
}

// line is one logical line: continuations joined, with where it started.
type line struct {
	text string
	no   int
}

// logicalLines joins lines that end in a backslash, as systemd and shells do.
func logicalLines(data []byte) ([]line, error) {
	var (
		out     []line
		pending strings.Builder
		start   int
	)
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	no := 0
	for sc.Scan() {
		no++
		text := strings.TrimRight(sc.Text(), "\r")
		if pending.Len() == 0 {
			start = no
		}
		if strings.HasSuffix(text, "\\") {
			pending.WriteString(strings.TrimSuffix(text, "\\"))
			pending.WriteString(" ")
			continue
		}
		pending.WriteString(text)
		out = append(out, line{text: pending.String(), no: start})
		pending.Reset()
	}
	if err := sc.Err(); err != nil {
		return nil, &Error{Line: no + 1, Err: err}
	}
	if pending.Len() > 0 {
		out = append(out, line{text: pending.String(), no: start})
	}
	return out, nil
}

// word is one word of a command line with the line it came from and, when
// it came through a variable, the variable's name.
type word struct {
	text     string
	line     int
	variable string
}

// splitQuoted splits at whitespace outside double or single quotes and
// removes the quotes, as systemd splits Environment= and ExecStart=.
func splitQuoted(s string) ([]string, error) {
	var (
		out   []string
		cur   strings.Builder
		quote rune
		have  bool
	)
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '"' || r == '\'':
			quote, have = r, true
		case r == ' ' || r == '\t':
			if have || cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteRune(r)
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated %c quote", quote)
	}
	if have || cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out, nil
}

var (
	sectionHeader = regexp.MustCompile(`^\s*\[[^\]]+\]\s*$`)
	variableRef   = regexp.MustCompile(`^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$`)
	assignment    = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)=(.*)$`)
)

// assignmentValue is a variable's value and the line it was set on.
type assignmentValue struct {
	value string
	line  int
}

// Parse normalises a unit, drop-in or environment file. name becomes
// metadata.name.
func Parse(name string, data []byte) (map[string]any, error) {
	lines, err := logicalLines(data)
	if err != nil {
		return nil, err
	}
	unit := false
	for _, l := range lines {
		t := strings.TrimSpace(l.text)
		if sectionHeader.MatchString(t) || strings.HasPrefix(t, "ExecStart=") || strings.HasPrefix(t, "Environment=") {
			unit = true
			break
		}
	}
	vars := map[string]assignmentValue{}
	var (
		exec     []word
		execLine int
		envFiles []any
	)
	for _, l := range lines {
		t := strings.TrimSpace(l.text)
		if t == "" || strings.HasPrefix(t, "#") || strings.HasPrefix(t, ";") || sectionHeader.MatchString(t) {
			continue
		}
		if !unit {
			t = strings.TrimPrefix(t, "export ")
			m := assignment.FindStringSubmatch(t)
			if m == nil {
				return nil, &Error{Line: l.no, Err: fmt.Errorf("%q is not a VARIABLE=value assignment", t)}
			}
			words, err := splitQuoted(m[2])
			if err != nil {
				return nil, &Error{Line: l.no, Err: err}
			}
			vars[m[1]] = assignmentValue{value: strings.Join(words, " "), line: l.no}
			continue
		}
		key, value, ok := strings.Cut(t, "=")
		if !ok {
			return nil, &Error{Line: l.no, Err: fmt.Errorf("%q is not a Key=value setting", t)}
		}
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		switch key {
		case "Environment":
			words, err := splitQuoted(value)
			if err != nil {
				return nil, &Error{Line: l.no, Err: err}
			}
			for _, w := range words {
				if m := assignment.FindStringSubmatch(w); m != nil {
					vars[m[1]] = assignmentValue{value: m[2], line: l.no}
				}
			}
		case "EnvironmentFile":
			envFiles = append(envFiles, map[string]any{"path": strings.TrimPrefix(value, "-"), "optional": strings.HasPrefix(value, "-"), "line": l.no})
		case "ExecStart":
			// An empty ExecStart= resets the list, as in a drop-in that
			// replaces the unit's command.
			exec, execLine = nil, 0
			if value == "" {
				continue
			}
			words, err := splitQuoted(strings.TrimLeft(value, "-@:+!"))
			if err != nil {
				return nil, &Error{Line: l.no, Err: err}
			}
			execLine = l.no
			for _, w := range words {
				exec = append(exec, word{text: w, line: l.no})
			}
		}
	}

	var (
		words      []word
		unresolved []any
		seen       = map[string]bool{}
	)
	if unit {
		// The command's words after the kubelet binary, with variables
		// expanded from this file's Environment= lines.
		started := false
		for _, w := range exec {
			if !started {
				started = path.Base(w.text) == "kubelet"
				continue
			}
			if m := variableRef.FindStringSubmatch(w.text); m != nil {
				v, ok := vars[m[1]]
				if !ok {
					if !seen[m[1]] {
						unresolved = append(unresolved, map[string]any{"variable": m[1], "line": w.line})
						seen[m[1]] = true
					}
					continue
				}
				for _, part := range strings.Fields(v.value) {
					words = append(words, word{text: part, line: v.line, variable: m[1]})
				}
				continue
			}
			words = append(words, w)
		}
	} else {
		// An environment file: every variable that holds flags.
		names := make([]string, 0, len(vars))
		for n := range vars {
			names = append(names, n)
		}
		sort.Slice(names, func(i, j int) bool { return vars[names[i]].line < vars[names[j]].line })
		for _, n := range names {
			for _, part := range strings.Fields(vars[n].value) {
				words = append(words, word{text: part, line: vars[n].line, variable: n})
			}
		}
	}

	flags := []any{}
	for i := 0; i < len(words); i++ {
		w := words[i]
		if !strings.HasPrefix(w.text, "--") || len(w.text) == 2 {
			continue
		}
		body := w.text[2:]
		flag := map[string]any{"line": w.line}
		if w.variable != "" {
			flag["variable"] = w.variable
		}
		if n, v, ok := strings.Cut(body, "="); ok {
			flag["name"], flag["value"] = n, v
		} else if booleanFlags[body] {
			flag["name"], flag["value"] = body, "true"
		} else if i+1 < len(words) && !strings.HasPrefix(words[i+1].text, "-") {
			flag["name"], flag["value"] = body, words[i+1].text
			i++
		} else {
			flag["name"], flag["value"] = body, ""
		}
		flags = append(flags, flag)
	}

	defined := []any{}
	for n := range vars {
		defined = append(defined, n)
	}
	sort.Slice(defined, func(i, j int) bool { return defined[i].(string) < defined[j].(string) })
	if unresolved == nil {
		unresolved = []any{}
	}
	if envFiles == nil {
		envFiles = []any{}
	}
	obj := map[string]any{
		"apiVersion":       APIVersion,
		"kind":             Kind,
		"metadata":         map[string]any{"name": name},
		"line":             1,
		"format":           map[bool]string{true: "systemd", false: "environment"}[unit],
		"flags":            flags,
		"defines":          defined,
		"unresolved":       unresolved,
		"environmentFiles": envFiles,
	}
	if execLine > 0 {
		obj["command"] = map[string]any{"line": execLine}
	}
	return obj, nil
}
