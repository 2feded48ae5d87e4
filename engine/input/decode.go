package input

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	yaml3 "go.yaml.in/yaml/v3"
	"sigs.k8s.io/yaml"

	"github.com/shipshape-dev/shipshape/engine/azure"
)

// File is everything read from one input file.
type File struct {
	Name string
	// Documents counts the documents with content in the file.
	Documents int
	Objects   []*Object
	// Skipped lists documents that are not Kubernetes objects; they are
	// reported, never silently dropped.
	Skipped []Skipped
	// Errors lists what could not be read; each is an *Error.
	Errors []error
	// Ignored lists files and directories under a rendered directory that
	// were not read (a kustomization's unreferenced folders).
	Ignored []Ignored
}

// Ignored is a path that was not read, and why.
type Ignored struct {
	Path   string
	Reason string
}

// Skipped is a document that holds no Kubernetes object.
type Skipped struct {
	Source
	Reason string
}

// Error is an input problem located in a file.
type Error struct {
	File     string
	Document int // -1 when the problem is not inside a document
	Line     int // 0 when unknown
	Err      error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Document >= 0 {
		fmt.Fprintf(&b, ": document %d", e.Document)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// maxListDepth bounds List-in-List nesting.
const maxListDepth = 8

// decodeFile splits data into documents and decodes each one.
func decodeFile(name string, data []byte, limits Limits) *File {
	f := &File{Name: name}
	chunks, err := splitDocuments(data, limits.MaxDocuments)
	if err != nil {
		err.File = name
		f.Errors = append(f.Errors, err)
		return f
	}
	f.Documents = len(chunks)
	for i, c := range chunks {
		f.decodeDocument(i, c, limits)
	}
	return f
}

var yamlLineRE = regexp.MustCompile(`line (\d+): `)

// decodeDocument decodes one document of a manifest stream.
func (f *File) decodeDocument(index int, c chunk, limits Limits) {
	value, doc, err := parseChunk(c, limits)
	if err != nil {
		err.File, err.Document = f.Name, index
		f.Errors = append(f.Errors, err)
		return
	}
	src := Source{File: f.Name, Document: index, Line: doc.lineOf(nil)}
	if src.Line == 0 {
		src.Line = c.startLine
	}
	f.addValue(value, src, doc, nil, 0)
}

// parseChunk parses one document with yaml.v3 for line numbers and
// duplicate keys, and gives its value as sigs.k8s.io/yaml (what kubectl
// sends to the API server) decodes it: from the nodes when nodeValue can,
// else with sigs.k8s.io/yaml itself. The returned error has Line set; File and Document are
// the caller's to fill.
func parseChunk(c chunk, limits Limits) (any, *document, *Error) {
	// yaml.v3 parses without expanding aliases, so the document's shape is
	// checked before anything expands it.
	var root yaml3.Node
	parsed := yaml3.Unmarshal(c.data, &root) == nil && root.Kind == yaml3.DocumentNode && len(root.Content) == 1
	if parsed {
		if line, lerr := checkShape(root.Content[0], limits); lerr != nil {
			return nil, nil, &Error{Document: -1, Line: line + c.startLine - 1, Err: lerr}
		}
		if value, ok := valueFromNodes(c.data, root.Content[0]); ok {
			return finishChunk(value, root.Content[0], c)
		}
	}
	value, err := sigsValue(c.data)
	var syntax *yamlSyntaxError
	switch {
	case errors.As(err, &syntax):
		if line, text := placeholder(c.data); line > 0 {
			return nil, nil, &Error{Document: -1, Line: line + c.startLine - 1, Err: fmt.Errorf(
				"the file looks like an unrendered template: %q is a template placeholder, not YAML; render it first (helm template, kustomize build, envsubst) or scan the chart's directory", text)}
		}
		line, msg := relocate(err.Error(), c.startLine)
		return nil, nil, &Error{Document: -1, Line: line, Err: errors.New(msg)}
	case err != nil:
		return nil, nil, &Error{Document: -1, Line: c.startLine, Err: err}
	}
	var root0 *yaml3.Node
	if parsed {
		root0 = root.Content[0]
	}
	return finishChunk(value, root0, c)
}

// yamlSyntaxError is what sigs.k8s.io/yaml said of a document.
type yamlSyntaxError struct{ err error }

func (e *yamlSyntaxError) Error() string { return e.err.Error() }

// sigsValue decodes a document with sigs.k8s.io/yaml, numbers as
// json.Number.
func sigsValue(data []byte) (any, error) {
	jsonData, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, &yamlSyntaxError{err}
	}
	var value any
	dec := json.NewDecoder(bytes.NewReader(jsonData))
	dec.UseNumber()
	if err := dec.Decode(&value); err != nil {
		return nil, fmt.Errorf("decoding document: %w", err)
	}
	return value, nil
}

// finishChunk refuses duplicate keys, which kubectl's strict decoding
// rejects, and pairs the value with its nodes (root is nil when yaml.v3
// could not parse the document).
func finishChunk(value any, root *yaml3.Node, c chunk) (any, *document, *Error) {
	doc := &document{startLine: c.startLine, root: root}
	if root != nil {
		if line, key, first := findDuplicateKey(root); line > 0 {
			return nil, nil, &Error{Document: -1, Line: line + c.startLine - 1,
				Err: fmt.Errorf("duplicate key %q (first set on line %d); kubectl's strict decoding rejects duplicate fields, remove one", key, first+c.startLine-1)}
		}
	}
	return value, doc, nil
}

// addValue classifies a decoded value: an object, a List to expand, or
// something that is not a Kubernetes object.
func (f *File) addValue(value any, src Source, doc *document, prefix []any, depth int) {
	if depth == 0 && f.addAzure(value, src, doc) {
		return
	}
	if depth == 0 {
		if types, ok := azure.NothingJudged(value); ok {
			f.Skipped = append(f.Skipped, Skipped{Source: src, Reason: azureNothingJudged(types)})
			return
		}
	}
	m, ok := value.(map[string]any)
	if !ok {
		f.Skipped = append(f.Skipped, Skipped{Source: src, Reason: "not a Kubernetes object: the document is " + describeType(value)})
		return
	}
	fail := func(path []any, format string, args ...any) {
		f.Errors = append(f.Errors, &Error{File: f.Name, Document: src.Document, Line: doc.lineOf(append(append([]any{}, prefix...), path...)), Err: fmt.Errorf(format, args...)})
	}
	kindValue, hasKind := m["kind"]
	kind, kindIsString := kindValue.(string)
	switch {
	case !hasKind:
		f.Skipped = append(f.Skipped, Skipped{Source: src, Reason: "not a Kubernetes object: it has no kind"})
		return
	case !kindIsString:
		fail([]any{"kind"}, "kind must be a string, not %s", describeType(kindValue))
		return
	case kind == "":
		fail([]any{"kind"}, "kind must not be empty")
		return
	}
	if v, ok := m["apiVersion"]; ok {
		if _, isString := v.(string); !isString {
			fail([]any{"apiVersion"}, "apiVersion must be a string, not %s", describeType(v))
			return
		}
	} else {
		f.Skipped = append(f.Skipped, Skipped{Source: src, Reason: fmt.Sprintf("%s has no apiVersion, so kubectl cannot apply it", kind)})
		return
	}
	if md, ok := m["metadata"]; ok && md != nil {
		if _, isMap := md.(map[string]any); !isMap {
			fail([]any{"metadata"}, "metadata must be a mapping, not %s", describeType(md))
			return
		}
	}

	if items, isList := m["items"]; isList && strings.HasSuffix(kind, "List") {
		list, ok := items.([]any)
		if !ok && items != nil {
			fail([]any{"items"}, "%s.items must be a list, not %s", kind, describeType(items))
			return
		}
		if depth >= maxListDepth {
			fail(nil, "Lists nested more than %d deep", maxListDepth)
			return
		}
		for i, item := range list {
			itemPrefix := append(append([]any{}, prefix...), "items", i)
			itemSrc := src
			itemSrc.Item = append(append([]int{}, src.Item...), i)
			itemSrc.Line = doc.lineOf(itemPrefix)
			if itemSrc.Line == 0 {
				itemSrc.Line = src.Line
			}
			if _, isMap := item.(map[string]any); !isMap {
				fail([]any{"items", i}, "%s item %d is %s, not an object", kind, i, describeType(item))
				continue
			}
			f.addValue(item, itemSrc, doc, itemPrefix, depth+1)
		}
		return
	}
	dropGeneratedAnnotation(m)
	f.Objects = append(f.Objects, &Object{Source: src, Value: m, doc: doc, prefix: prefix})
}

// addAzure adds the AKS clusters and registries of an Azure resource
// document (ARM template, az CLI or exported JSON, Terraform plan), each
// mapping its fields back to the document's lines. It reports whether the
// document was one.
func (f *File) addAzure(value any, src Source, doc *document) bool {
	resources := azure.NormalizeWith(value, armParameters(f.Name))
	for i, r := range resources {
		inDeployment(r.Value, f.Name)
		locate := r.Locate
		o := &Object{Source: src, Value: r.Value}
		o.Item = []int{i}
		if line := doc.lineOf(locate(nil)); line > 0 {
			o.Line = line
		}
		o.locate = func(path []any) int { return doc.lineOf(locate(path)) }
		f.Objects = append(f.Objects, o)
	}
	return len(resources) > 0
}

// AzureNothingJudgedPrefix starts the reason of an Azure resource document
// that holds nothing shipshape judges.
const AzureNothingJudgedPrefix = "an Azure resource document with nothing the AKS and ACR controls judge"

func azureNothingJudged(types []string) string {
	holds := ""
	if len(types) > 0 {
		holds = " (it holds " + strings.Join(types, ", ") + ")"
	}
	return AzureNothingJudgedPrefix + holds + ": they judge Microsoft.ContainerService/managedClusters, Microsoft.ContainerRegistry/registries and the role assignments, diagnostic settings, private endpoints, extensions and Defender plans around them"
}

// inDeployment names the deployment an Azure resource belongs to: the file
// (a template, a plan, a module), with the nested deployment inside it.
func inDeployment(value map[string]any, file string) {
	if nested, _ := value[azure.DeploymentKey].(string); nested != "" {
		file += "#" + nested
	}
	value[azure.DeploymentKey] = file
}

// relocate turns a yaml error's document-relative "line N: " into a file
// line and returns it with the message minus that prefix (the caller's
// Error prints the line).
// placeholderRE matches a Go, Jinja or Mustache template action.
var placeholderRE = regexp.MustCompile(`\{\{-?\s*[^{}]*?\s*-?\}\}|\{%[^%]*%\}`)

// placeholder returns the 1-based line of the first template placeholder
// outside a comment, and the placeholder; 0 when there is none.
func placeholder(data []byte) (int, string) {
	for i, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		if m := placeholderRE.FindString(line); m != "" {
			return i + 1, m
		}
	}
	return 0, ""
}

func relocate(msg string, startLine int) (int, string) {
	msg = strings.TrimPrefix(msg, "error converting YAML to JSON: ")
	line := startLine
	if m := yamlLineRE.FindStringSubmatchIndex(msg); m != nil {
		n, _ := strconv.Atoi(msg[m[2]:m[3]])
		line = n + startLine - 1
		msg = msg[:m[0]] + msg[m[1]:]
	}
	msg = strings.Replace(msg, "yaml: ", "YAML syntax error: ", 1)
	return line, msg
}

// findDuplicateKey walks the node tree and returns the line and key of the
// first mapping key set twice (merge keys excepted), and the line of its
// first occurrence.
func findDuplicateKey(root *yaml3.Node) (line int, key string, first int) {
	stack := []*yaml3.Node{root}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch n.Kind {
		case yaml3.MappingNode:
			seen := make(map[string]int, len(n.Content)/2)
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				if !isMergeKey(k) {
					rk := resolvedKey(k)
					if at, dup := seen[rk]; dup {
						return k.Line, rk, at
					}
					seen[rk] = k.Line
				}
				stack = append(stack, n.Content[i+1])
			}
		case yaml3.SequenceNode:
			stack = append(stack, n.Content...)
		}
	}
	return 0, "", 0
}

func describeType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "a mapping"
	case []any:
		return "a list"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number, float64, int, int64:
		return "a number"
	}
	return fmt.Sprintf("%T", v)
}

// Document is one YAML document that is not necessarily a Kubernetes object
// (a configuration file, a profile, a test-case file), decoded with the same
// semantics as manifests.
type Document struct {
	Value any
	doc   *document
}

// Line returns the file line of the value at path, or of its nearest
// present ancestor.
func (d *Document) Line(path []any) int { return d.doc.lineOf(path) }

// DecodeDocument decodes data, which must hold exactly one YAML document.
// Errors are *Error values naming name and the line.
func DecodeDocument(name string, data []byte) (*Document, error) {
	limits := Limits{}.WithDefaults()
	chunks, err := splitDocuments(data, limits.MaxDocuments)
	if err != nil {
		err.File = name
		return nil, err
	}
	switch len(chunks) {
	case 0:
		return &Document{doc: &document{startLine: 1}}, nil
	case 1:
	default:
		return nil, &Error{File: name, Document: 1, Line: chunks[1].startLine, Err: errors.New("expected a single YAML document")}
	}
	value, doc, perr := parseChunk(chunks[0], limits)
	if perr != nil {
		perr.File = name
		return nil, perr
	}
	return &Document{Value: value, doc: doc}, nil
}

// armParameters reads the parameters file beside an ARM template, as the
// quickstarts ship them (azuredeploy.json and azuredeploy.parameters.json,
// main.json and main.parameters.json): its "parameters" object, or nil.
func armParameters(template string) map[string]any {
	ext := filepath.Ext(template)
	if !strings.EqualFold(ext, ".json") || strings.HasSuffix(strings.ToLower(template), ".parameters.json") {
		return nil
	}
	data, err := os.ReadFile(strings.TrimSuffix(template, ext) + ".parameters" + ext)
	if err != nil || len(data) > 8<<20 {
		return nil
	}
	var doc struct {
		Parameters map[string]any `json:"parameters"`
	}
	if json.Unmarshal(data, &doc) != nil {
		return nil
	}
	return doc.Parameters
}
