package report

import (
	"bytes"
	"encoding/json"
	"os"
	"strconv"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSARIFMeetsTheSchemaAndGitHub validates the SARIF output against the
// OASIS SARIF 2.1.0 schema (testdata, from oasis-tcs/sarif-spec) and the
// rules GitHub code scanning documents for uploads: every result has a
// location with a file and a start line, and the run stays within GitHub's
// limits (rules and results per run, tags per rule, a numeric
// security-severity).
func TestSARIFMeetsTheSchemaAndGitHub(t *testing.T) {
	schemaData, err := os.ReadFile("testdata/sarif-schema-2.1.0.json")
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	require.NoError(t, c.AddResource("sarif-schema-2.1.0.json", bytes.NewReader(schemaData)))
	schema, err := c.Compile("sarif-schema-2.1.0.json")
	require.NoError(t, err)

	r := sample(t)
	cluster := r.All()[0]
	cluster.Control, cluster.File, cluster.Line, cluster.Kind, cluster.Name, cluster.Namespace, cluster.Field = privileged.ID, "", 0, "Cluster", "cluster", "", ""
	cluster.Message = "no runtime detection agent runs in the cluster"
	r.setResults(append(r.All(), cluster))
	r.ClusterFile = "charts/shop/Chart.yaml"

	var buf bytes.Buffer
	require.NoError(t, Write(&buf, r, "sarif", Options{Version: "1.2.3"}))
	var doc any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &doc))
	require.NoError(t, schema.Validate(doc), "the OASIS schema")

	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID         string `json:"id"`
						Properties struct {
							Tags             []string `json:"tags"`
							SecuritySeverity string   `json:"security-severity"`
						} `json:"properties"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				Message   struct{ Text string }
				Locations []struct {
					PhysicalLocation *struct {
						ArtifactLocation struct{ URI string } `json:"artifactLocation"`
						Region           struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	require.NoError(t, json.Unmarshal(buf.Bytes(), &log))
	require.LessOrEqual(t, len(log.Runs), 20, "runs per file")
	run := log.Runs[0]
	assert.NotEmpty(t, run.Tool.Driver.Name)
	assert.LessOrEqual(t, len(run.Tool.Driver.Rules), 25000, "rules per run")
	assert.LessOrEqual(t, len(run.Results), 25000, "results per run")
	for _, rule := range run.Tool.Driver.Rules {
		assert.LessOrEqual(t, len(rule.Properties.Tags), 20, "tags per rule: %s", rule.ID)
		sev, err := strconv.ParseFloat(rule.Properties.SecuritySeverity, 64)
		require.NoError(t, err, rule.ID)
		assert.True(t, sev >= 0 && sev <= 10, rule.ID)
	}
	require.Len(t, run.Results, 3)
	for _, res := range run.Results {
		assert.NotEmpty(t, res.RuleID)
		assert.NotEmpty(t, res.Message.Text)
		require.NotEmpty(t, res.Locations, "GitHub rejects a result without a location: %s", res.Message.Text)
		assert.LessOrEqual(t, len(res.Locations), 1000)
		loc := res.Locations[0].PhysicalLocation
		require.NotNil(t, loc, "a location names a file: %s", res.Message.Text)
		assert.NotEmpty(t, loc.ArtifactLocation.URI)
		assert.GreaterOrEqual(t, loc.Region.StartLine, 1)
	}
	last := run.Results[2].Locations[0].PhysicalLocation
	assert.Equal(t, "charts/shop/Chart.yaml", last.ArtifactLocation.URI, "a cluster-level result is located at the scanned chart")
	assert.Equal(t, 1, last.Region.StartLine)
}
