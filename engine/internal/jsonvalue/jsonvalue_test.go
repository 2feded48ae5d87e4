package jsonvalue

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestStrings(t *testing.T) {
	assert.Equal(t, []string{"a", "b"}, Strings([]any{"a", 1, "b", nil}))
	assert.Empty(t, Strings(nil))
	assert.Empty(t, Strings("a"))
}
