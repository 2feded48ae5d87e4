// Command release cross-compiles shipshape for the released platforms
// (make release): static, stripped binaries built with -trimpath and no VCS
// stamp, so two builds of one commit give the same bytes; a CycloneDX SBOM
// of each binary's modules, read from the binary itself; and SHA256SUMS of
// everything it wrote.
//
// The library's plan must be built first (make plan), or the binaries fall
// back to OPA's evaluator; release refuses to build without it.
package main

import (
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Targets are the released platforms.
var defaultTargets = "linux/amd64,linux/arm64,darwin/amd64,darwin/arm64,windows/amd64,windows/arm64"

func main() {
	var (
		out, version, targets string
	)
	flag.StringVar(&out, "o", "dist", "write the binaries, SBOMs and SHA256SUMS into `DIR` (emptied first)")
	flag.StringVar(&version, "version", "", "the version to embed (default: releaseVersion in cmd/shipshape/version.go)")
	flag.StringVar(&targets, "targets", defaultTargets, "comma-separated `GOOS/GOARCH` list")
	flag.Parse()
	if err := run(out, version, strings.Split(targets, ",")); err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}

func run(out, version string, targets []string) error {
	if _, err := os.Stat(filepath.Join("bundles", "plan", "built", "library.plan")); err != nil {
		return fmt.Errorf("no library plan (run make plan first, from the repository root): %w", err)
	}
	if version == "" {
		v, err := sourceVersion()
		if err != nil {
			return err
		}
		version = v
	}
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	var written []string
	for _, target := range targets {
		goos, goarch, ok := strings.Cut(strings.TrimSpace(target), "/")
		if !ok {
			return fmt.Errorf("target %q: want GOOS/GOARCH", target)
		}
		name := fmt.Sprintf("shipshape_%s_%s_%s", version, goos, goarch)
		if goos == "windows" {
			name += ".exe"
		}
		bin := filepath.Join(out, name)
		if err := build(bin, goos, goarch, version); err != nil {
			return fmt.Errorf("%s: %w", target, err)
		}
		sbom, err := SBOM(bin, version, goos, goarch)
		if err != nil {
			return fmt.Errorf("%s: SBOM: %w", target, err)
		}
		sbomName := strings.TrimSuffix(name, ".exe") + ".cdx.json"
		if err := os.WriteFile(filepath.Join(out, sbomName), sbom, 0o644); err != nil {
			return err
		}
		info, err := os.Stat(bin)
		if err != nil {
			return err
		}
		fmt.Printf("%s\t%.1f MiB\n", name, float64(info.Size())/(1<<20))
		written = append(written, name, sbomName)
	}
	return writeSums(out, written)
}

// build compiles one static, stripped, reproducible binary.
func build(bin, goos, goarch, version string) error {
	cmd := exec.Command("go", "build",
		"-trimpath", "-buildvcs=false",
		"-ldflags", "-s -w -buildid= -X main.buildVersion="+version,
		"-o", bin, "./cmd/shipshape")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch, "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %w\n%s", err, out)
	}
	return nil
}

// sourceVersion reads releaseVersion from cmd/shipshape/version.go.
func sourceVersion() (string, error) {
	data, err := os.ReadFile(filepath.Join("cmd", "shipshape", "version.go"))
	if err != nil {
		return "", err
	}
	m := regexp.MustCompile(`const releaseVersion = "([^"]+)"`).FindSubmatch(data)
	if m == nil {
		return "", errors.New("cmd/shipshape/version.go declares no releaseVersion")
	}
	return string(m[1]), nil
}

// writeSums writes SHA256SUMS in sha256sum's format, sorted by name.
func writeSums(dir string, names []string) error {
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		sum, err := fileSHA256(filepath.Join(dir, n))
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s  %s\n", sum, n)
	}
	return os.WriteFile(filepath.Join(dir, "SHA256SUMS"), []byte(b.String()), 0o644)
}

func fileSHA256(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}

// CycloneDX 1.5, the fields an SBOM of a Go binary needs.
type (
	bom struct {
		BOMFormat    string       `json:"bomFormat"`
		SpecVersion  string       `json:"specVersion"`
		SerialNumber string       `json:"serialNumber"`
		Version      int          `json:"version"`
		Metadata     bomMetadata  `json:"metadata"`
		Components   []component  `json:"components"`
		Dependencies []dependency `json:"dependencies"`
	}
	bomMetadata struct {
		Tools     bomTools  `json:"tools"`
		Component component `json:"component"`
	}
	bomTools struct {
		Components []component `json:"components"`
	}
	component struct {
		Type       string     `json:"type"`
		BOMRef     string     `json:"bom-ref,omitempty"`
		Name       string     `json:"name"`
		Version    string     `json:"version,omitempty"`
		PURL       string     `json:"purl,omitempty"`
		Hashes     []hash     `json:"hashes,omitempty"`
		Properties []property `json:"properties,omitempty"`
	}
	hash struct {
		Alg     string `json:"alg"`
		Content string `json:"content"`
	}
	property struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	dependency struct {
		Ref       string   `json:"ref"`
		DependsOn []string `json:"dependsOn"`
	}
)

// SBOM describes the modules compiled into bin, as its build information
// records them (what `go version -m` prints). Nothing in it depends on the
// time or the machine: the serial number derives from the binary's hash.
func SBOM(bin, version, goos, goarch string) ([]byte, error) {
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		return nil, err
	}
	sum, err := fileSHA256(bin)
	if err != nil {
		return nil, err
	}
	mainRef := purl(info.Main.Path, version)
	b := bom{
		BOMFormat:    "CycloneDX",
		SpecVersion:  "1.5",
		SerialNumber: "urn:uuid:" + uuidFrom(sum),
		Version:      1,
		Metadata: bomMetadata{
			Tools: bomTools{Components: []component{{Type: "application", Name: "shipshape release (cmd/release)"}}},
			Component: component{
				Type: "application", BOMRef: mainRef, Name: "shipshape", Version: version, PURL: mainRef,
				Hashes: []hash{{Alg: "SHA-256", Content: sum}},
				Properties: []property{
					{Name: "go", Value: info.GoVersion},
					{Name: "GOOS", Value: goos},
					{Name: "GOARCH", Value: goarch},
				},
			},
		},
	}
	std := component{Type: "library", Name: "stdlib", Version: info.GoVersion, PURL: purl("stdlib", info.GoVersion)}
	std.BOMRef = std.PURL
	b.Components = append(b.Components, std)
	deps := []string{std.BOMRef}
	for _, m := range info.Deps {
		if m.Replace != nil {
			m = m.Replace
		}
		c := component{Type: "library", Name: m.Path, Version: m.Version, PURL: purl(m.Path, m.Version)}
		c.BOMRef = c.PURL
		if m.Sum != "" {
			// go.sum's h1 hash covers the module's file tree, not an
			// artefact CycloneDX hashes name, so it is a property.
			c.Properties = []property{{Name: "go.sum", Value: m.Sum}}
		}
		b.Components = append(b.Components, c)
		deps = append(deps, c.BOMRef)
	}
	b.Dependencies = []dependency{{Ref: mainRef, DependsOn: deps}}
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// purl is a Go package URL (pkg:golang/...).
func purl(path, version string) string {
	if version == "" || version == "(devel)" {
		return "pkg:golang/" + path
	}
	return "pkg:golang/" + path + "@" + version
}

// uuidFrom formats the first 16 bytes of a hex hash as a version-5-shaped
// UUID, so the serial number is stable for identical binaries.
func uuidFrom(hexSum string) string {
	raw, _ := hex.DecodeString(hexSum[:32])
	raw[6] = raw[6]&0x0f | 0x50
	raw[8] = raw[8]&0x3f | 0x80
	h := hex.EncodeToString(raw)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
