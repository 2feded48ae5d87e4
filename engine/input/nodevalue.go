package input

import (
	"bytes"
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	yaml3 "go.yaml.in/yaml/v3"
)

// valueFromNodes is the document's value built from its nodes, or ok false
// when sigs.k8s.io/yaml must decode it. yaml.v3 resolves the non-specific
// tag `!` away (`! 1` becomes an integer where yaml.v2 keeps "1"), so a
// document with a `!` anywhere is left to sigs.k8s.io/yaml.
func valueFromNodes(data []byte, root *yaml3.Node) (any, bool) {
	if bytes.IndexByte(data, '!') >= 0 {
		return nil, false
	}
	return nodeValue(root)
}

// nodeValue is the value sigs.k8s.io/yaml gives a document (YAML 1.1
// scalars as yaml.v2 resolves them, then a JSON round trip with numbers
// kept as json.Number), built from the yaml.v3 nodes that are parsed for
// line numbers anyway, so a document is parsed once instead of three times.
// ok is false for anything it does not reproduce exactly (explicit tags,
// merge keys, null, non-scalar or repeated keys, invalid UTF-8, infinite
// or NaN floats); the caller then decodes with sigs.k8s.io/yaml itself.
// TestNodeValueIsSigsYAML holds the two to the same values.
func nodeValue(n *yaml3.Node) (any, bool) {
	if n.Style&yaml3.TaggedStyle != 0 {
		return nil, false
	}
	switch n.Kind {
	case yaml3.AliasNode:
		// checkShape has refused anchors that contain themselves.
		return nodeValue(n.Alias)
	case yaml3.ScalarNode:
		if n.Style != 0 { // quoted, literal or folded: a string
			return stringValue(n.Value)
		}
		return plainValue(resolve11(n.Value))
	case yaml3.SequenceNode:
		out := make([]any, len(n.Content))
		for i, c := range n.Content {
			v, ok := nodeValue(c)
			if !ok {
				return nil, false
			}
			out[i] = v
		}
		return out, true
	case yaml3.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, ok := keyValue(n.Content[i])
			if !ok {
				return nil, false
			}
			if _, dup := out[k]; dup {
				return nil, false
			}
			v, ok := nodeValue(n.Content[i+1])
			if !ok {
				return nil, false
			}
			out[k] = v
		}
		return out, true
	}
	return nil, false
}

// keyValue is the JSON object key sigs.k8s.io/yaml makes of a mapping key.
func keyValue(k *yaml3.Node) (string, bool) {
	k = deref(k)
	if k.Kind != yaml3.ScalarNode || k.Style&yaml3.TaggedStyle != 0 {
		return "", false
	}
	if k.Style != 0 {
		return validString(k.Value)
	}
	switch v := resolve11(k.Value).(type) {
	case string:
		return validString(v)
	case bool:
		return strconv.FormatBool(v), true
	case int64:
		return strconv.FormatInt(v, 10), true
	case float64:
		switch {
		case math.IsInf(v, 1):
			return ".inf", true
		case math.IsInf(v, -1):
			return "-.inf", true
		case math.IsNaN(v):
			return ".nan", true
		}
		// sigs.k8s.io/yaml formats float keys at 32 bits.
		return strconv.FormatFloat(v, 'g', -1, 32), true
	}
	return "", false // null, merge and unsigned 64-bit keys
}

// plainValue is a resolved plain scalar after the JSON round trip.
func plainValue(v any) (any, bool) {
	switch v := v.(type) {
	case nil, bool:
		return v, true
	case string:
		return stringValue(v)
	case int64:
		return json.Number(strconv.FormatInt(v, 10)), true
	case uint64:
		return json.Number(strconv.FormatUint(v, 10)), true
	case float64:
		b, err := json.Marshal(v) // as sigs.k8s.io/yaml writes it; NaN and ±Inf fail there too
		if err != nil {
			return nil, false
		}
		return json.Number(b), true
	}
	return nil, false
}

// stringValue is s after a JSON round trip, which replaces invalid UTF-8.
func stringValue(s string) (any, bool) {
	if !utf8.ValidString(s) {
		return nil, false
	}
	return s, true
}

func validString(s string) (string, bool) {
	return s, utf8.ValidString(s)
}

// mergeKey stands for the YAML 1.1 merge key `<<` as a resolved value.
type mergeKey struct{}

// yaml11Float is yaml.v2's pattern for a float written without a leading
// dot.
var yaml11Float = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

// resolve11 resolves an untagged plain scalar as yaml.v2 does (YAML 1.1:
// y/yes/on are true, leading-0 octal, 0x and 0b integers, `_` separators).
// Timestamps stay strings, as yaml.v2 leaves them for an interface{}.
// Integers come back as int64, or uint64 beyond it.
func resolve11(in string) any {
	switch in {
	case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON":
		return true
	case "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF":
		return false
	case "", "~", "null", "Null", "NULL":
		return nil
	case ".nan", ".NaN", ".NAN":
		return math.NaN()
	case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF":
		return math.Inf(1)
	case "-.inf", "-.Inf", "-.INF":
		return math.Inf(-1)
	case "<<":
		return mergeKey{}
	}
	switch c := in[0]; {
	case c == '.':
		if f, err := strconv.ParseFloat(in, 64); err == nil {
			return f
		}
	case c == '+' || c == '-' || ('0' <= c && c <= '9'):
		plain := strings.ReplaceAll(in, "_", "")
		if i, err := strconv.ParseInt(plain, 0, 64); err == nil {
			return i
		}
		if u, err := strconv.ParseUint(plain, 0, 64); err == nil {
			return u
		}
		if yaml11Float.MatchString(plain) {
			if f, err := strconv.ParseFloat(plain, 64); err == nil {
				return f
			}
		}
		if rest, ok := strings.CutPrefix(plain, "0b"); ok {
			if i, err := strconv.ParseInt(rest, 2, 64); err == nil {
				return i
			}
			if u, err := strconv.ParseUint(rest, 2, 64); err == nil {
				return u
			}
		} else if rest, ok := strings.CutPrefix(plain, "-0b"); ok {
			if i, err := strconv.ParseInt("-"+rest, 2, 64); err == nil {
				return i
			}
		}
	}
	return in
}
