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
		{"VulnerabilityID": "CVE-2", "PkgName": "b", "Severity": "HIGH"}]}]}`)
	objs, err := Parse("r.json", data)
	require.NoError(t, err)
	require.Len(t, objs, 1)
	assert.Equal(t, map[string]any{"reference": "docker.io/library/nginx:1.27", "digest": ""}, objs[0].Value["image"], "docker.io and library/ are implied")
	vulns := objs[0].Value["spec"].(map[string]any)["vulnerabilities"].([]any)
	assert.Equal(t, map[string]any{"id": "CVE-1", "package": "a", "severity": "CRITICAL", "fixed": true}, vulns[0])
	assert.Equal(t, false, vulns[1].(map[string]any)["fixed"])
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
	objs, errs := Load([]string{examples, filepath.Join(examples, "missing.json")})
	assert.Len(t, errs, 1)
	assert.GreaterOrEqual(t, len(objs), 9, "a directory is read recursively")
}
