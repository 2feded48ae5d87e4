// Package bicep proves the Bicep source reader (engine/azure/bicep)
// against the ARM template reader: each fixture is Bicep written by hand
// and the ARM template `az bicep build` makes of it (its loops expanded,
// which the ARM reader needs), and both must give the same findings
// (control, field and message, the format word apart), so a pull request
// judged from Bicep source gets the verdicts its compiled template would.
package bicep

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

// unresolvedControl reports values known only at deployment. Both sides
// report the same settings, each with its expression as written: ARM's
// ([parameters('x')]) and Bicep's (x), so only their fields are compared.
const unresolvedControl = azurediff.UnresolvedControl

// pair is a Bicep source and the ARM template compiled from it, and the
// findings of unresolvedControl only the Bicep side has (file:line field).
type pair struct {
	bicep, arm string
	onlyBicep  []string
}

const fixtures = "../../library/testdata/azure/"

var pairs = map[string]pair{
	"aks-hardened":     {bicep: fixtures + "aks-hardened.bicep", arm: fixtures + "aks-hardened.arm.json"},
	"aks-insecure":     {bicep: fixtures + "aks-insecure.bicep", arm: fixtures + "aks-insecure.arm.json"},
	"acr-hardened":     {bicep: fixtures + "acr-hardened.bicep", arm: fixtures + "acr-hardened.arm.json"},
	"acr-insecure":     {bicep: fixtures + "acr-insecure.bicep", arm: fixtures + "acr-insecure.arm.json"},
	"cluster-module":   {bicep: "testdata/cluster-module/main.bicep", arm: "testdata/cluster-module/main.json"},
	"cluster-params":   {bicep: "testdata/cluster-params/main.bicepparam", arm: "testdata/cluster-params/main.json"},
	"registry-choices": {bicep: "testdata/registry-choices/main.bicep", arm: "testdata/registry-choices/main.json"},
}

func TestBicepJudgesAsItsTemplate(t *testing.T) {
	lib, judge := azurediff.Judge(t)
	denied := map[string]bool{}
	for name, p := range pairs {
		t.Run(name, func(t *testing.T) {
			fromARM := judge(t, p.arm)
			fromBicep := judge(t, p.bicep)
			require.NotEmpty(t, fromBicep)
			assert.Equal(t, verdicts(fromARM, "(arm)"), verdicts(fromBicep, "(bicep)"))
			assert.Empty(t, onlyIn(fromARM, fromBicep), "every setting the template leaves unresolved, the source does")
			var got []string
			for _, r := range fromBicep {
				// Every finding is on a line of a .bicep file.
				assert.True(t, strings.HasSuffix(r.File, ".bicep"), r.File)
				assert.Positive(t, r.Line, "%s %s", r.Control, r.Message)
				assert.Contains(t, r.Message, "(bicep)")
				denied[r.Control] = true
			}
			for _, r := range onlyIn(fromBicep, fromARM) {
				got = append(got, fmt.Sprintf("%s:%d %s", filepath.Base(r.File), r.Line, r.Field))
			}
			assert.ElementsMatch(t, p.onlyBicep, got)
		})
	}
	// Between them the fixtures deny under every AKS and ACR control.
	azurediff.DeniesEveryControl(t, lib, denied, notFromBicep)
}

// notFromBicep are the AKS and ACR controls no Bicep fixture here denies
// under.
var notFromBicep = []string{}

// verdicts are the findings as "control field message" with the format
// word taken out, those of unresolvedControl apart (their expressions are
// written in each language).
func verdicts(results []report.Result, format string) []string {
	var out []string
	for _, r := range results {
		if r.Control == unresolvedControl {
			continue
		}
		out = append(out, r.Control+" "+r.Field+" "+strings.ReplaceAll(r.Message, format, "(format)"))
	}
	slices.Sort(out)
	return out
}

// onlyIn are the findings of unresolvedControl in a whose field b has no
// finding of that control at.
func onlyIn(a, b []report.Result) []report.Result {
	var out []report.Result
	for _, r := range a {
		if r.Control != unresolvedControl {
			continue
		}
		if !slices.ContainsFunc(b, func(o report.Result) bool { return o.Control == r.Control && o.Field == r.Field }) {
			out = append(out, r)
		}
	}
	return out
}
