package gatekeeper

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/engine/eval"
	"github.com/shipshape-dev/shipshape/engine/exceptions"
	"github.com/shipshape-dev/shipshape/engine/export"
	"github.com/shipshape-dev/shipshape/engine/input"
	"github.com/shipshape-dev/shipshape/engine/policy"
)

// TestExemptImagesGiveTheSameVerdictInGatekeeper: an exception scoped by
// container image exempts, in a scan, the findings about containers of
// that image; the exported constraint's exemptImages must leave exactly
// those out in Gatekeeper. Every denied case of every container control is
// reviewed with its first finding's image exempt, exactly and as a
// prefix, and with an image that matches nothing.
func TestExemptImagesGiveTheSameVerdictInGatekeeper(t *testing.T) {
	lib := loadLibrary(t)
	ctx := context.Background()
	now := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	var exempted, kept int
	for _, c := range lib.Controls() {
		if !c.Admission || !export.TakesExemptImages(c) {
			continue
		}
		cases, err := export.AdmissionCases(ctx, lib, c)
		require.NoError(t, err)
		for _, legacy := range []bool{false, true} {
			name := c.ID + "/code-v1"
			if legacy {
				name = c.ID + "/legacy-rego"
			}
			t.Run(name, func(t *testing.T) {
				client := newClient(t)
				_, err := client.AddTemplate(ctx, templateFor(t, lib, c, legacy))
				require.NoError(t, err)
				for _, ac := range cases {
					if ac.Expect.Allow {
						continue
					}
					image := firstImage(ctx, t, lib, c, ac)
					if image == "" {
						continue // no finding about a container
					}
					for _, pattern := range []string{image, image[:max(1, len(image)/2)] + "*", "nothing.example/*"} {
						set := imageExceptions(t, lib, c.ID, pattern)
						want, n := scanVerdict(ctx, t, lib, c, ac, set, now)
						params := maps.Clone(ac.Parameters)
						params[export.ExemptImagesParameter] = []any{pattern}
						_, err := client.AddConstraint(ctx, constraintFor(t, eval.Binding{Control: c, Parameters: params}))
						require.NoError(t, err)
						got := gatekeeperVerdict(ctx, t, client, ac)
						assert.Equal(t, want, got, "case %q with exemptImages [%s]: Gatekeeper and shipshape scan disagree", ac.Name, pattern)
						if !legacy {
							exempted += n
							kept += len(want)
						}
					}
				}
			})
		}
	}
	t.Logf("%d findings exempted by image, %d kept", exempted, kept)
	assert.Positive(t, exempted)
	assert.Positive(t, kept)
}

// firstImage is the image of the container the case's first finding (in
// message order) is about, or "".
func firstImage(ctx context.Context, t *testing.T, lib *policy.Library, c *policy.Control, ac export.AdmissionCase) string {
	t.Helper()
	j := judge(ctx, t, lib, c, ac)
	sort.SliceStable(j.Findings, func(a, b int) bool { return j.Findings[a].Message < j.Findings[b].Message })
	for _, f := range j.Findings {
		if image, ok := input.ContainerImage(ac.Source.Value, f.Field); ok && image != "" {
			return image
		}
	}
	return ""
}

func judge(ctx context.Context, t *testing.T, lib *policy.Library, c *policy.Control, ac export.AdmissionCase) eval.Judgement {
	t.Helper()
	ev, err := eval.New(lib, []eval.Binding{{Control: c, Parameters: ac.Parameters}}, eval.WithInventory(ac.FullInventory))
	require.NoError(t, err)
	var j eval.Judgement
	if ac.OldObject != nil {
		j = ev.JudgeUpdate(ctx, ac.Source, ac.OldSource)
	} else {
		j = ev.Judge(ctx, ac.Source)
	}
	require.Empty(t, j.Errors)
	return j
}

// scanVerdict is what a scan with the exceptions fails on (sorted
// messages), and how many findings they exempt.
func scanVerdict(ctx context.Context, t *testing.T, lib *policy.Library, c *policy.Control, ac export.AdmissionCase, set *exceptions.Set, now time.Time) ([]string, int) {
	t.Helper()
	var msgs []string
	exempted := 0
	for _, f := range judge(ctx, t, lib, c, ac).Findings {
		image, _ := input.ContainerImage(ac.Source.Value, f.Field)
		if set.Decide(exceptions.Finding{Control: c.ID, Requirements: c.Requirements, Image: image}, now).Exempt != nil {
			exempted++
			continue
		}
		msgs = append(msgs, f.Message)
	}
	slices.Sort(msgs)
	return msgs, exempted
}

// imageExceptions loads an exceptions file exempting pattern for control id.
func imageExceptions(t *testing.T, lib *policy.Library, id, pattern string) *exceptions.Set {
	t.Helper()
	file := filepath.Join(t.TempDir(), "exceptions.yaml")
	body := fmt.Sprintf("exceptions:\n  - control: %s\n    images: [%q]\n    owner: mesh\n    reason: sidecar\n    expires: 2099-01-01\n", id, pattern)
	require.NoError(t, os.WriteFile(file, []byte(body), 0o644))
	set, err := exceptions.Load(file, lib, func(string) bool { return false })
	require.NoError(t, err)
	return set
}
