package schema

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidateListsEveryProblemWithItsPointer(t *testing.T) {
	s, err := Compile("t.json", map[string]any{
		"type":                 "object",
		"additionalProperties": false,
		"properties": map[string]any{
			"names": map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
			"n":     map[string]any{"type": "integer", "default": 2},
		},
	})
	require.NoError(t, err)
	require.NoError(t, s.Validate(map[string]any{"names": []any{"a"}, "n": 3}))

	err = s.Validate(map[string]any{"names": []any{"a", 1}, "n": "x", "extra": true})
	var se *Error
	require.ErrorAs(t, err, &se)
	require.Len(t, se.Problems, 3)
	pointers := []string{se.Problems[0].Pointer, se.Problems[1].Pointer, se.Problems[2].Pointer}
	assert.ElementsMatch(t, []string{"", "/n", "/names/1"}, pointers)
	for _, p := range se.Problems {
		if p.Pointer == "/names/1" {
			assert.Equal(t, []any{"names", 1}, p.Path())
		}
	}
	assert.Contains(t, err.Error(), "at /names/1: expected string, but got number")
	assert.Equal(t, map[string]any{"n": 2}, Defaults(map[string]any{"properties": map[string]any{"n": map[string]any{"default": 2}}}))
}

func TestDecodeFileMapsProblemsToLines(t *testing.T) {
	s, err := CompileJSON("c.json", []byte(`{"type": "object", "additionalProperties": false, "properties": {"a": {"type": "object", "additionalProperties": false, "properties": {"b": {"type": "integer"}}}}}`))
	require.NoError(t, err)
	var out struct {
		A struct {
			B int `json:"b"`
		} `json:"a"`
	}
	_, err = DecodeFile("c.yaml", []byte("a:\n  b: 3\n"), s, &out)
	require.NoError(t, err)
	assert.Equal(t, 3, out.A.B)

	_, err = DecodeFile("c.yaml", []byte("a:\n  b: x\n  c: 1\n"), s, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "c.yaml:2: a.b: expected integer, but got string")
	assert.Contains(t, err.Error(), `c.yaml:3: a.c: unknown key "c"`)
	assert.Equal(t, "spec.containers[0].image", FieldName([]any{"spec", "containers", 0, "image"}))
}
