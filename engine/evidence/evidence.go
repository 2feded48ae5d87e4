// Package evidence reads what the supply chain says about images: Trivy
// JSON vulnerability reports, CycloneDX and SPDX JSON SBOMs, and signature
// verification results (`cosign verify` JSON, `notation verify` output).
// Each becomes an object (group evidence.shipshape.dev) that controls find
// in data.inventory, keyed by the image's full reference and digest, so a
// workload's image is matched by digest or by its complete reference.
package evidence

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/distribution/reference"

	"github.com/shipshape-dev/shipshape/engine/input"
	"github.com/shipshape-dev/shipshape/engine/internal/jsonvalue"
)

// Identity of evidence objects.
const (
	APIVersion    = "evidence.shipshape.dev/v1"
	KindScan      = "ImageScan"
	KindSBOM      = "ImageSBOM"
	KindSignature = "ImageSignature"
)

// MaxFileSize bounds one evidence file.
const MaxFileSize = 64 << 20

// Load reads evidence files and directories. Files are recognised by
// content, whatever their name (Trivy's own test reports end in
// .json.golden). A file named on the command line that is no known format
// is an error; one found in a directory is listed as ignored, with why.
func Load(paths []string) ([]*input.Object, []input.Ignored, []error) {
	var (
		objects []*input.Object
		ignored []input.Ignored
		errs    []error
	)
	for _, p := range paths {
		files, err := expand(p)
		if err != nil {
			errs = append(errs, &input.Error{File: p, Document: -1, Err: err})
			continue
		}
		walked := len(files) != 1 || files[0] != p
		found := 0
		for _, f := range files {
			objs, err := loadFile(f)
			switch {
			case err != nil && walked:
				ignored = append(ignored, input.Ignored{Path: f, Reason: "not evidence: " + err.Error()})
			case err != nil:
				errs = append(errs, &input.Error{File: f, Document: -1, Err: err})
			default:
				found++
				objects = append(objects, objs...)
			}
		}
		if walked && found == 0 {
			errs = append(errs, &input.Error{File: p, Document: -1, Err: errors.New("no evidence file found (Trivy JSON reports, CycloneDX or SPDX JSON SBOMs, cosign or notation verification output)")})
		}
	}
	return objects, ignored, errs
}

func expand(p string) ([]string, error) {
	info, err := os.Stat(p)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, pe.Err
		}
		return nil, err
	}
	if !info.IsDir() {
		return []string{p}, nil
	}
	var files []string
	err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && path != p {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && !strings.HasPrefix(d.Name(), ".") {
			files = append(files, path)
		}
		return nil
	})
	sort.Strings(files)
	return files, err
}

func loadFile(name string) ([]*input.Object, error) {
	info, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if info.Size() > MaxFileSize {
		return nil, fmt.Errorf("evidence file is larger than %d bytes", MaxFileSize)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return Parse(name, data)
}

// Parse recognises one evidence document and normalises it.
func Parse(name string, data []byte) ([]*input.Object, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, errors.New("empty evidence file")
	}
	if trimmed[0] != '{' && trimmed[0] != '[' {
		return notation(name, string(data))
	}
	var doc any
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	switch v := doc.(type) {
	case map[string]any:
		switch {
		case v["SchemaVersion"] != nil && v["ArtifactName"] != nil:
			return trivy(name, v)
		case str(v["bomFormat"]) == "CycloneDX":
			return sbom(name, "cyclonedx", cycloneDXImages(v))
		case str(v["spdxVersion"]) != "":
			return sbom(name, "spdx", spdxImages(v))
		}
	case []any:
		if objs, ok := cosign(name, v); ok {
			return objs, nil
		}
	}
	return nil, errors.New("not a Trivy JSON report, a CycloneDX or SPDX JSON SBOM, or cosign/notation verification output")
}

// image is an image identity: its full reference and manifest digest.
type image struct {
	ref    string // normalised name[:tag], "" when unknown
	digest string // sha256:..., "" when unknown
}

func (i image) value() map[string]any {
	return map[string]any{"reference": i.ref, "digest": i.digest}
}

// parseImage normalises a reference the way runtimes do (docker.io and
// library/ implied) into its full name with tag, and its digest.
func parseImage(s string) image {
	s = strings.TrimSpace(s)
	if s == "" {
		return image{}
	}
	named, err := reference.ParseNormalizedNamed(s)
	if err != nil {
		if strings.HasPrefix(s, "sha256:") {
			return image{digest: s}
		}
		return image{}
	}
	var img image
	if d, ok := named.(reference.Digested); ok {
		img.digest = d.Digest().String()
	}
	img.ref = named.Name()
	if t, ok := named.(reference.Tagged); ok {
		img.ref += ":" + t.Tag()
	}
	return img
}

func object(kind, name string, index int, img image, spec map[string]any) *input.Object {
	return input.NewObject(input.Source{File: name, Line: 1}, map[string]any{
		"apiVersion": APIVersion,
		"kind":       kind,
		"metadata":   map[string]any{"name": fmt.Sprintf("%s#%d", filepath.ToSlash(name), index)},
		"image":      img.value(),
		"spec":       spec,
	})
}

// trivy reads `trivy image --format json`: the image from ArtifactName
// (unless it names an image tarball, `trivy image --input x.tar`),
// Metadata.RepoTags and Metadata.RepoDigests, every vulnerability with its
// severity and whether a fix exists.
func trivy(name string, v map[string]any) ([]*input.Object, error) {
	var images []image
	artifact := str(v["ArtifactName"])
	if !isArchive(artifact) {
		images = append(images, parseImage(artifact))
	}
	if meta, ok := v["Metadata"].(map[string]any); ok {
		images = append(images, repoImages(jsonvalue.Strings(meta["RepoTags"]), jsonvalue.Strings(meta["RepoDigests"]))...)
	}
	if len(dedupe(images)) == 0 {
		return nil, fmt.Errorf("Trivy report of %q names no image (no RepoTags or RepoDigests), so no workload can be matched to it", artifact)
	}
	vulns := []any{}
	results, _ := v["Results"].([]any)
	for _, r := range results {
		rm, _ := r.(map[string]any)
		list, _ := rm["Vulnerabilities"].([]any)
		for _, e := range list {
			vm, _ := e.(map[string]any)
			if vm == nil {
				continue
			}
			vulns = append(vulns, map[string]any{
				"id":       str(vm["VulnerabilityID"]),
				"package":  str(vm["PkgName"]),
				"severity": strings.ToUpper(str(vm["Severity"])),
				"fixed":    str(vm["FixedVersion"]) != "",
				"network":  networkVector(vm["CVSS"]),
			})
		}
	}
	var out []*input.Object
	for i, img := range dedupe(images) {
		out = append(out, object(KindScan, name, i, img, map[string]any{"scanner": "trivy", "vulnerabilities": vulns}))
	}
	return out, nil
}

// networkVector reports whether any CVSS vector of a Trivy vulnerability
// (per source: V2Vector, V3Vector, V40Vector) says it is exploitable over
// the network (AV:N).
func networkVector(cvss any) bool {
	sources, _ := cvss.(map[string]any)
	for _, src := range sources {
		m, _ := src.(map[string]any)
		for _, key := range []string{"V40Vector", "V3Vector", "V2Vector"} {
			if strings.Contains(str(m[key]), "AV:N") {
				return true
			}
		}
	}
	return false
}

// isArchive reports whether a Trivy artifact name is an image archive's
// path rather than an image reference.
func isArchive(name string) bool {
	lower := strings.ToLower(name)
	for _, ext := range []string{".tar", ".tar.gz", ".tgz", ".oci", ".docker"} {
		if strings.HasSuffix(lower, ext) {
			return true
		}
	}
	return false
}

// repoImages turns an image's tags (alpine:3.19) and repository digests
// (alpine@sha256:...) into identities: each tag by reference, each digest
// with its repository.
func repoImages(tags, digests []string) []image {
	var out []image
	for _, t := range tags {
		if img := parseImage(t); img.ref != "" {
			out = append(out, img)
		}
	}
	for _, d := range digests {
		if img := parseImage(d); img.digest != "" {
			out = append(out, img)
		}
	}
	return out
}

// annotatedImages reads the image references scanners record beside an
// SBOM's subject: "<scanner>:RepoTag" and "<scanner>:RepoDigest" properties
// (Trivy's CycloneDX), or "RepoTag: x" and "RepoDigest: x" texts (Trivy's
// SPDX attributionTexts).
func annotatedImages(pairs map[string][]string) []image {
	return repoImages(pairs["RepoTag"], pairs["RepoDigest"])
}

// cycloneDXImages finds the container image a CycloneDX SBOM describes:
// metadata.component's name and version (syft writes the reference and the
// digest), its pkg:oci purl, and its RepoTag and RepoDigest properties.
func cycloneDXImages(v map[string]any) []image {
	meta, _ := v["metadata"].(map[string]any)
	comp, _ := meta["component"].(map[string]any)
	if comp == nil {
		return nil
	}
	pairs := map[string][]string{}
	props, _ := comp["properties"].([]any)
	for _, p := range props {
		pm, _ := p.(map[string]any)
		key := str(pm["name"])
		key = key[strings.LastIndex(key, ":")+1:]
		pairs[key] = append(pairs[key], str(pm["value"]))
	}
	out := annotatedImages(pairs)
	if img := parseImage(str(comp["name"])); img.ref != "" && !isArchive(str(comp["name"])) {
		if strings.HasPrefix(str(comp["version"]), "sha256:") {
			img.digest = str(comp["version"])
		}
		out = append(out, img)
	}
	if img, ok := fromPurl(str(comp["purl"])); ok {
		out = append(out, img)
	}
	return out
}

// spdxImages finds the image an SPDX document describes: its name, and the
// pkg:oci purls and digests of the packages it describes.
func spdxImages(v map[string]any) []image {
	var out []image
	if img := parseImage(str(v["name"])); img.ref != "" && !isArchive(str(v["name"])) {
		out = append(out, img)
	}
	described := map[string]bool{}
	list, _ := v["documentDescribes"].([]any)
	for _, d := range list {
		described[str(d)] = true
	}
	pkgs, _ := v["packages"].([]any)
	for _, p := range pkgs {
		pm, _ := p.(map[string]any)
		if pm == nil || (len(described) > 0 && !described[str(pm["SPDXID"])]) {
			continue
		}
		img := image{}
		if !isArchive(str(pm["name"])) {
			img = parseImage(str(pm["name"]))
		}
		if strings.HasPrefix(str(pm["versionInfo"]), "sha256:") {
			img.digest = str(pm["versionInfo"])
		}
		if img.ref != "" || img.digest != "" {
			out = append(out, img)
		}
		pairs := map[string][]string{}
		for _, text := range jsonvalue.Strings(pm["attributionTexts"]) {
			if k, val, ok := strings.Cut(text, ": "); ok {
				pairs[k] = append(pairs[k], val)
			}
		}
		out = append(out, annotatedImages(pairs)...)
		refs, _ := pm["externalRefs"].([]any)
		for _, r := range refs {
			rm, _ := r.(map[string]any)
			if img, ok := fromPurl(str(rm["referenceLocator"])); ok {
				out = append(out, img)
			}
		}
	}
	return out
}

// fromPurl reads pkg:oci/<name>@<digest>?repository_url=<registry/repo>.
func fromPurl(purl string) (image, bool) {
	rest, ok := strings.CutPrefix(purl, "pkg:oci/")
	if !ok {
		return image{}, false
	}
	path, query, _ := strings.Cut(rest, "?")
	name, version, _ := strings.Cut(path, "@")
	version, _ = url.PathUnescape(version)
	q, _ := url.ParseQuery(query)
	repo := q.Get("repository_url")
	if repo == "" {
		repo = name
	}
	img := parseImage(repo)
	if tag := q.Get("tag"); tag != "" && img.ref != "" && !strings.Contains(img.ref[strings.LastIndex(img.ref, "/")+1:], ":") {
		img.ref += ":" + tag
	}
	if strings.HasPrefix(version, "sha256:") {
		img.digest = version
	}
	return img, img.ref != "" || img.digest != ""
}

func sbom(name, format string, images []image) ([]*input.Object, error) {
	images = dedupe(images)
	if len(images) == 0 {
		return nil, fmt.Errorf("%s SBOM does not name the container image it describes", format)
	}
	var out []*input.Object
	for i, img := range images {
		out = append(out, object(KindSBOM, name, i, img, map[string]any{"format": format}))
	}
	return out, nil
}

// cosign reads `cosign verify --output json`: an array of verified
// signature payloads naming the reference and the manifest digest. cosign
// prints them only for signatures it verified.
func cosign(name string, list []any) ([]*input.Object, bool) {
	var images []image
	for _, e := range list {
		m, _ := e.(map[string]any)
		critical, _ := m["critical"].(map[string]any)
		if critical == nil {
			return nil, false
		}
		identity, _ := critical["identity"].(map[string]any)
		img, _ := critical["image"].(map[string]any)
		ref := parseImage(str(identity["docker-reference"]))
		ref.digest = str(img["docker-manifest-digest"])
		images = append(images, ref)
	}
	if len(images) == 0 {
		return nil, false
	}
	var out []*input.Object
	for i, img := range dedupe(images) {
		out = append(out, object(KindSignature, name, i, img, map[string]any{"verifier": "cosign", "verified": true}))
	}
	return out, true
}

var notationVerified = regexp.MustCompile(`(?m)^Successfully verified signature for (\S+)`)

// notation reads `notation verify` output, which reports each verified
// reference on its own line.
func notation(name, text string) ([]*input.Object, error) {
	var images []image
	for _, m := range notationVerified.FindAllStringSubmatch(text, -1) {
		if img := parseImage(m[1]); img.digest != "" || img.ref != "" {
			images = append(images, img)
		}
	}
	if len(images) == 0 {
		return nil, errors.New("not JSON, and not notation verify output (no \"Successfully verified signature for\" line)")
	}
	var out []*input.Object
	for i, img := range dedupe(images) {
		out = append(out, object(KindSignature, name, i, img, map[string]any{"verifier": "notation", "verified": true}))
	}
	return out, nil
}

func dedupe(images []image) []image {
	seen := map[image]bool{}
	var out []image
	for _, img := range images {
		if (img.ref != "" || img.digest != "") && !seen[img] {
			seen[img] = true
			out = append(out, img)
		}
	}
	return out
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// Image is an image identity evidence is about: its normalised reference
// (name:tag, "" when unknown) and manifest digest ("" when unknown).
type Image struct {
	Reference, Digest string
}

// Identity normalises an image reference as evidence objects record it, so
// callers can tell which evidence is about which image.
func Identity(ref string) Image {
	img := parseImage(ref)
	return Image{Reference: img.ref, Digest: img.digest}
}

// About returns the image an evidence object is about.
func About(obj *input.Object) Image {
	m, _ := obj.Value["image"].(map[string]any)
	return Image{Reference: str(m["reference"]), Digest: str(m["digest"])}
}

// Matches reports whether evidence about ev applies to a workload's image,
// as lib.evidence matches them: by digest when the workload pins one, else
// by full reference.
func (ev Image) Matches(workload Image) bool {
	if workload.Digest != "" {
		return ev.Digest == workload.Digest
	}
	return ev.Reference != "" && ev.Reference == workload.Reference
}
