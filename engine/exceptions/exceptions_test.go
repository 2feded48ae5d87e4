package exceptions

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/library"
)

func load(t *testing.T, body string) (*Set, error) {
	t.Helper()
	lib, err := library.Load(context.Background())
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "exceptions.yaml")
	require.NoError(t, os.WriteFile(file, []byte(body), 0o644))
	return Load(file, lib, func(id string) bool { return id == "IMG-04" || id == "POD-08" })
}

var now = time.Date(2027, 6, 15, 12, 0, 0, 0, time.UTC)

func TestScopes(t *testing.T) {
	set, err := load(t, `exceptions:
  - control: SS-PSS-003
    namespaces: [monitoring, "team-*"]
    kinds: [apps/DaemonSet]
    names: ["node-*"]
    owner: platform@contoso.com
    reason: kernel events
    expires: 2027-06-15
  - requirement: IMG-04
    owner: security
    reason: signing rolls out later
    expires: 2027-01-31
`)
	require.NoError(t, err)
	base := Finding{Control: "SS-PSS-003", Requirements: []string{"POD-08"}, Namespace: "monitoring", Kind: "apps/DaemonSet", Name: "node-agent"}
	d := set.Decide(base, now)
	require.NotNil(t, d.Exempt, "in scope, and the expiry day itself still counts")
	assert.Equal(t, "platform@contoso.com", d.Exempt.Owner)
	assert.Contains(t, d.Exempt.Source, "exceptions.yaml:2")

	for name, f := range map[string]Finding{
		"another namespace":                  {Control: "SS-PSS-003", Namespace: "shop", Kind: "apps/DaemonSet", Name: "node-agent"},
		"another kind":                       {Control: "SS-PSS-003", Namespace: "monitoring", Kind: "apps/Deployment", Name: "node-agent"},
		"a name outside the glob":            {Control: "SS-PSS-003", Namespace: "monitoring", Kind: "apps/DaemonSet", Name: "agent"},
		"another control":                    {Control: "SS-PSS-004", Namespace: "monitoring", Kind: "apps/DaemonSet", Name: "node-agent"},
		"a kind without its group":           {Control: "SS-PSS-003", Namespace: "monitoring", Kind: "DaemonSet", Name: "node-agent"},
		"globs are case-sensitive, as names": {Control: "SS-PSS-003", Namespace: "Monitoring", Kind: "apps/DaemonSet", Name: "node-agent"},
	} {
		assert.Nil(t, set.Decide(f, now).Exempt, name)
	}
	assert.NotNil(t, set.Decide(Finding{Control: "SS-PSS-003", Namespace: "team-a", Kind: "apps/DaemonSet", Name: "node-x"}, now).Exempt, "namespace globs")

	img := set.Decide(Finding{Control: "SS-IMG-004", Requirements: []string{"IMG-04"}, Namespace: "shop", Kind: "Pod", Name: "web"}, now)
	assert.Nil(t, img.Exempt, "expired at the end of 2027-01-31")
	require.Len(t, img.Expired, 1)
	assert.Equal(t, "IMG-04", img.Expired[0].Requirement)
	assert.NotNil(t, set.Decide(Finding{Control: "SS-IMG-004", Requirements: []string{"IMG-04"}}, time.Date(2027, 1, 31, 23, 0, 0, 0, time.UTC)).Exempt, "a requirement scopes every control that implements it")
}

func TestInlineExceptions(t *testing.T) {
	set := Empty()
	f := Finding{Control: "SS-PSS-003", Annotations: map[string]string{
		AnnotationExempt: "SS-PSS-001, SS-PSS-003", AnnotationReason: "vendor agent", AnnotationExpires: "2027-12-31",
	}}
	d := set.Decide(f, now)
	require.NotNil(t, d.Exempt)
	assert.Equal(t, "inline", d.Exempt.Source)

	other := f
	other.Control = "SS-PSS-004"
	assert.Nil(t, set.Decide(other, now).Exempt, "only the listed controls")

	assert.Nil(t, set.WithInline(false).Decide(f, now).Exempt)
	assert.NotNil(t, set.WithInline(false).Decide(f, now).Refused, "forbidden inline exceptions are reported")

	noReason := Finding{Control: "SS-PSS-003", Annotations: map[string]string{AnnotationExempt: "SS-PSS-003", AnnotationExpires: "2030-01-01"}}
	d = set.Decide(noReason, now)
	assert.Nil(t, d.Exempt, "an inline exception needs a reason")
	assert.Len(t, d.Expired, 1)
	noDate := Finding{Control: "SS-PSS-003", Annotations: map[string]string{AnnotationExempt: "SS-PSS-003", AnnotationReason: "x", AnnotationExpires: "soon"}}
	assert.Nil(t, set.Decide(noDate, now).Exempt, "and a real date")
}

func TestBadFiles(t *testing.T) {
	for want, body := range map[string]string{
		"unknown control SS-NOPE-001": "exceptions:\n  - {control: SS-NOPE-001, owner: a, reason: b, expires: 2030-01-01}\n",
		"unknown requirement NOPE-9":  "exceptions:\n  - {requirement: NOPE-9, owner: a, reason: b, expires: 2030-01-01}\n",
		"exceptions[0]":               "exceptions:\n  - {control: SS-PSS-003, reason: b, expires: 2030-01-01}\n",
		"expires":                     "exceptions:\n  - {control: SS-PSS-003, owner: a, reason: b, expires: 2030-02-30}\n",
		"bad pattern":                 "exceptions:\n  - {control: SS-PSS-003, owner: a, reason: b, expires: 2030-01-01, names: ['[']}\n",
		":3: exceptions[0].images[1]": "exceptions:\n  - control: SS-PSS-003\n    images: [a, 'contoso.azurecr.io/*/proxy']\n    owner: a\n    reason: b\n    expires: 2030-01-01\n",
	} {
		_, err := load(t, body)
		require.Error(t, err, want)
		assert.Contains(t, err.Error(), want)
	}
}

func TestImageScope(t *testing.T) {
	set, err := load(t, `exceptions:
  - control: SS-PSS-003
    images: ["mcr.microsoft.com/oss/istio/proxyv2:*", "contoso.azurecr.io/sidecars/*", "docker.io/library/busybox:1.36"]
    owner: mesh@contoso.com
    reason: the mesh sidecar needs NET_ADMIN
    expires: 2027-12-31
`)
	require.NoError(t, err)
	tests := []struct {
		name, image string
		exempt      bool
	}{
		{"a prefix with a tag", "mcr.microsoft.com/oss/istio/proxyv2:1.22.1", true},
		{"a prefix of a repository", "contoso.azurecr.io/sidecars/log-shipper@sha256:abc", true},
		{"the exact reference", "docker.io/library/busybox:1.36", true},
		{"another tag of an exact reference", "docker.io/library/busybox:1.37", false},
		{"an exact reference is not a prefix", "docker.io/library/busybox:1.36-musl", false},
		{"another repository", "contoso.azurecr.io/app:1", false},
		{"the prefix without its last character", "contoso.azurecr.io/sidecars", false},
		{"a finding about no container", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := set.Decide(Finding{Control: "SS-PSS-003", Namespace: "shop", Kind: "apps/Deployment", Name: "web", Image: tt.image}, now)
			if !tt.exempt {
				assert.Nil(t, d.Exempt)
				return
			}
			require.NotNil(t, d.Exempt)
			assert.Equal(t, "mesh@contoso.com", d.Exempt.Owner)
		})
	}
	after := set.Decide(Finding{Control: "SS-PSS-003", Image: "contoso.azurecr.io/sidecars/x"}, time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC))
	assert.Nil(t, after.Exempt)
	assert.Len(t, after.Expired, 1, "an expired image exception is reported")
}

func TestGatekeeperScopes(t *testing.T) {
	tests := []struct {
		name       string
		e          Exception
		images, ns []string
	}{
		{"images alone", Exception{Images: []string{"a/*", "b:1"}}, []string{"a/*", "b:1"}, nil},
		{"namespaces alone", Exception{Namespaces: []string{"kube-*"}}, nil, []string{"kube-*"}},
		{"images in a namespace: neither", Exception{Images: []string{"a/*"}, Namespaces: []string{"x"}}, nil, nil},
		{"images of a kind: neither", Exception{Images: []string{"a/*"}, Kinds: []string{"Pod"}}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			images, ok := tt.e.GatekeeperImages()
			assert.Equal(t, tt.images != nil, ok)
			assert.Equal(t, tt.images, images)
			ns, ok := tt.e.GatekeeperNamespaces()
			assert.Equal(t, tt.ns != nil, ok)
			assert.Equal(t, tt.ns, ns)
		})
	}
}
