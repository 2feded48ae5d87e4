package dockerfile

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds arbitrary bytes to the Dockerfile normaliser: it must
// never panic, a failure must be an *Error, and a success must be a JSON
// object with the shape the library reads.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("../../library/*/*/testdata/*Dockerfile")
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	for _, s := range []string{
		"FROM alpine\nUSER 1000\n",
		"ARG BASE=alpine:3.20\nFROM ${BASE:-x} AS build\nRUN <<EOF\necho hi\nEOF\nFROM scratch\nCOPY --from=build / /\n",
		"FROM a\nADD --checksum=sha256:00 https://x/y /z\nENV A=b C=d\nHEALTHCHECK NONE\n",
		"\\\n\\\n",
		"FROM",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Parse("Dockerfile", data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Line < 0 {
				t.Fatalf("error is not a located *Error: %#v", err)
			}
			return
		}
		if v["kind"] != "Dockerfile" {
			t.Fatalf("kind = %v", v["kind"])
		}
		if _, err := json.Marshal(v); err != nil {
			t.Fatalf("not JSON: %v", err)
		}
	})
}
