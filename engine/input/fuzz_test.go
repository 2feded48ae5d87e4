package input

import (
	"errors"
	"strings"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to the manifest loader: it must never
// panic, every error must name the file, and every object must have a
// location and answer line lookups.
func FuzzLoad(f *testing.F) {
	for _, seed := range []string{
		"apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n",
		"apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Pod}\n- 3\n",
		"a: &x {b: 1}\nc:\n  <<: *x\n  b: 2\napiVersion: v1\nkind: Pod\n",
		"---\n---\n--- # c\nkind: [1]\n",
		"{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"spec\":{\"containers\":{}}}",
		"\xef\xbb\xbfapiVersion: v1\r\nkind: Pod\r\n",
		"a: 1\na: 2\n",
		"--- !!map\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file := ParseBytes("fuzz.yaml", data)
		for _, err := range file.Errors {
			var e *Error
			if !errors.As(err, &e) || e.File != "fuzz.yaml" || !strings.HasPrefix(err.Error(), "fuzz.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
		}
		for _, o := range file.Objects {
			if o.Line < 1 || o.Document < 0 {
				t.Fatalf("object without a location: %+v", o.Source)
			}
			_ = o.FieldLine([]any{"spec", "containers", 0, "securityContext"})
			_ = o.Kind() + o.Name() + o.Namespace() + o.Group() + o.EffectiveNamespace()
		}
	})
}
