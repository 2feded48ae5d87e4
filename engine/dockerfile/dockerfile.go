// Package dockerfile reads a Dockerfile with BuildKit's own parser and
// normalises it into the object controls judge (kind shipshape.dev/v1
// Dockerfile, documented in docs/inputs.md): the global build arguments,
// and each stage with its base image (build arguments substituted as
// BuildKit substitutes them) and its instructions, each with its line.
package dockerfile

import (
	"bytes"
	"fmt"
	"path"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// Identity of the normalised object.
const (
	APIVersion = "shipshape.dev/v1"
	Kind       = "Dockerfile"
)

// IsDockerfile reports whether a file name is a Dockerfile: Dockerfile,
// Containerfile, Dockerfile.<suffix> or <name>.Dockerfile (any case).
func IsDockerfile(name string) bool {
	base := strings.ToLower(path.Base(strings.ReplaceAll(name, "\\", "/")))
	switch {
	case base == "dockerfile", base == "containerfile":
		return true
	case strings.HasPrefix(base, "dockerfile.") && !isDataExt(base), strings.HasPrefix(base, "containerfile.") && !isDataExt(base):
		return true
	case strings.HasSuffix(base, ".dockerfile"), strings.HasSuffix(base, ".containerfile"):
		return true
	}
	return false
}

// isDataExt keeps Dockerfile.yaml-style manifests out.
func isDataExt(base string) bool {
	ext := path.Ext(base)
	return ext == ".yaml" || ext == ".yml" || ext == ".json"
}

// Error is a parse problem at a line.
type Error struct {
	Line int
	Err  error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Parse normalises a Dockerfile. name becomes metadata.name.
func Parse(name string, data []byte) (map[string]any, error) {
	res, err := parser.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, &Error{Line: lineOf(err), Err: err}
	}
	lex := shell.NewLex(res.EscapeToken)
	var (
		globals []any
		env     []string
		stages  []any
		stage   map[string]any
		names   = map[string]bool{}
		// stageEnv holds the ARG and ENV values declared so far in the
		// current stage, for reading later values as BuildKit would.
		stageEnv []string
	)
	for _, node := range res.AST.Children {
		cmd, err := instructions.ParseInstruction(node)
		if err != nil {
			return nil, &Error{Line: node.StartLine, Err: fmt.Errorf("line %d: %w", node.StartLine, err)}
		}
		if from, ok := cmd.(*instructions.Stage); ok {
			image, unresolved := expand(lex, from.BaseName, env)
			stage = map[string]any{
				"index":        len(stages),
				"name":         from.Name,
				"line":         node.StartLine,
				"fromRaw":      from.BaseName,
				"from":         image,
				"platform":     from.Platform,
				"fromStage":    names[strings.ToLower(image)],
				"instructions": []any{},
			}
			if len(unresolved) > 0 {
				stage["unresolvedArgs"] = unresolved
			}
			if from.Name != "" {
				names[strings.ToLower(from.Name)] = true
			}
			stageEnv = nil
			stages = append(stages, stage)
			continue
		}
		if stage == nil {
			// Before the first FROM only ARG may stand (BuildKit refuses
			// anything else); these are the global build arguments.
			a, ok := cmd.(*instructions.ArgCommand)
			if !ok {
				return nil, &Error{Line: node.StartLine, Err: fmt.Errorf("line %d: %s before the first FROM", node.StartLine, strings.ToUpper(node.Value))}
			}
			for _, kv := range a.Args {
				arg := map[string]any{"name": kv.Key, "line": node.StartLine, "value": nil}
				if kv.Value != nil {
					v := unquote(lex, *kv.Value, env)
					arg["value"] = v
					env = append(env, kv.Key+"="+v)
				}
				globals = append(globals, arg)
			}
			continue
		}
		inst := instruction(node, cmd, func(v string) string { return unquote(lex, v, stageEnv) })
		stageEnv = append(stageEnv, declared(cmd, lex, stageEnv)...)
		stage["instructions"] = append(stage["instructions"].([]any), inst)
	}
	if len(stages) == 0 {
		return nil, &Error{Line: 1, Err: fmt.Errorf("no FROM instruction")}
	}
	if globals == nil {
		globals = []any{}
	}
	return map[string]any{
		"apiVersion": APIVersion,
		"kind":       Kind,
		"metadata":   map[string]any{"name": name},
		"args":       globals,
		"stages":     stages,
	}, nil
}

// expand substitutes global build arguments into a FROM image as BuildKit
// does, and names the arguments that have no default.
func expand(lex *shell.Lex, word string, env []string) (string, []any) {
	out, _, err := lex.ProcessWord(word, shell.EnvsFromSlice(env))
	if err != nil {
		out = word
	}
	var unresolved []any
	for _, ref := range argRefs(word) {
		found := false
		for _, kv := range env {
			if strings.HasPrefix(kv, ref+"=") {
				found = true
			}
		}
		if !found {
			unresolved = append(unresolved, ref)
		}
	}
	return out, unresolved
}

// argRefs lists the $NAME and ${NAME} references of a word that have no
// fallback: ${NAME:-default}, ${NAME-default}, ${NAME:+x} and ${NAME+x}
// always expand to something the author chose.
func argRefs(word string) []string {
	var refs []string
	for i := 0; i < len(word); i++ {
		if word[i] != '$' || i+1 >= len(word) {
			continue
		}
		rest := word[i+1:]
		if rest[0] == '{' {
			end := strings.IndexAny(rest, ":-+}")
			if end > 1 && rest[end] == '}' {
				refs = append(refs, rest[1:end])
			}
			continue
		}
		n := 0
		for n < len(rest) && (rest[n] == '_' || rest[n] >= 'a' && rest[n] <= 'z' || rest[n] >= 'A' && rest[n] <= 'Z' || rest[n] >= '0' && rest[n] <= '9') {
			n++
		}
		if n > 0 {
			refs = append(refs, rest[:n])
		}
	}
	return refs
}

// unquote reads an ENV or ARG value as the shell lexer does: quotes
// removed, escapes and known variables expanded. A value it cannot read
// stays as written.
func unquote(lex *shell.Lex, value string, env []string) string {
	out, _, err := lex.ProcessWord(value, shell.EnvsFromSlice(env))
	if err != nil {
		return value
	}
	return out
}

// declared returns the KEY=value pairs an ENV or ARG adds to the stage.
func declared(cmd any, lex *shell.Lex, env []string) []string {
	var out []string
	switch c := cmd.(type) {
	case *instructions.EnvCommand:
		for _, kv := range c.Env {
			out = append(out, kv.Key+"="+unquote(lex, kv.Value, env))
		}
	case *instructions.ArgCommand:
		for _, kv := range c.Args {
			if kv.Value != nil {
				out = append(out, kv.Key+"="+unquote(lex, *kv.Value, env))
			}
		}
	}
	return out
}

// instruction normalises one instruction: its keyword, line and original
// text, plus what controls read of it (values read through read).
func instruction(node *parser.Node, cmd any, read func(string) string) map[string]any {
	out := map[string]any{
		"instruction": strings.ToUpper(node.Value),
		"line":        node.StartLine,
		"original":    node.Original,
	}
	switch c := cmd.(type) {
	case *instructions.UserCommand:
		out["user"] = c.User
	case *instructions.EnvCommand:
		var env []any
		for _, kv := range c.Env {
			env = append(env, map[string]any{"key": kv.Key, "value": read(kv.Value)})
		}
		out["env"] = env
	case *instructions.ArgCommand:
		var args []any
		for _, kv := range c.Args {
			arg := map[string]any{"key": kv.Key, "value": nil}
			if kv.Value != nil {
				arg["value"] = read(*kv.Value)
			}
			args = append(args, arg)
		}
		out["args"] = args
	case *instructions.AddCommand:
		out["sources"] = stringsOf(c.SourcePaths)
		out["dest"] = c.DestPath
	case *instructions.CopyCommand:
		out["sources"] = stringsOf(c.SourcePaths)
		out["dest"] = c.DestPath
		out["from"] = c.From
	case *instructions.HealthCheckCommand:
		test := []any{}
		if c.Health != nil {
			test = stringsOf(c.Health.Test)
		}
		out["test"] = test
	}
	return out
}

func stringsOf(in []string) []any {
	out := make([]any, 0, len(in))
	for _, s := range in {
		out = append(out, s)
	}
	return out
}

// lineOf digs the line out of a BuildKit parse error when it carries one.
func lineOf(err error) int {
	type located interface{ Location() []parser.Range }
	if l, ok := err.(located); ok {
		if r := l.Location(); len(r) > 0 {
			return r[0].Start.Line
		}
	}
	return 0
}
