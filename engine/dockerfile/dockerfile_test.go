package dockerfile

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIsDockerfile(t *testing.T) {
	for name, want := range map[string]bool{
		"Dockerfile": true, "dir/dockerfile": true, "Containerfile": true, "Dockerfile.prod": true,
		"api.Dockerfile": true, "build/web.containerfile": true,
		"Dockerfile.yaml": false, "deploy.yaml": false, "Dockerfiles": false, "notes.md": false,
	} {
		assert.Equal(t, want, IsDockerfile(name), name)
	}
}

func TestParseNormalisesStagesAndArguments(t *testing.T) {
	src := "# syntax=docker/dockerfile:1\n" +
		"ARG REG=contoso.azurecr.io\n" +
		"ARG TAG\n" +
		"FROM ${REG}/base/golang:1.23 AS Build\n" +
		"ENV A=1 B=\"two words\"\n" +
		"RUN <<EOF\n" +
		"echo hi\n" +
		"EOF\n" +
		"FROM build AS test\n" +
		"FROM base:$TAG\n" +
		"USER 10001\n" +
		"HEALTHCHECK NONE\n"
	v, err := Parse("Dockerfile", []byte(src))
	require.NoError(t, err)
	assert.Equal(t, "shipshape.dev/v1", v["apiVersion"])
	assert.Equal(t, "Dockerfile", v["kind"])
	args := v["args"].([]any)
	require.Len(t, args, 2)
	assert.Equal(t, map[string]any{"name": "REG", "value": "contoso.azurecr.io", "line": 2}, args[0])
	assert.Equal(t, map[string]any{"name": "TAG", "value": nil, "line": 3}, args[1])
	stages := v["stages"].([]any)
	require.Len(t, stages, 3)
	first := stages[0].(map[string]any)
	assert.Equal(t, "contoso.azurecr.io/base/golang:1.23", first["from"])
	assert.Equal(t, "${REG}/base/golang:1.23", first["fromRaw"])
	assert.Equal(t, 4, first["line"])
	insts := first["instructions"].([]any)
	require.Len(t, insts, 2)
	env := insts[0].(map[string]any)
	assert.Equal(t, "ENV", env["instruction"])
	assert.Equal(t, []any{map[string]any{"key": "A", "value": "1"}, map[string]any{"key": "B", "value": "two words"}}, env["env"])
	assert.Equal(t, 6, insts[1].(map[string]any)["line"], "a heredoc RUN starts on its own line")
	assert.Equal(t, true, stages[1].(map[string]any)["fromStage"], "stage names are case-insensitive")
	last := stages[2].(map[string]any)
	assert.Equal(t, []any{"TAG"}, last["unresolvedArgs"])
	hc := last["instructions"].([]any)[1].(map[string]any)
	assert.Equal(t, []any{"NONE"}, hc["test"])
}

func TestParseErrorsCarryLines(t *testing.T) {
	_, err := Parse("Dockerfile", []byte("FROM alpine\nRUN echo hi\nCOPY\n"))
	require.Error(t, err)
	var de *Error
	require.ErrorAs(t, err, &de)
	assert.Equal(t, 3, de.Line)

	_, err = Parse("Dockerfile", []byte("# only a comment\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no instructions")

	_, err = Parse("Dockerfile", []byte("ARG X=1\nRUN echo before from\nFROM alpine\n"))
	require.ErrorAs(t, err, &de)
	assert.Equal(t, 2, de.Line)
	assert.Contains(t, err.Error(), "RUN before the first FROM")
}
