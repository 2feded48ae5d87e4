package requirements

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefaultCatalogue(t *testing.T) {
	c, err := Default()
	require.NoError(t, err)

	pod01, ok := c.Get("POD-01")
	require.True(t, ok)
	assert.Equal(t, "POD — pod security", pod01.Family)
	assert.Equal(t, []string{"pod"}, pod01.Evidence)
	assert.True(t, pod01.Admitted())

	iam01, ok := c.Get("IAM-01")
	require.True(t, ok)
	assert.False(t, iam01.Admitted())

	gov01, ok := c.Get("GOV-01")
	require.True(t, ok)
	assert.False(t, gov01.Machine(), "GOV-01 has no offline evidence")

	_, ok = c.Get("POD-99")
	assert.False(t, ok)
	assert.Contains(t, c.Guidance, "RTO/RPO")
	assert.GreaterOrEqual(t, len(c.Requirements), 80, "the seeds' rows stay")

	beyond, ok := c.Get("POD-14")
	require.True(t, ok, "rows beyond the seeds are part of the catalogue")
	assert.True(t, beyond.Admitted())
}

func TestParseRejectsDuplicates(t *testing.T) {
	_, err := Parse([]byte("## A\n| X-01 | a | 000 | pod | yes |\n| X-01 | b | 000 | pod | yes |\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "duplicate ID X-01")
	_, err = Parse([]byte("# nothing\n"))
	require.Error(t, err)
}
