// Package testenv holds the rule for tests that need something the machine
// may lack (a browser, a tool): on a developer's machine they skip, saying
// what is missing; under CI (CI=true) they fail, so a runner that lost the
// tool cannot turn the suite green by skipping what it was meant to test.
package testenv

import (
	"fmt"
	"os"
	"strconv"
	"testing"
)

// InCI reports whether the tests run under CI: CI is set to a true value
// (GitHub Actions, GitLab CI and most runners set CI=true).
func InCI() bool {
	ci, err := strconv.ParseBool(os.Getenv("CI"))
	return err == nil && ci
}

// SkipMissing skips the test because what it needs is missing, or fails it
// under CI.
func SkipMissing(t testing.TB, format string, args ...any) {
	t.Helper()
	why := fmt.Sprintf(format, args...)
	if InCI() {
		t.Fatalf("%s, and CI=true: under CI a missing tool fails the test instead of skipping it", why)
		return
	}
	t.Skip(why)
}
