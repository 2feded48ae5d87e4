package docs

import (
	"encoding/json"

	"github.com/shipshape-dev/shipshape/engine/casetest"
	"github.com/shipshape-dev/shipshape/engine/exceptions"
	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/engine/profile"
	"github.com/shipshape-dev/shipshape/engine/schema"
)

// SchemaBaseURL is where the published schemas are (docs/schema/ on the
// main branch): their $id.
const SchemaBaseURL = "https://raw.githubusercontent.com/shipshape-dev/shipshape/main/docs/schema/"

// SchemaURL is a schema as the release of version publishes it: what a
// file written by that release names, so the editor checks what that
// binary reads.
func SchemaURL(version, file string) string {
	return "https://raw.githubusercontent.com/shipshape-dev/shipshape/v" + version + "/docs/schema/" + file
}

// Schema files, under schema/ in the generated docs.
const (
	ConfigSchemaFile     = "config.schema.json"
	CasesSchemaFile      = "cases.schema.json"
	ExceptionsSchemaFile = "exceptions.schema.json"
	ProfileSchemaFile    = "profile.schema.json"
)

// Schemas returns the JSON Schemas of the files people write, for editors
// (yaml-language-server reads a `# yaml-language-server: $schema=URL`
// line). They are the schemas the loaders validate with, reflected from
// the Go types the files decode into; the config and profile schemas also
// give each built-in control of lib its parameters, so an editor marks a
// misspelt one as the scan does.
func Schemas(lib *policy.Library) (map[string][]byte, error) {
	schemas, err := profile.NewSchemas()
	if err != nil {
		return nil, err
	}
	settings := schemas.SettingsSchema()
	config, err := profile.ConfigSchema(settings)
	if err != nil {
		return nil, err
	}
	prof, err := profile.ProfileSchema(settings)
	if err != nil {
		return nil, err
	}
	for _, doc := range []map[string]any{config, prof} {
		withControlParameters(doc, lib)
	}
	cases, err := casetest.Schema()
	if err != nil {
		return nil, err
	}
	exc, err := exceptions.Schema()
	if err != nil {
		return nil, err
	}
	docs := []struct {
		file, title, description string
		schema                   map[string]any
	}{
		{ConfigSchemaFile, "shipshape configuration (.shipshape.yaml)", "The profile, fail threshold, scope, settings and per-control parameters shipshape reads.", config},
		{ProfileSchemaFile, "shipshape profile (bundles/*.yaml)", "A named set of controls with settings and parameters.", prof},
		{CasesSchemaFile, "shipshape control cases (cases.yaml)", "A control's table-driven tests: each case an object and the verdict it expects.", cases},
		{ExceptionsSchemaFile, "shipshape exceptions (.shipshape-exceptions.yaml)", "Findings accepted for a while, each with an owner, a reason and an expiry date.", exc},
	}
	out := map[string][]byte{}
	for _, d := range docs {
		s := d.schema
		s["$schema"] = "http://json-schema.org/draft-07/schema#"
		s["$id"] = SchemaBaseURL + d.file
		s["title"] = d.title
		s["description"] = d.description
		data, err := json.MarshalIndent(s, "", "  ")
		if err != nil {
			return nil, err
		}
		out["schema/"+d.file] = append(data, '\n')
	}
	return out, nil
}

// withControlParameters gives a config or profile schema's `parameters`
// one property per built-in control of lib: its parameter schema, closed to
// other keys unless it admits them (a control that takes none accepts an
// empty mapping). Other IDs (controls of user libraries) stay free-form.
func withControlParameters(doc map[string]any, lib *policy.Library) {
	props, _ := doc["properties"].(map[string]any)
	params, _ := props["parameters"].(map[string]any)
	if params == nil || lib == nil {
		return
	}
	controls := map[string]any{}
	for _, c := range lib.Controls() {
		if !c.Builtin {
			continue
		}
		s := map[string]any{"type": "object", "additionalProperties": false}
		if len(c.Parameters) > 0 {
			s = schema.Clone(c.Parameters).(map[string]any)
			if _, ok := s["additionalProperties"]; !ok {
				s["additionalProperties"] = false
			}
		}
		s["description"] = "Parameters of " + c.ID + ": " + c.Title + "."
		controls[c.ID] = s
	}
	params["properties"] = controls
}
