package docs

import (
	"encoding/json"

	"github.com/shipshape-dev/shipshape/engine/casetest"
	"github.com/shipshape-dev/shipshape/engine/exceptions"
	"github.com/shipshape-dev/shipshape/engine/profile"
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
// the Go types the files decode into.
func Schemas() (map[string][]byte, error) {
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
