// Package quantities proves the Rego quantity parser (data.lib.quantities)
// equal to k8s.io/apimachinery's resource.ParseQuantity, which the API
// server uses, on a table of forms and on random quantities.
package quantities

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/shipshape-dev/shipshape/library"
)

// parse evaluates data.lib.quantities.parse over qs: each value, or nil
// where the parser is undefined.
func parse(t *testing.T, qs []string) []any {
	t.Helper()
	src, err := library.FS.ReadFile("lib/quantities.rego")
	require.NoError(t, err)
	pq, err := rego.New(
		rego.Query(`out := [data.t.value(q) | some q in input]`),
		rego.Module("quantities.rego", string(src)),
		rego.Module("t.rego", "package t\n\nvalue(q) := v if v := data.lib.quantities.parse(q)\n\nelse := null\n"),
		rego.StrictBuiltinErrors(true),
	).PrepareForEval(context.Background())
	require.NoError(t, err)
	in := make([]any, len(qs))
	for i, q := range qs {
		in[i] = q
	}
	v, err := ast.InterfaceToValue(in)
	require.NoError(t, err)
	rs, err := pq.Eval(context.Background(), rego.EvalParsedInput(v))
	require.NoError(t, err)
	require.Len(t, rs, 1)
	out := rs[0].Bindings["out"].([]any)
	require.Len(t, out, len(qs))
	return out
}

func compare(t *testing.T, qs []string) {
	t.Helper()
	got := parse(t, qs)
	for i, q := range qs {
		want, err := resource.ParseQuantity(q)
		if err != nil {
			require.Nil(t, got[i], "%q is not a quantity (%v), the parser must be undefined", q, err)
			continue
		}
		require.NotNil(t, got[i], "%q is a quantity", q)
		n, err := got[i].(interface{ Float64() (float64, error) }).Float64()
		require.NoError(t, err)
		// AsApproximateFloat64 stops at the int64 range; the decimal does not.
		w, err := strconv.ParseFloat(want.AsDec().String(), 64)
		require.NoError(t, err)
		if math.Abs(w) >= math.MaxInt64 {
			continue // the API server caps a quantity at the int64 range
		}
		// The API server rounds up to whole nano-units (4199.631n is 4200n).
		require.True(t, math.Abs(n-w) <= 1e-9+1e-9*math.Abs(w), "%q: got %v, want %v", q, n, w)
	}
}

// TestParseIsTheAPIServers: the API server also takes a bare suffix ("Mi",
// "e3") as zero; the parser leaves it undefined, so a control reports it as
// no quantity rather than read it as no limit at all.
func TestParseIsTheAPIServers(t *testing.T) {
	compare(t, []string{
		"1", "0.5", ".5", "5.", "+1", "-1", "+.5", "100m", "250m", "1.5", "2500u", "30n",
		"128Mi", "1Gi", "1.5Gi", "2Ki", "3Ti", "1Pi", "1Ei", "4k", "2M", "3G", "1T", "1P", "1E",
		"1e3", "1E3", "1.5e3", "2e-3", "1e+2",
		// Not quantities.
		"", " 1", "1 ", "1mi", "1g", "1KI", "1.2.3", "1Mii", "0x10", "1_000", "1e", "--1",
	})
}

func TestParseOnRandomQuantities(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 22))
	suffixes := []string{"", "m", "u", "n", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "e2", "E-1", "e", "i", "K", "mi"}
	var qs []string
	for range 2000 {
		sign := []string{"", "", "+", "-"}[r.IntN(4)]
		whole := fmt.Sprint(r.IntN(5000))
		switch r.IntN(4) {
		case 0:
			whole += "." + fmt.Sprint(r.IntN(1000))
		case 1:
			whole = "." + fmt.Sprint(r.IntN(1000))
		}
		qs = append(qs, sign+whole+suffixes[r.IntN(len(suffixes))])
	}
	compare(t, qs)
}
