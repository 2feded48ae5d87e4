// Package report renders the HTML compliance report of examples/ in a real
// headless Chromium and checks what an auditor would see: a chart per
// framework and the requirements table.
package report

import (
	"context"
	"html/template"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/shipshape-dev/shipshape/engine/compliance"

	"github.com/shipshape-dev/shipshape/tests/internal/testbin"
	"github.com/shipshape-dev/shipshape/tests/internal/testenv"
)

// chromium finds the browser; CI installs Debian's chromium, and a missing
// browser fails there (CI=true, or SHIPSHAPE_REQUIRE_CHROMIUM set) instead
// of skipping the test.
func chromium(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("SHIPSHAPE_REQUIRE_CHROMIUM") != "" {
			t.Fatal("chromium is required (apt-get install chromium)")
		}
		testenv.SkipMissing(t, "chromium is not installed (apt-get install chromium)")
	}
	return path
}

// headless runs Chromium offline with a fresh profile.
func headless(t *testing.T, browser string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir()}
	out, err := exec.CommandContext(ctx, browser, append(base, args...)...).Output()
	require.NoError(t, err)
	return out
}

func TestHTMLReportRendersInChromium(t *testing.T) {
	browser := chromium(t)
	dir := t.TempDir()
	html := filepath.Join(dir, "compliance.html")
	bin := testbin.BuildT(t)
	run := exec.Command(bin, "report", "--config", "examples/shipshape.yaml", "--evidence", "examples/evidence",
		"--format", "html", "-o", html, "examples/good", "examples/bad")
	run.Dir = testbin.RepoRoot()
	out, err := run.CombinedOutput()
	require.NoError(t, err, string(out))

	dom := string(headless(t, browser, "--dump-dom", "file://"+html))
	assert.Equal(t, len(compliance.Frameworks()), strings.Count(dom, `<figure class="chart"`), "one chart per framework")
	assert.Equal(t, len(compliance.Frameworks()), strings.Count(dom, "<svg"), "each chart is drawn")
	for _, fw := range compliance.Frameworks() {
		assert.Contains(t, dom, template.HTMLEscapeString(fw.Name))
	}
	assert.Contains(t, dom, `<table id="requirements">`)
	assert.Contains(t, dom, `data-requirement="POD-08"`)
	assert.Contains(t, dom, `class="fail"`)
	assert.Contains(t, dom, "examples/bad/", "failing verdicts name the objects behind them")
	assert.NotContains(t, dom, "<script", "self-contained: no scripts")
	assert.NotContains(t, dom, "http://", "no network references")

	png := filepath.Join(dir, "report.png")
	headless(t, browser, "--window-size=1280,1600", "--screenshot="+png, "file://"+html)
	data, err := os.ReadFile(png)
	require.NoError(t, err)
	assert.Greater(t, len(data), 20000, "the screenshot has content")
	assert.Equal(t, "\x89PNG", string(data[:4]))
}
