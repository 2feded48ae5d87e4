// Package profile selects what a run enforces: a named profile from
// bundles/ (a set of controls with settings and per-control parameters)
// combined with the user's configuration file. Settings are named,
// schema-validated knobs; a control receives each setting whose name matches
// one of its parameters.
package profile

import (
	"cmp"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/shipshape-dev/shipshape/engine/eval"
	"github.com/shipshape-dev/shipshape/engine/input"
	"github.com/shipshape-dev/shipshape/engine/internal/jsonvalue"
	"github.com/shipshape-dev/shipshape/engine/policy"
	"github.com/shipshape-dev/shipshape/engine/schema"
)

//go:embed settings.schema.json
var settingsSchemaJSON []byte

// DefaultName is the profile used when none is named: every control.
const DefaultName = "all"

// DefaultConfigFile is read when present and no --config is given.
const DefaultConfigFile = ".shipshape.yaml"

// Enforcement actions a profile may ask admission controllers for.
const (
	ActionDeny   = "deny"
	ActionDryRun = "dryrun"
	ActionWarn   = "warn"
)

// Profile is a named set of controls with settings and parameters.
type Profile struct {
	Name              string `json:"name" schema:"required;pattern=^[a-z0-9][a-z0-9-]*$;description=The profile's name, as --profile takes it."`
	Title             string `json:"title,omitempty" schema:"description=A title for people."`
	Description       string `json:"description,omitempty" schema:"description=What the profile enforces and for whom."`
	EnforcementAction string `json:"enforcementAction,omitempty" schema:"enum=deny|dryrun|warn;description=What exported admission controls do with a violation (Gatekeeper's enforcementAction)."`
	// FailOn is the severity at or above which a scan with this profile
	// fails when neither --fail-on nor the config says otherwise: a Pod
	// Security profile fails on any violation of its level, as PSA's
	// enforce mode rejects any.
	FailOn     string                    `json:"failOn,omitempty" schema:"ref=failOn;description=The lowest severity that fails a scan with this profile."`
	Controls   []string                  `json:"controls" schema:"required;minItems=1;items.minLength=1;description=The control IDs the profile selects (* for every control)."`
	Settings   map[string]any            `json:"settings,omitempty" schema:"ref=settings"`
	Parameters map[string]map[string]any `json:"parameters,omitempty" schema:"description=Parameters of individual controls, by control ID."`
	// File is where the profile was read from.
	File string `json:"-"`

	doc *input.Document // the decoded file, for the lines of errors
}

// Config is the user's configuration file.
type Config struct {
	Profile string `json:"profile,omitempty" schema:"minLength=1;description=The profile to enforce: all, pss-baseline, pss-restricted (default all)."`
	// FailOn overrides the profile's fail threshold.
	FailOn string `json:"failOn,omitempty" schema:"ref=failOn;description=Exit 1 on a finding at or above this severity (default: the profile's: low for pss-*, else high)."`
	// Scope says what the scanned input stands for: manifests (default)
	// or a whole cluster, which also runs the cluster-level controls.
	Scope    string         `json:"scope,omitempty" schema:"enum=manifests|cluster;description=What the scanned paths stand for: manifests (each object is judged) or cluster (a whole cluster, so the cluster-level controls run too)."`
	Settings map[string]any `json:"settings,omitempty" schema:"ref=settings"`
	// Parameters override individual controls' parameters, by control ID.
	Parameters map[string]map[string]any `json:"parameters,omitempty" schema:"description=Parameters of individual controls, by control ID (shipshape controls lists them)."`
	File       string                    `json:"-"`

	doc *input.Document // the decoded file, for the lines of errors
}

// DefaultFailOn is the fail threshold of a profile that names none.
const DefaultFailOn = "high"

// failOnSchema is the schema of a fail threshold: a severity, or none.
func failOnSchema() map[string]any {
	return map[string]any{"enum": []any{"critical", "high", "medium", "low", "none"}}
}

// Schemas holds the compiled schemas of settings, profiles and config files.
type Schemas struct {
	settingsDoc map[string]any
	settings    *schema.Schema
	profile     *schema.Schema
	config      *schema.Schema
}

// NewSchemas compiles the embedded schemas.
func NewSchemas() (*Schemas, error) {
	var settings map[string]any
	if err := json.Unmarshal(settingsSchemaJSON, &settings); err != nil {
		return nil, fmt.Errorf("settings schema: %w", err)
	}
	s := &Schemas{settingsDoc: settings}
	var err error
	if s.settings, err = schema.Compile("settings.json", settings); err != nil {
		return nil, err
	}
	profileDoc, err := ProfileSchema(settings)
	if err != nil {
		return nil, err
	}
	if s.profile, err = schema.Compile("profile.json", profileDoc); err != nil {
		return nil, err
	}
	configDoc, err := ConfigSchema(settings)
	if err != nil {
		return nil, err
	}
	if s.config, err = schema.Compile("config.json", configDoc); err != nil {
		return nil, err
	}
	return s, nil
}

// ProfileSchema is the schema of a profile (bundles/*.yaml), reflected
// from Profile with the settings schema.
func ProfileSchema(settings map[string]any) (map[string]any, error) {
	return schema.Reflect(reflect.TypeOf(Profile{}), map[string]any{"settings": settings, "failOn": failOnSchema()})
}

// ConfigSchema is the schema of a config file (.shipshape.yaml), reflected
// from Config with the settings schema.
func ConfigSchema(settings map[string]any) (map[string]any, error) {
	return schema.Reflect(reflect.TypeOf(Config{}), map[string]any{"settings": settings, "failOn": failOnSchema()})
}

// SettingsSchema returns the settings schema document.
func (s *Schemas) SettingsSchema() map[string]any {
	return schema.Clone(s.settingsDoc).(map[string]any)
}

// DefaultSettings returns every setting's default.
func (s *Schemas) DefaultSettings() map[string]any { return schema.Defaults(s.settingsDoc) }

// LoadProfiles reads every *.yaml profile at the root of fsys; name labels
// the file system in messages (e.g. "bundles").
func (s *Schemas) LoadProfiles(fsys fs.FS, name string) (map[string]*Profile, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("reading profiles: %w", err)
	}
	out := map[string]*Profile{}
	var errs []error
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".yaml" {
			continue
		}
		data, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, err
		}
		file := path.Join(name, e.Name())
		var p Profile
		doc, err := schema.DecodeFile(file, data, s.profile, &p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		p.doc = doc
		if want := strings.TrimSuffix(e.Name(), ".yaml"); p.Name != want {
			errs = append(errs, fmt.Errorf("%s: profile name %q must match the file name %q", file, p.Name, want))
			continue
		}
		p.File = file
		out[p.Name] = &p
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// LoadConfig reads and validates a configuration file.
func (s *Schemas) LoadConfig(file string) (*Config, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	return s.ParseConfig(file, data)
}

// ParseConfig validates configuration text read from file.
func (s *Schemas) ParseConfig(file string, data []byte) (*Config, error) {
	if doc, err := input.DecodeDocument(file, data); err == nil && doc.Value == nil {
		return &Config{File: file}, nil // an empty file sets nothing
	}
	var c Config
	doc, err := schema.DecodeFile(file, data, s.config, &c)
	if err != nil {
		return nil, err
	}
	c.File, c.doc = file, doc
	return &c, nil
}

// Selection is what a run enforces.
type Selection struct {
	Profile  *Profile
	Settings map[string]any
	Bindings []eval.Binding
	// FailOn is the fail threshold: the config's, else the profile's, else
	// DefaultFailOn ("none" never fails).
	FailOn string
	// Scope is the config's scope ("" when it names none).
	Scope string
}

// SystemNamespaces returns the systemNamespaces setting.
func (s *Selection) SystemNamespaces() []string {
	return jsonvalue.Strings(s.Settings["systemNamespaces"])
}

// ScanBindings are the bindings an offline scan enforces: admission
// controls judge systemNamespaces too unless scanSystemNamespaces is false.
func (s *Selection) ScanBindings() []eval.Binding {
	if judge, ok := s.Settings["scanSystemNamespaces"].(bool); ok && !judge {
		return s.Bindings
	}
	out := slices.Clone(s.Bindings)
	for i := range out {
		out[i].ExcludedNamespaces = nil
	}
	return out
}

// KubernetesVersion returns the kubernetesVersion setting.
func (s *Selection) KubernetesVersion() string {
	v, _ := s.Settings["kubernetesVersion"].(string)
	return v
}

// Selects reports whether the profile's control patterns match id.
func (p *Profile) Selects(id string) bool {
	for _, pattern := range p.Controls {
		if ok, _ := path.Match(pattern, id); ok {
			return true
		}
	}
	return false
}

// unknownParameters reports each key of given (parameters.<ID> of file,
// decoded as doc, which may be nil) that is not a parameter of c, at the
// key's line.
func unknownParameters(c *policy.Control, given map[string]any, file string, doc *input.Document) []error {
	var errs []error
	for _, key := range c.UnknownParameters(given) {
		field := []any{"parameters", c.ID, key}
		line := 0
		if doc != nil {
			line = doc.Line(field)
		}
		errs = append(errs, &input.Error{File: cmp.Or(file, "(profile)"), Document: -1, Line: line,
			Err: fmt.Errorf("%s: %w", schema.FieldName(field), c.UnknownParameterError(key))})
	}
	return errs
}

// Select resolves a profile against the library: the profile's controls
// (every control of user libraries is added), settings as defaults ←
// profile ← config, and each control's parameters as its schema defaults ←
// matching settings ← the profile's per-control parameters ← the config's.
func (s *Schemas) Select(lib *policy.Library, p *Profile, cfg *Config) (*Selection, error) {
	settings := s.DefaultSettings()
	for k, v := range p.Settings {
		settings[k] = v
	}
	if cfg != nil {
		for k, v := range cfg.Settings {
			settings[k] = v
		}
	}
	if err := s.settings.Validate(settings); err != nil {
		return nil, fmt.Errorf("settings: %w", err)
	}

	chosen := map[string]bool{}
	var errs []error
	for _, pattern := range p.Controls {
		matched := false
		for _, c := range lib.Controls() {
			if ok, _ := path.Match(pattern, c.ID); ok {
				chosen[c.ID], matched = true, true
			}
		}
		if !matched {
			errs = append(errs, fmt.Errorf("profile %s (%s): %q matches no control", p.Name, p.File, pattern))
		}
	}
	for id := range p.Parameters {
		if !chosen[id] {
			errs = append(errs, fmt.Errorf("profile %s (%s): parameters given for %s, which the profile does not select", p.Name, p.File, id))
		}
	}
	for _, c := range lib.Controls() {
		if !c.Builtin {
			chosen[c.ID] = true
		}
	}
	if cfg != nil {
		for id := range cfg.Parameters {
			if !chosen[id] {
				errs = append(errs, fmt.Errorf("config %s: parameters given for %s, which profile %s does not select", cfg.File, id, p.Name))
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	sel := &Selection{Profile: p, Settings: settings, FailOn: DefaultFailOn}
	if p.FailOn != "" {
		sel.FailOn = p.FailOn
	}
	if cfg != nil && cfg.FailOn != "" {
		sel.FailOn = cfg.FailOn
	}
	if cfg != nil {
		sel.Scope = cfg.Scope
	}
	system := jsonvalue.Strings(settings["systemNamespaces"])
	ids := make([]string, 0, len(chosen))
	for id := range chosen {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		c, _ := lib.Control(id)
		params := c.Defaults()
		takesSystemNamespaces := false
		for _, name := range c.ParameterNames() {
			if v, ok := settings[name]; ok {
				params[name] = schema.Clone(v)
			}
			takesSystemNamespaces = takesSystemNamespaces || name == "systemNamespaces"
		}
		unknown := unknownParameters(c, p.Parameters[id], p.File, p.doc)
		for k, v := range p.Parameters[id] {
			params[k] = v
		}
		if cfg != nil {
			unknown = append(unknown, unknownParameters(c, cfg.Parameters[id], cfg.File, cfg.doc)...)
			for k, v := range cfg.Parameters[id] {
				params[k] = v
			}
		}
		if len(unknown) > 0 {
			// A misspelt parameter would leave the check it tunes at its
			// default, silently: it is an error at its line.
			errs = append(errs, unknown...)
			continue
		}
		if err := c.ValidateParameters(params); err != nil {
			errs = append(errs, err)
			continue
		}
		b := eval.Binding{Control: c, Parameters: params}
		if c.Admission && !takesSystemNamespaces {
			b.ExcludedNamespaces = system
		}
		sel.Bindings = append(sel.Bindings, b)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return sel, nil
}
