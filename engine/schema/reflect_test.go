package schema

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type sample struct {
	Name    string            `json:"name" schema:"required;minLength=1;description=Who; or what"`
	Mode    string            `json:"mode,omitempty" schema:"enum=a|b"`
	Count   int               `json:"count,omitempty" schema:"minimum=1"`
	Tags    []string          `json:"tags,omitempty" schema:"uniqueItems;items.pattern=^[a-z]+$"`
	Extra   map[string]any    `json:"extra,omitempty"`
	Limits  map[string]int    `json:"limits,omitempty"`
	Value   any               `json:"value,omitempty" schema:"type=object|string"`
	Raw     json.RawMessage   `json:"raw,omitempty" schema:"ref=raw"`
	Nested  *sampleChild      `json:"nested,omitempty"`
	Hidden  string            `json:"-"`
	Output  string            `json:"output" schema:"-"`
	private string            //nolint:unused // unexported fields are not keys
	Flags   map[string]string `json:"flags,omitempty"`
}

type sampleChild struct {
	On bool `json:"on"`
}

func (sampleChild) SchemaExtras() map[string]any { return map[string]any{"minProperties": 1} }

func TestReflect(t *testing.T) {
	got, err := Reflect(reflect.TypeOf(sample{}), map[string]any{"raw": map[string]any{"$schema": "x", "enum": []any{"allow"}}})
	require.NoError(t, err)
	want := map[string]any{
		"type": "object", "additionalProperties": false, "required": []any{"name"},
		"properties": map[string]any{
			"name":   map[string]any{"type": "string", "minLength": 1, "description": "Who; or what"},
			"mode":   map[string]any{"enum": []any{"a", "b"}},
			"count":  map[string]any{"type": "integer", "minimum": 1},
			"tags":   map[string]any{"type": "array", "uniqueItems": true, "items": map[string]any{"type": "string", "pattern": "^[a-z]+$"}},
			"extra":  map[string]any{"type": "object"},
			"limits": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "integer"}},
			"value":  map[string]any{"type": []any{"object", "string"}},
			"raw":    map[string]any{"enum": []any{"allow"}},
			"nested": map[string]any{"type": "object", "additionalProperties": false, "minProperties": 1,
				"properties": map[string]any{"on": map[string]any{"type": "boolean"}}},
			"flags": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}},
		},
	}
	assert.Equal(t, want, got)

	s, err := Compile("sample.json", got)
	require.NoError(t, err)
	assert.NoError(t, s.Validate(map[string]any{"name": "x", "mode": "a", "tags": []any{"ok"}}))
	assert.Error(t, s.Validate(map[string]any{"name": "x", "nmae": "typo"}), "unknown keys are rejected")
	assert.Error(t, s.Validate(map[string]any{"mode": "a"}), "required keys")
	assert.Error(t, s.Validate(map[string]any{"name": "x", "mode": "c"}), "enums")
}

func TestReflectRefusesWhatItCannotSay(t *testing.T) {
	_, err := Reflect(reflect.TypeOf(struct {
		F string `json:"f" schema:"minLenght=1"`
	}{}), nil)
	assert.ErrorContains(t, err, `"minLenght=1" is unknown`)
	_, err = Reflect(reflect.TypeOf(struct {
		F json.RawMessage `json:"f" schema:"ref=nope"`
	}{}), nil)
	assert.ErrorContains(t, err, `ref "nope" is not defined`)
	_, err = Reflect(reflect.TypeOf(struct {
		F chan int `json:"f"`
	}{}), nil)
	assert.ErrorContains(t, err, "no JSON type")
}
