package docs

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/shipshape-dev/shipshape/engine/casetest"
	"github.com/shipshape-dev/shipshape/engine/policy"
)

// Counts are the library's numbers that prose quotes, by name: controls,
// cases, requirements (those with a control) and frameworks.
func Counts(lib *policy.Library) (map[string]int, error) {
	counts := map[string]int{"controls": len(lib.Controls()), "frameworks": len(policy.Frameworks())}
	required := map[string]bool{}
	for _, c := range lib.Controls() {
		cs, err := casetest.Cases(c)
		if err != nil {
			return nil, err
		}
		counts["cases"] += len(cs)
		for _, r := range c.Requirements {
			required[r] = true
		}
	}
	counts["requirements"] = len(required)
	return counts, nil
}

// countMark is a number a document quotes, kept true by make generate:
// <!-- count:controls -->106<!-- /count -->.
var countMark = regexp.MustCompile(`<!-- count:([a-z]+) -->[0-9,]*<!-- /count -->`)

// UpdateCounts rewrites every count mark of text with counts; a mark with
// an unknown name is an error, so a typo is not left stale.
func UpdateCounts(text []byte, counts map[string]int) ([]byte, error) {
	var err error
	out := countMark.ReplaceAllFunc(text, func(m []byte) []byte {
		name := string(countMark.FindSubmatch(m)[1])
		n, ok := counts[name]
		if !ok {
			err = fmt.Errorf("count mark %q: no such count (the counts are controls, cases, requirements, frameworks)", name)
			return m
		}
		return []byte("<!-- count:" + name + " -->" + withThousands(n) + "<!-- /count -->")
	})
	return out, err
}

// withThousands writes n with commas between thousands, as the prose does.
func withThousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
