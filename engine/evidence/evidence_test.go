package evidence

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const examples = "../../examples/evidence"

func images(t *testing.T, file string) (string, []map[string]any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(examples, file))
	require.NoError(t, err)
	objs, err := Parse(file, data)
	require.NoError(t, err)
	require.NotEmpty(t, objs)
	var out []map[string]any
	for _, o := range objs {
		out = append(out, o.Value["image"].(map[string]any))
	}
	return objs[0].Kind(), out
}

func TestFormats(t *testing.T) {
	digest := "sha256:3b8f1c0c2a9d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789ab"
	tests := []struct {
		file, kind string
		want       map[string]any
	}{
		{"storefront.trivy.json", KindScan, map[string]any{"reference": "contoso.azurecr.io/shop/storefront", "digest": digest}},
		{"storefront.cdx.json", KindSBOM, map[string]any{"reference": "contoso.azurecr.io/shop/storefront:1.4.2", "digest": digest}},
		{"storefront.cosign.json", KindSignature, map[string]any{"reference": "contoso.azurecr.io/shop/storefront", "digest": digest}},
		{"low-level-collector.spdx.json", KindSBOM, map[string]any{"reference": "mcr.microsoft.com/azuredefender/stable/low-level-collector:1.3.81", "digest": ""}},
		{"low-level-collector.notation.txt", KindSignature, map[string]any{"reference": "mcr.microsoft.com/azuredefender/stable/low-level-collector:1.3.81", "digest": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			kind, imgs := images(t, tt.file)
			assert.Equal(t, tt.kind, kind)
			assert.Contains(t, imgs, tt.want)
		})
	}
}

func TestTrivyKeepsSeverityAndFixes(t *testing.T) {
	data := []byte(`{"SchemaVersion": 2, "ArtifactName": "nginx:1.27", "Results": [{"Target": "x", "Vulnerabilities": [
		{"VulnerabilityID": "CVE-1", "PkgName": "a", "Severity": "critical", "FixedVersion": "1.2"},
		{"VulnerabilityID": "CVE-2", "PkgName": "b", "Severity": "HIGH", "CVSS": {"nvd": {"V3Vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "V3Score": 9.8}}},
		{"VulnerabilityID": "CVE-3", "PkgName": "c", "Severity": "HIGH", "CVSS": {"nvd": {"V3Vector": "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"}, "redhat": {"V2Vector": "AV:L/AC:L/Au:N/C:C/I:C/A:C"}}}]}]}`)
	objs, err := Parse("r.json", data)
	require.NoError(t, err)
	require.Len(t, objs, 1)
	assert.Equal(t, map[string]any{"reference": "docker.io/library/nginx:1.27", "digest": ""}, objs[0].Value["image"], "docker.io and library/ are implied")
	vulns := objs[0].Value["spec"].(map[string]any)["vulnerabilities"].([]any)
	assert.Equal(t, map[string]any{"id": "CVE-1", "package": "a", "severity": "CRITICAL", "fixed": true, "network": false}, vulns[0])
	assert.Equal(t, false, vulns[1].(map[string]any)["fixed"])
	assert.Equal(t, true, vulns[1].(map[string]any)["network"], "an AV:N vector is exploitable over the network")
	assert.Equal(t, false, vulns[2].(map[string]any)["network"], "local vectors are not")
}

func TestUnknownAndBrokenEvidenceAreErrors(t *testing.T) {
	for name, data := range map[string]string{
		"k8s.json":       `{"apiVersion": "v1", "kind": "Pod"}`,
		"broken.json":    `{"SchemaVersion": 2,`,
		"empty.json":     ``,
		"notes.txt":      "verification failed\n",
		"anon-sbom.json": `{"bomFormat": "CycloneDX", "metadata": {}}`,
	} {
		_, err := Parse(name, []byte(data))
		assert.Error(t, err, name)
	}
	objs, _, errs := Load([]string{examples, filepath.Join(examples, "missing.json")})
	assert.Len(t, errs, 1)
	assert.GreaterOrEqual(t, len(objs), 9, "a directory is read recursively")
}

// TestImagesOfTarballReports: Trivy reports and SBOMs of image tarballs
// name a file path as the artifact; the image is in RepoTags, RepoDigests,
// CycloneDX properties or SPDX attribution texts, and must be matched.
func TestImagesOfTarballReports(t *testing.T) {
	dir := "../../tests/realworld/testdata/evidence"
	parse := func(file string) []Image {
		data, err := os.ReadFile(filepath.Join(dir, file))
		require.NoError(t, err)
		objs, err := Parse(file, data)
		require.NoError(t, err)
		var out []Image
		for _, o := range objs {
			out = append(out, About(o))
		}
		return out
	}
	assert.Equal(t, []Image{{Reference: "contoso.azurecr.io/shop/cache:7.2"}}, parse("cache-image.json.golden"), "the tarball path is not an image; RepoTags is")
	assert.Equal(t, []Image{{Reference: "contoso.azurecr.io/shop/cache:7.2"}}, parse("cache-image.cdx.json"), "Trivy's CycloneDX RepoTag property")
	assert.Contains(t, parse("search.spdx.json"), Image{Reference: "contoso.azurecr.io/web/search:2.0"}, "Trivy's SPDX attribution texts")
	assert.Contains(t, parse("search.spdx.json"), Image{Reference: "contoso.azurecr.io/web/search", Digest: "sha256:1111111111111111111111111111111111111111111111111111111111111111"})

	_, err := Parse("x.json", []byte(`{"SchemaVersion": 2, "ArtifactName": "app.tar", "Results": []}`))
	require.ErrorContains(t, err, `names no image`, "a report no workload can match is said to be one")

	assert.True(t, Image{Reference: "docker.io/library/redis:7"}.Matches(Identity("redis:7")), "normalised as runtimes do")
	assert.False(t, Image{Reference: "docker.io/library/redis:7"}.Matches(Identity("redis:7@sha256:1111111111111111111111111111111111111111111111111111111111111111")), "a pinned workload matches by digest only")
}

// TestLoadRecognisesByContent: a directory of evidence is read file by
// file whatever the names; what is not evidence is listed with the reason.
func TestLoadRecognisesByContent(t *testing.T) {
	objs, ignored, errs := Load([]string{"../../tests/realworld/testdata/evidence"})
	require.Empty(t, errs)
	files := map[string]bool{}
	for _, o := range objs {
		files[filepath.Base(o.File)] = true
	}
	assert.True(t, files["cache-image.json.golden"], "a .json.golden report is read")
	require.Len(t, ignored, 1)
	assert.Equal(t, "README.md", filepath.Base(ignored[0].Path))
	assert.Contains(t, ignored[0].Reason, "not evidence")

	_, _, errs = Load([]string{"../../tests/realworld/testdata/evidence/README.md"})
	require.Len(t, errs, 1, "a file named on the command line that is not evidence is an error")
}
