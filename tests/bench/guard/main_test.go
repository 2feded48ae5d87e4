package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const sampleRun = `goos: linux
BenchmarkParseOnly-2          	       3	 1000 ns/op	     10000 objects/s
BenchmarkScanAll-2            	       3	 1000 ns/op	      1000 objects/s
BenchmarkScanPSSRestricted-2  	       3	 1000 ns/op	      2000 objects/s
PASS
`

func TestGuardPassesWithinToleranceAndFailsBeyond(t *testing.T) {
	file := filepath.Join(t.TempDir(), "baseline.json")
	code, err := run(strings.NewReader(sampleRun), &bytes.Buffer{}, file, 0.2, true)
	require.NoError(t, err)
	require.Equal(t, 0, code)

	// Same machine, 15% slower scan: within tolerance.
	slower := strings.Replace(sampleRun, "1000 objects/s", "850 objects/s", 1)
	var out bytes.Buffer
	code, err = run(strings.NewReader(slower), &out, file, 0.2, false)
	require.NoError(t, err)
	assert.Equal(t, 0, code, out.String())

	// 25% slower: a regression.
	slower = strings.Replace(sampleRun, "1000 objects/s", "750 objects/s", 1)
	out.Reset()
	code, err = run(strings.NewReader(slower), &out, file, 0.2, false)
	require.NoError(t, err)
	assert.Equal(t, 1, code)
	assert.Contains(t, out.String(), "REGRESSION")

	// A machine twice as fast on everything is no regression.
	fast := strings.NewReplacer("10000 objects/s", "20000 objects/s", "1000 objects/s", "2000 objects/s", "2000 objects/s", "4000 objects/s").Replace(sampleRun)
	out.Reset()
	code, err = run(strings.NewReader(fast), &out, file, 0.2, false)
	require.NoError(t, err)
	assert.Equal(t, 0, code, out.String())

	// A benchmark that disappeared fails too.
	out.Reset()
	code, err = run(strings.NewReader(strings.Replace(sampleRun, "BenchmarkScanAll-2", "BenchmarkOther-2", 1)), &out, file, 0.2, false)
	require.NoError(t, err)
	assert.Equal(t, 1, code)
}

func TestGuardNeedsTheParseOnlyBaseline(t *testing.T) {
	_, err := run(strings.NewReader("BenchmarkScanAll-2 3 1 ns/op 5 objects/s\n"), &bytes.Buffer{}, filepath.Join(t.TempDir(), "b.json"), 0.2, false)
	require.Error(t, err)
}

func TestGuardTakesEachBenchmarksBestRun(t *testing.T) {
	repeated := sampleRun + strings.NewReplacer("10000 objects/s", "6000 objects/s", "1000 objects/s", "900 objects/s").Replace(sampleRun)
	raw, err := readRun(strings.NewReader(repeated), &bytes.Buffer{})
	require.NoError(t, err)
	assert.Equal(t, map[string]float64{"ParseOnly": 10000, "ScanAll": 1000, "ScanPSSRestricted": 2000}, raw)
}
