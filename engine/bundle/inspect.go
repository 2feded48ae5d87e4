package bundle

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	opabundle "github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/keys"
)

// Info describes a bundle file.
type Info struct {
	Revision    string         `json:"revision"`
	Roots       []string       `json:"roots"`
	Metadata    map[string]any `json:"metadata,omitempty"`
	Modules     []string       `json:"modules"`
	Controls    []string       `json:"controls"`
	Entrypoints []string       `json:"entrypoints,omitempty"`
	Signed      bool           `json:"signed"`
	// KeyID and Algorithm come from the signature's header, unverified.
	KeyID     string `json:"keyid,omitempty"`
	Algorithm string `json:"algorithm,omitempty"`
	// Verified is true when Verify checked the signature.
	Verified bool `json:"verified"`
}

// VerificationKey is what OPA's `keys` configuration holds for one key.
type VerificationKey struct {
	// Key is a PEM public key (or certificate) for RS*, ES* and PS*, the
	// shared secret for HS*.
	Key string
	// Algorithm defaults to RS256.
	Algorithm string
	// KeyID must match the signature's kid when the signature names one.
	KeyID string
	// Scope, when set, must equal the signature's scope claim.
	Scope string
}

// Inspect reads a bundle without checking its signature.
func Inspect(data []byte) (*Info, error) {
	b, err := opabundle.NewReader(bytes.NewReader(data)).WithSkipBundleVerification(true).Read()
	if err != nil {
		return nil, fmt.Errorf("reading the bundle: %w", err)
	}
	// Skipping verification also skips the signatures file; read it here.
	sigs, err := signatures(data)
	if err != nil {
		return nil, err
	}
	b.Signatures.Signatures = sigs
	return describe(b), nil
}

// signatures returns the JWTs of a bundle's .signatures.json, if any.
func signatures(data []byte) ([]string, error) {
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("reading the bundle: %w", err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading the bundle: %w", err)
		}
		if !opabundle.IsSignaturesFile(h.Name) {
			continue
		}
		var doc struct {
			Signatures []string `json:"signatures"`
		}
		if err := json.NewDecoder(io.LimitReader(tr, 1<<20)).Decode(&doc); err != nil {
			return nil, fmt.Errorf("reading %s: %w", h.Name, err)
		}
		return doc.Signatures, nil
	}
}

// Verify reads a bundle and checks its signature the way OPA does with the
// same key configuration; an unsigned, tampered or wrongly signed bundle
// is an error.
func Verify(data []byte, key VerificationKey) (*Info, error) {
	alg := key.Algorithm
	if alg == "" {
		alg = "RS256"
	}
	id := key.KeyID
	if id == "" {
		id = "default"
	}
	if !keys.IsSupportedAlgorithm(alg) {
		return nil, fmt.Errorf("verification key: unsupported algorithm %q", alg)
	}
	// The key is given as content; keys.NewKeyConfig would first try it as
	// a file name.
	kc := &keys.Config{Key: key.Key, Algorithm: alg, Scope: key.Scope}
	cfg := opabundle.NewVerificationConfig(map[string]*opabundle.KeyConfig{id: kc}, id, key.Scope, nil)
	b, err := opabundle.NewReader(bytes.NewReader(data)).WithBundleVerificationConfig(cfg).Read()
	if err != nil {
		return nil, fmt.Errorf("verifying the bundle: %w", err)
	}
	info := describe(b)
	info.Verified = true
	return info, nil
}

func describe(b opabundle.Bundle) *Info {
	info := &Info{Revision: b.Manifest.Revision, Metadata: b.Manifest.Metadata}
	if b.Manifest.Roots != nil {
		info.Roots = append(info.Roots, *b.Manifest.Roots...)
	}
	for _, m := range b.Modules {
		info.Modules = append(info.Modules, strings.TrimPrefix(m.Path, "/"))
	}
	sort.Strings(info.Modules)
	if cfg, ok := b.Data[ConfigRoot].(map[string]any); ok {
		if controls, ok := cfg["controls"].(map[string]any); ok {
			for id := range controls {
				info.Controls = append(info.Controls, id)
			}
		}
	}
	sort.Strings(info.Controls)
	if eps, ok := b.Manifest.Metadata["entrypoints"].([]any); ok {
		for _, e := range eps {
			if s, ok := e.(string); ok {
				info.Entrypoints = append(info.Entrypoints, s)
			}
		}
	}
	if len(b.Signatures.Signatures) > 0 {
		info.Signed = true
		info.KeyID, info.Algorithm = signatureHeader(b.Signatures.Signatures[0])
	}
	return info
}

// signatureHeader reads kid and alg from a JWS header without verifying.
func signatureHeader(token string) (kid, alg string) {
	head, _, _ := strings.Cut(token, ".")
	raw, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		return "", ""
	}
	var h struct {
		Kid string `json:"kid"`
		Alg string `json:"alg"`
	}
	_ = json.Unmarshal(raw, &h)
	return h.Kid, h.Alg
}
