package determinism

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRunPlans holds each mode to what the package comment promises: both
// evaluators at both scopes, every worker count, path order and directory
// order, the planned evaluator first.
func TestRunPlans(t *testing.T) {
	full := fullMode(fullObjects, map[string]int{planned: fullRuns, topdown: fullRuns})
	tests := []struct {
		name   string
		m      mode
		runs   int
		shards int
	}{
		{"sample", sampleMode(), 4, 8},
		{"full, 20 runs each", full, 2 * fullRuns, 167},
		{"full, the defaults", fullMode(fullObjects, map[string]int{planned: fullRuns, topdown: fullRuns}), 2 * fullRuns, 167},
		{"full, OPA's twice", fullMode(fullObjects, map[string]int{planned: fullRuns, topdown: 2}), fullRuns + 2, 167},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Len(t, tt.m.runs, tt.runs)
			assert.Equal(t, tt.shards, tt.m.shards)
			assert.Equal(t, planned, tt.m.runs[0].evaluator, "the planned evaluator makes the first reference")
			seen := map[string]bool{}
			for _, r := range tt.m.runs {
				seen[r.evaluator+" "+r.scope] = true
				seen[fmt.Sprint("workers ", r.workers)] = true
				seen[r.order.String()] = true
				seen[fmt.Sprint("tree ", r.tree)] = true
			}
			for _, want := range []string{"planned manifests", "planned cluster", "topdown cluster", "workers 1", "workers 2", "workers 7",
				wholeDirectory.String(), reversed.String(), shuffled.String(), "tree 0", "tree 1"} {
				assert.True(t, seen[want], "no run with %s", want)
			}
			if strings.HasPrefix(tt.name, "full") {
				assert.True(t, seen[forward.String()])
				assert.Equal(t, []string{manifests, cluster}, []string{tt.m.runs[0].scope, tt.m.runs[1].scope}, "the planned evaluator's first two runs make both references")
			}
			if tt.name == "full, OPA's twice" {
				assert.True(t, seen["topdown manifests"])
			}
		})
	}
}

func TestChooseMode(t *testing.T) {
	tests := []struct {
		env     map[string]string
		name    string
		runs    int
		objects int
		err     string
	}{
		{env: map[string]string{}, name: "sample", runs: 4},
		{env: map[string]string{"SHIPSHAPE_DETERMINISM": "full"}, name: "full", runs: 2 * fullRuns, objects: fullObjects},
		{env: map[string]string{"SHIPSHAPE_DETERMINISM": "full", "SHIPSHAPE_DETERMINISM_RUNS": "topdown=20", "SHIPSHAPE_DETERMINISM_OBJECTS": "5000"}, name: "full", runs: 2 * fullRuns, objects: 5000},
		{env: map[string]string{"SHIPSHAPE_DETERMINISM": "full", "SHIPSHAPE_DETERMINISM_RUNS": "planned=1,topdown=0"}, name: "full", runs: 1, objects: fullObjects},
		{env: map[string]string{"SHIPSHAPE_DETERMINISM": "all"}, err: `SHIPSHAPE_DETERMINISM="all"`},
		{env: map[string]string{"SHIPSHAPE_DETERMINISM": "full", "SHIPSHAPE_DETERMINISM_RUNS": "opa=3"}, err: "want planned=N,topdown=N"},
		{env: map[string]string{"SHIPSHAPE_DETERMINISM": "full", "SHIPSHAPE_DETERMINISM_OBJECTS": "many"}, err: "want a number of objects"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.env), func(t *testing.T) {
			for _, k := range []string{"SHIPSHAPE_DETERMINISM", "SHIPSHAPE_DETERMINISM_RUNS", "SHIPSHAPE_DETERMINISM_OBJECTS"} {
				t.Setenv(k, tt.env[k])
			}
			m, err := chooseMode()
			if tt.err != "" {
				require.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.name, m.name)
			assert.Len(t, m.runs, tt.runs)
			assert.Equal(t, tt.objects, m.objects)
		})
	}
}

func TestPathUnits(t *testing.T) {
	var files []string
	for i := range 40_000 {
		files = append(files, fmt.Sprintf("manifests/team-%02d/case-%05d/manifests-%d.yaml", i/4%23, i/4, i%4))
	}
	assert.Equal(t, files[:10], pathUnits(files[:10]), "files that fit are named")
	units := pathUnits(files)
	assert.Len(t, units, 10_000, "too many files for a command line: their directories, each once")
	assert.Equal(t, "manifests/team-00/case-00000", units[0])
}

// TestCompareShowsTheFindingThatDiffers feeds the comparator a report with
// one finding changed: the difference names the line and shows that
// finding from each, not the whole report.
func TestCompareShowsTheFindingThatDiffers(t *testing.T) {
	finding := func(i int, message string) string {
		return fmt.Sprintf("    {\n      \"control\": \"SS-POD-%03d\",\n      \"message\": %q,\n      \"line\": %d\n    }", i, message, i)
	}
	reportText := func(changed int) string {
		var findings []string
		for i := range 5000 {
			msg := fmt.Sprintf("finding %d", i)
			if i == changed {
				msg = "another message"
			}
			findings = append(findings, finding(i, msg))
		}
		return "{\n  \"results\": [\n" + strings.Join(findings, ",\n") + "\n  ]\n}\n"
	}
	ref, err := keep(filepath.Join(t.TempDir(), "ref.json.gz"), strings.NewReader(reportText(-1)))
	require.NoError(t, err)

	d, err := ref.compare(strings.NewReader(reportText(-1)))
	require.NoError(t, err)
	assert.Nil(t, d, "the same bytes")

	d, err = ref.compare(strings.NewReader(reportText(4000)))
	require.NoError(t, err)
	require.NotNil(t, d)
	text := d.String()
	assert.Contains(t, text, fmt.Sprintf("first difference at line %d", 3+4000*5+2))
	assert.Contains(t, text, `"message": "finding 4000"`)
	assert.Contains(t, text, `"message": "another message"`)
	assert.Contains(t, text, `"control": "SS-POD-4000"`, "the finding from its opening brace")
	assert.NotContains(t, text, `"finding 3998"`, "nothing of the findings before")
	assert.Less(t, len(text), 2000)

	d, err = ref.compare(strings.NewReader(strings.TrimSuffix(reportText(-1), "\n")))
	require.NoError(t, err)
	require.NotNil(t, d, "a missing final newline is a difference")
}
