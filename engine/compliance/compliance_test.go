package compliance

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/bundles"
	"github.com/shipshape-dev/shipshape/engine/profile"
	"github.com/shipshape-dev/shipshape/engine/requirements"
	"github.com/shipshape-dev/shipshape/engine/scan"
	"github.com/shipshape-dev/shipshape/library"
)

func assess(t *testing.T, paths ...string) *Compliance {
	t.Helper()
	ctx := context.Background()
	lib, err := library.Load(ctx)
	require.NoError(t, err)
	schemas, err := profile.NewSchemas()
	require.NoError(t, err)
	profiles, err := schemas.LoadProfiles(bundles.FS, "bundles")
	require.NoError(t, err)
	sel, err := schemas.Select(lib, profiles["pss-baseline"], nil)
	require.NoError(t, err)
	r, err := scan.Run(ctx, lib, sel.Bindings, scan.Options{Paths: paths, Profile: "pss-baseline"})
	require.NoError(t, err)
	cat, err := requirements.Default()
	require.NoError(t, err)
	c, err := Assess(r, cat)
	require.NoError(t, err)
	return c
}

func verdictOf(c *Compliance, id string) RequirementVerdict {
	for _, r := range c.Requirements {
		if r.Requirement.ID == id {
			return r
		}
	}
	return RequirementVerdict{}
}

func TestVerdicts(t *testing.T) {
	bad := assess(t, "../../examples/bad/node-agent.yaml")
	assert.Equal(t, Fail, verdictOf(bad, "POD-01").Verdict)
	assert.Equal(t, NotEvaluated, verdictOf(bad, "IAM-05").Verdict, "pss-baseline has no RBAC control")
	assert.Equal(t, "no control of this profile implements it", verdictOf(bad, "IAM-05").Why)
	assert.Equal(t, "guidance: no input can show it", verdictOf(bad, "RT-04").Why)
	for _, f := range bad.Frameworks {
		if f.Key == "pss" {
			assert.Contains(t, f.FailingIDs, "SS-PSS-003")
			assert.Less(t, f.Rate(), 1.0)
		}
	}

	good := assess(t, "../../examples/good/shop.yaml")
	assert.Equal(t, Pass, verdictOf(good, "POD-01").Verdict, "every Baseline control judged the shop and found nothing")

	var md strings.Builder
	require.NoError(t, WriteMarkdown(&md, bad))
	assert.Contains(t, md.String(), "| **POD-01**")
	assert.Contains(t, md.String(), "SS-PSS-003: DaemonSet monitoring/node-agent (../../examples/bad/node-agent.yaml:")
	var html strings.Builder
	require.NoError(t, WriteHTML(&html, bad))
	assert.Equal(t, len(Frameworks()), strings.Count(html.String(), "<svg"))
}
