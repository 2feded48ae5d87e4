// Package terraform proves the Terraform source reader (engine/azure/tfsrc)
// against the plan reader: each fixture is a module written by hand and the
// `terraform show -json` plan of the same configuration, and both must give
// the same findings (control, field and message), so a pull request judged
// from source gets the verdicts its plan would get.
package terraform

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/engine/report"
	"github.com/shipshape-dev/shipshape/tests/internal/azurediff"
)

// unresolvedControl reports values known only after apply. A plan omits
// them (or writes null), so it has nothing to report there; the source
// names each with its expression. Those findings are compared apart.
const unresolvedControl = azurediff.UnresolvedControl

// pairs lists the fixtures and the findings of unresolvedControl that only
// the source has (file:line field), each a value Azure assigns at apply.
var pairs = map[string][]string{
	"aks-hardened":      {"modules/aks/main.tf:130 spec.principalid"}, // the kubelet identity's object ID
	"aks-insecure":      nil,
	"aks-shared-subnet": nil,
	"aks-pools":         nil,
	"acr-hardened":      nil,
	"acr-insecure":      nil,
}

func TestSourceJudgesAsItsPlan(t *testing.T) {
	lib, judge := azurediff.Judge(t)
	denied := map[string]bool{}
	for name, unresolved := range pairs {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("testdata", name)
			fromPlan := judge(t, filepath.Join(dir, "plan.json"))
			fromSource := judge(t, filepath.Join(dir, "source"))
			assert.Equal(t, verdicts(fromPlan, false), verdicts(fromSource, false))
			assert.Empty(t, verdicts(fromPlan, true), "a plan holds no expression")
			var got []string
			for _, r := range fromSource {
				if r.Control == unresolvedControl {
					rel, err := filepath.Rel(filepath.Join(dir, "source"), r.File)
					require.NoError(t, err)
					got = append(got, fmt.Sprintf("%s:%d %s", rel, r.Line, r.Field))
				}
				// Every finding is on a line of a .tf file that holds it.
				assert.True(t, strings.HasSuffix(r.File, ".tf"), r.File)
				assert.Positive(t, r.Line, "%s %s", r.Control, r.Message)
				denied[r.Control] = true
			}
			assert.ElementsMatch(t, unresolved, got)
		})
	}
	// Between them the fixtures deny under every AKS and ACR control.
	azurediff.DeniesEveryControl(t, lib, denied, notFromTerraform)
}

// notFromTerraform are the AKS and ACR controls that judge what the
// azurerm resources read here do not hold.
var notFromTerraform = []string{}

// verdicts are the findings as "control field message", the source's
// expressions (unresolvedControl) apart.
func verdicts(results []report.Result, unresolved bool) []string {
	var out []string
	for _, r := range results {
		if (r.Control == unresolvedControl) == unresolved {
			out = append(out, r.Control+" "+r.Field+" "+r.Message)
		}
	}
	slices.Sort(out)
	return out
}
