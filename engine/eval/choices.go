package eval

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"github.com/shipshape-dev/shipshape/engine/azure"
)

// judgeChoices judges the allowed values of parameterised Azure settings.
// A setting that is exactly a template parameter with allowedValues is
// judged at its value (the default, or the parameters file's); findings on
// it name the parameter. Each other allowed value is judged too, and what
// it alone would make a control report is added as a low-severity note:
// the template lets a deployment choose it.
func (e *Evaluator) judgeChoices(ctx context.Context, j *Judgement) {
	choices, _ := j.Object.Value[azure.ParameterizedKey].([]any)
	if len(choices) == 0 {
		return
	}
	seen := map[string]bool{}
	for _, f := range j.Findings {
		seen[f.Control.ID+"\x00"+f.Message] = true
	}
	for _, c := range choices {
		choice, _ := c.(map[string]any)
		e.judgeChoice(ctx, j, choice, seen)
	}
}

// judgeChoice names the parameter in the findings on one parameterised
// setting and adds a note for each other allowed value that fails.
func (e *Evaluator) judgeChoice(ctx context.Context, j *Judgement, choice map[string]any, seen map[string]bool) {
	path, _ := choice["path"].([]any)
	param, _ := choice["parameter"].(string)
	allowed, _ := choice["allowed"].([]any)
	for k := range j.Findings {
		if on(j.Findings[k].Field, path) {
			j.Findings[k].Message += fmt.Sprintf(" (the value is parameter %q, allowed: %s)", param, listed(allowed))
		}
	}
	for _, a := range allowed {
		if reflect.DeepEqual(a, choice["value"]) {
			continue
		}
		value := withSetting(j.Object.Value, path, a)
		delete(value, azure.ParameterizedKey) // one choice at a time
		for _, f := range e.judge(ctx, j.Object.WithValue(value), j.Old).Findings {
			key := f.Control.ID + "\x00" + f.Message
			if seen[key] || !on(f.Field, path) {
				continue
			}
			seen[key] = true
			j.Findings = append(j.Findings, Finding{
				Control: f.Control,
				Message: fmt.Sprintf("if parameter %q is set to %s, one of its allowed values: %s", param, shown(a), f.Message),
				Details: map[string]any{"field": f.Field, "severity": "low"},
				Field:   f.Field,
			})
		}
	}
}

// on reports whether a finding's field is the setting at path or lies
// inside or above it.
func on(field, path []any) bool {
	n := min(len(field), len(path))
	if len(field) < 2 {
		return false // the whole object (spec): not about one setting
	}
	for i := range n {
		// Indexes arrive as int from the normaliser and as JSON numbers
		// from Rego: compare them as text.
		if fmt.Sprint(field[i]) != fmt.Sprint(path[i]) {
			return false
		}
	}
	return true
}

// withSetting copies value with the setting at path replaced.
func withSetting(value map[string]any, path []any, v any) map[string]any {
	out, _ := set(value, path, v).(map[string]any)
	return out
}

func set(node any, path []any, v any) any {
	if len(path) == 0 {
		return v
	}
	switch t := node.(type) {
	case map[string]any:
		key, _ := path[0].(string)
		out := make(map[string]any, len(t)+1)
		for k, e := range t {
			out[k] = e
		}
		out[key] = set(t[key], path[1:], v)
		return out
	case []any:
		i, ok := path[0].(int)
		if !ok || i < 0 || i >= len(t) {
			return t
		}
		out := append([]any{}, t...)
		out[i] = set(t[i], path[1:], v)
		return out
	case nil:
		key, ok := path[0].(string)
		if !ok {
			return nil
		}
		return map[string]any{key: set(nil, path[1:], v)}
	}
	return node
}

func shown(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprint(v)
}

func listed(values []any) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = shown(v)
	}
	return strings.Join(parts, ", ")
}
