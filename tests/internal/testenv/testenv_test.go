package testenv

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

// recorder is a testing.TB that records a skip or a failure instead of
// ending the test.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper()                           {}
func (r *recorder) Skip(args ...any)                  { r.skipped = fmt.Sprint(args...) }
func (r *recorder) Fatalf(format string, args ...any) { r.failed = fmt.Sprintf(format, args...) }

func TestSkipMissingFailsUnderCI(t *testing.T) {
	for _, tc := range []struct {
		ci         string
		skip, fail bool
	}{
		{ci: "", skip: true},
		{ci: "false", skip: true},
		{ci: "0", skip: true},
		{ci: "true", fail: true},
		{ci: "1", fail: true},
		{ci: "TRUE", fail: true},
	} {
		t.Run("CI="+tc.ci, func(t *testing.T) {
			t.Setenv("CI", tc.ci)
			r := &recorder{TB: t}
			SkipMissing(r, "%s is not installed", "chromium")
			if tc.skip {
				assert.Equal(t, "chromium is not installed", r.skipped)
				assert.Empty(t, r.failed)
			}
			if tc.fail {
				assert.Empty(t, r.skipped)
				assert.Contains(t, r.failed, "chromium is not installed, and CI=true")
			}
		})
	}
}
