package gatekeeper

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/open-policy-agent/frameworks/constraint/pkg/apis/externaldata/unversioned"
	templatesv1 "github.com/open-policy-agent/frameworks/constraint/pkg/apis/templates/v1"
	constraintclient "github.com/open-policy-agent/frameworks/constraint/pkg/client"
	"github.com/open-policy-agent/frameworks/constraint/pkg/client/drivers/rego"
	"github.com/open-policy-agent/frameworks/constraint/pkg/client/reviews"
	"github.com/open-policy-agent/frameworks/constraint/pkg/externaldata"
	"github.com/open-policy-agent/gatekeeper/v3/pkg/target"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/shipshape-dev/shipshape/engine/eval"
	"github.com/shipshape-dev/shipshape/engine/export"
)

// ratifyStub answers like Ratify: isSuccess per image, an error for images
// named "unknown".
func ratifyStub(t *testing.T) *httptest.Server {
	return httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Request struct {
				Keys []string `json:"keys"`
			} `json:"request"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			t.Errorf("provider request: %v", err)
		}
		var items []map[string]any
		for _, k := range req.Request.Keys {
			switch {
			case strings.Contains(k, "unknown"):
				items = append(items, map[string]any{"key": k, "error": "no signature found"})
			default:
				items = append(items, map[string]any{"key": k, "value": map[string]any{"isSuccess": !strings.Contains(k, "unsigned")}})
			}
		}
		_ = json.NewEncoder(w).Encode(map[string]any{
			"apiVersion": "externaldata.gatekeeper.sh/v1beta1", "kind": "ProviderResponse",
			"response": map[string]any{"items": items},
		})
	}))
}

func TestExternalDataTemplatesAskTheProvider(t *testing.T) {
	lib := loadLibrary(t)
	ctx := context.Background()
	srv := ratifyStub(t)
	defer srv.Close()

	cache := externaldata.NewCache()
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	require.NoError(t, cache.Upsert(&unversioned.Provider{
		ObjectMeta: metav1.ObjectMeta{Name: "ratify"},
		Spec:       unversioned.ProviderSpec{URL: srv.URL, Timeout: 5, CABundle: base64.StdEncoding.EncodeToString(caPEM)},
	}))
	driver, err := rego.New(rego.AddExternalDataProviderCache(cache))
	require.NoError(t, err)
	client, err := constraintclient.NewClient(
		constraintclient.Targets(&target.K8sValidationTarget{}),
		constraintclient.Driver(driver),
		constraintclient.EnforcementPoints(enforcementPoint),
	)
	require.NoError(t, err)

	c, ok := lib.Control("SS-IMG-004")
	require.True(t, ok)
	require.Equal(t, "signatureProvider", c.ExternalDataProvider)
	data, err := export.ExternalDataTemplate(lib, c, export.Options{Version: "test"})
	require.NoError(t, err)
	var v1 templatesv1.ConstraintTemplate
	decodeStrict(t, data, &v1)
	tmpl, err := v1.ToVersionless()
	require.NoError(t, err)
	_, err = client.AddTemplate(ctx, tmpl)
	require.NoError(t, err, "Gatekeeper accepts the external data template")
	cons, err := export.ExternalDataConstraint(eval.Binding{Control: c}, "ratify", "deny", []string{"kube-system"})
	require.NoError(t, err)
	u := &unstructured.Unstructured{}
	j, err := yaml.YAMLToJSON(cons)
	require.NoError(t, err)
	require.NoError(t, u.UnmarshalJSON(j))
	_, err = client.AddConstraint(ctx, u)
	require.NoError(t, err)

	review := func(obj string) []string {
		t.Helper()
		o := &unstructured.Unstructured{}
		j, err := yaml.YAMLToJSON([]byte(obj))
		require.NoError(t, err)
		require.NoError(t, o.UnmarshalJSON(j))
		resp, err := client.Review(ctx, target.AugmentedUnstructured{Object: *o, Operation: admissionv1.Create}, reviews.EnforcementPoint(enforcementPoint))
		require.NoError(t, err)
		var msgs []string
		for _, r := range resp.Results() {
			msgs = append(msgs, r.Msg)
		}
		return msgs
	}
	assert.Empty(t, review(`{apiVersion: v1, kind: Pod, metadata: {name: p, namespace: shop}, spec: {containers: [{name: a, image: contoso.azurecr.io/signed:1}]}}`))
	got := review(`{apiVersion: apps/v1, kind: Deployment, metadata: {name: web, namespace: shop}, spec: {template: {spec: {
		initContainers: [{name: init, image: contoso.azurecr.io/unsigned:1}],
		containers: [{name: a, image: contoso.azurecr.io/signed:1}, {name: b, image: contoso.azurecr.io/unknown:2}]}}}}`)
	assert.ElementsMatch(t, []string{
		`Deployment "web": image "contoso.azurecr.io/unsigned:1" fails signature verification (provider "ratify")`,
		`Deployment "web": image "contoso.azurecr.io/unknown:2" fails signature verification: no signature found (provider "ratify")`,
	}, got, "init containers are asked about too; a provider error denies")
	assert.Empty(t, review(`{apiVersion: v1, kind: Pod, metadata: {name: p, namespace: kube-system}, spec: {containers: [{name: a, image: x/unsigned:1}]}}`), "system namespaces are excluded")
}
