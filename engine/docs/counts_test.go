package docs

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUpdateCounts(t *testing.T) {
	counts := map[string]int{"controls": 107, "cases": 1203}
	got, err := UpdateCounts([]byte("**<!-- count:controls -->106<!-- /count --> controls**, <!-- count:cases -->852<!-- /count --> cases"), counts)
	require.NoError(t, err)
	assert.Equal(t, "**<!-- count:controls -->107<!-- /count --> controls**, <!-- count:cases -->1,203<!-- /count --> cases", string(got))

	_, err = UpdateCounts([]byte("<!-- count:contrls -->1<!-- /count -->"), counts)
	assert.ErrorContains(t, err, `count mark "contrls": no such count`)
}
