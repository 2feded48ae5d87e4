package input

import (
	"encoding/base64"
	"slices"
	"strings"
)

// GeneratedDataAnnotation names the keys of a Secret rendered from a chart
// whose values are in no source file: the template made them when it was
// rendered (genCA, genSignedCert, randAlphaNum) or they were passed with
// --set. The host sets it, never the input: a Secret that carries it is
// judged with it removed, so a manifest cannot claim its data is generated.
const GeneratedDataAnnotation = "shipshape.dev/rendered-generated-keys"

// dropGeneratedAnnotation removes the annotation from an object read from
// input.
func dropGeneratedAnnotation(m map[string]any) {
	meta, _ := m["metadata"].(map[string]any)
	annotations, _ := meta["annotations"].(map[string]any)
	delete(annotations, GeneratedDataAnnotation)
}

// markGeneratedData sets GeneratedDataAnnotation on a Secret rendered from
// a chart template when some of its data is written in none of the sources
// (the template's lines and the values files).
func markGeneratedData(o *Object, sources [][]string) {
	if o.Kind() != "Secret" || o.Group() != "" {
		return
	}
	var generated []string
	for _, field := range []string{"data", "stringData"} {
		entries, _ := o.Value[field].(map[string]any)
		for key, v := range entries {
			value, ok := v.(string)
			if !ok || value == "" {
				continue
			}
			if !writtenIn(sources, value, field == "data") {
				generated = append(generated, key)
			}
		}
	}
	if len(generated) == 0 {
		return
	}
	slices.Sort(generated)
	meta, _ := o.Value["metadata"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
		o.Value["metadata"] = meta
	}
	annotations, _ := meta["annotations"].(map[string]any)
	if annotations == nil {
		annotations = map[string]any{}
		meta["annotations"] = annotations
	}
	annotations[GeneratedDataAnnotation] = strings.Join(slices.Compact(generated), ",")
}

// writtenIn reports whether a rendered value is written in a source: as
// rendered, or (for base64 data) decoded. A multi-line value is found by
// its longest line (not a PEM header, which every certificate shares).
func writtenIn(sources [][]string, value string, encoded bool) bool {
	needles := []string{telling(value)}
	if encoded {
		if plain, err := base64.StdEncoding.DecodeString(value); err == nil && len(plain) > 0 {
			needles = append(needles, telling(string(plain)))
		}
	}
	for _, lines := range sources {
		for _, line := range lines {
			for _, n := range needles {
				if n != "" && strings.Contains(line, n) {
					return true
				}
			}
		}
	}
	return false
}

// telling is the line of s that identifies it: the longest, leaving out
// PEM armour lines.
func telling(s string) string {
	best := ""
	for line := range strings.SplitSeq(s, "\n") {
		t := strings.TrimSpace(line)
		if !strings.HasPrefix(t, "-----") && len(t) > len(best) {
			best = t
		}
	}
	return best
}
