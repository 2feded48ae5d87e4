package report

import (
	"cmp"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	ClassName string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Error     *junitFailure `xml:"error,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// writeJUnit writes one test suite per file and one test case per object:
// an object with violations fails, listing each one; one that no control
// judged (no control for its kind, or all excluded in its namespace) is
// skipped, with why, and one a control failed on is an error: neither
// passed. It is written a suite
// at a time: a first pass over the results finds the objects that fail and
// where their results are, so only one file's failures are ever held.
func writeJUnit(w io.Writer, r *Report) error {
	type key struct {
		file     string
		document int
		item     int
	}
	keyOf := func(file string, document int, item *int) key {
		k := key{file: file, document: document, item: -1}
		if item != nil {
			k.item = *item
		}
		return k
	}
	// Results are grouped by object identity (exceptions may have taken
	// some out); where lists the chunks that hold an identity's results.
	where := map[key][]int{}
	var cluster []Result
	chunk := -1
	if err := r.Chunks(func(results []Result) error {
		chunk++
		for _, res := range results {
			if res.File == "" {
				cluster = append(cluster, res)
				continue
			}
			k := keyOf(res.File, res.Document, res.Item)
			if l := where[k]; len(l) == 0 || l[len(l)-1] != chunk {
				where[k] = append(l, chunk)
			}
		}
		return nil
	}); err != nil {
		return err
	}

	// Why objects were not judged, by identity.
	notJudged := map[key]string{}
	for _, nj := range r.NotJudged {
		notJudged[keyOf(nj.File, nj.Document, nj.Item)] = "not judged: " + nj.Reason
	}
	for _, ex := range r.Excluded {
		notJudged[keyOf(ex.File, ex.Document, ex.Item)] = fmt.Sprintf("not judged: namespace %q is excluded from %s", ex.Namespace, strings.Join(ex.Controls, ", "))
	}

	// The suites, their cases in order, and the counts.
	type caseRef struct {
		object   int // index in r.objects, or -1
		fails    bool
		skipped  string // why the object was not judged
		failed   bool   // a control failed on the object
		cluster  bool
		exempted int // index in r.Exempted, or -1
		err      int // index in r.Errors, or -1
	}
	suites := junitSuites{Name: "shipshape"}
	var cases [][]caseRef
	byFile := map[string]int{}
	suite := func(file string) int {
		i, ok := byFile[file]
		if !ok {
			i = len(suites.Suites)
			byFile[file] = i
			suites.Suites = append(suites.Suites, junitSuite{Name: file})
			cases = append(cases, nil)
		}
		return i
	}
	taken := map[key]bool{} // the first object of an identity takes its results
	for i, obj := range r.objects {
		s := suite(obj.File)
		k := keyOf(obj.File, obj.Document, obj.Item)
		ref := caseRef{object: i, exempted: -1, err: -1}
		switch {
		case len(where[k]) > 0 && !taken[k]:
			taken[k], ref.fails = true, true
			suites.Suites[s].Failures++
			suites.Failures++
		case obj.Failed > 0:
			ref.failed = true
			suites.Suites[s].Errors++
			suites.Errors++
		case obj.Judged == 0:
			ref.skipped = cmp.Or(notJudged[k], "not judged: no control of the profile judges it")
			suites.Suites[s].Skipped++
			suites.Skipped++
		}
		suites.Suites[s].Tests++
		suites.Tests++
		cases[s] = append(cases[s], ref)
	}
	if r.Summary.ClusterChecked {
		s := suite(ClusterHeading)
		ref := caseRef{object: -1, cluster: true, fails: len(cluster) > 0, exempted: -1, err: -1}
		if ref.fails {
			suites.Suites[s].Failures++
			suites.Failures++
		}
		suites.Suites[s].Tests++
		suites.Tests++
		cases[s] = append(cases[s], ref)
	}
	for i, ex := range r.Exempted {
		file := ex.File
		if file == "" {
			file = ClusterHeading
		}
		s := suite(file)
		suites.Suites[s].Tests++
		suites.Suites[s].Skipped++
		suites.Tests++
		suites.Skipped++
		cases[s] = append(cases[s], caseRef{object: -1, exempted: i, err: -1})
	}
	for i, e := range r.Errors {
		file := e.File
		if file == "" {
			file = "shipshape"
		}
		s := suite(file)
		suites.Suites[s].Tests++
		suites.Suites[s].Errors++
		suites.Tests++
		suites.Errors++
		cases[s] = append(cases[s], caseRef{object: -1, exempted: -1, err: i})
	}

	// Each suite is built with its cases, written and let go.
	// The chunk last read, its results by identity.
	loaded, loadedAt := map[key][]Result{}, -1
	resultsOf := func(k key) ([]Result, error) {
		var out []Result
		for _, c := range where[k] {
			if c != loadedAt {
				results, err := r.chunkResults(c)
				if err != nil {
					return nil, err
				}
				clear(loaded)
				for _, res := range results {
					if res.File != "" {
						rk := keyOf(res.File, res.Document, res.Item)
						loaded[rk] = append(loaded[rk], res)
					}
				}
				loadedAt = c
			}
			out = append(out, loaded[k]...)
		}
		return out, nil
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	start := xml.StartElement{Name: xml.Name{Local: "testsuites"}, Attr: []xml.Attr{
		{Name: xml.Name{Local: "name"}, Value: suites.Name},
		{Name: xml.Name{Local: "tests"}, Value: fmt.Sprint(suites.Tests)},
		{Name: xml.Name{Local: "failures"}, Value: fmt.Sprint(suites.Failures)},
		{Name: xml.Name{Local: "errors"}, Value: fmt.Sprint(suites.Errors)},
		{Name: xml.Name{Local: "skipped"}, Value: fmt.Sprint(suites.Skipped)},
	}}
	if err := enc.EncodeToken(start); err != nil {
		return err
	}
	for s, suite := range suites.Suites {
		for _, ref := range cases[s] {
			var tc junitCase
			switch {
			case ref.object >= 0:
				obj := r.objects[ref.object]
				tc = junitCase{ClassName: obj.File, Name: fmt.Sprintf("%s (document %d)", obj.Label(), obj.Document)}
				if obj.Item != nil {
					tc.Name = fmt.Sprintf("%s (document %d, item %d)", obj.Label(), obj.Document, *obj.Item)
				}
				switch {
				case ref.fails:
					results, err := resultsOf(keyOf(obj.File, obj.Document, obj.Item))
					if err != nil {
						return err
					}
					tc.Failure = failureOf(results)
				case ref.failed:
					tc.Error = &junitFailure{Message: fmt.Sprintf("%d control(s) failed on the object", obj.Failed), Type: "error",
						Text: "not every control could judge it: the scan's input errors say why"}
				case ref.skipped != "":
					tc.Skipped = &junitSkipped{Message: ref.skipped}
				}
			case ref.cluster:
				tc = junitCase{ClassName: ClusterHeading, Name: "cluster-level controls"}
				if ref.fails {
					tc.Failure = failureOf(cluster)
				}
			case ref.exempted >= 0:
				ex := r.Exempted[ref.exempted]
				label := ObjectRef{Kind: ex.Kind, Namespace: ex.Namespace, Name: ex.Name}.Label()
				tc = junitCase{ClassName: suite.Name, Name: fmt.Sprintf("%s %s (exempted)", label, ex.Control),
					Skipped: &junitSkipped{Message: fmt.Sprintf("exempted: %s (owner %s, expires %s, %s)", ex.Exception.Reason, ownerOf(ex.Exception), ex.Exception.Expires, ex.Exception.Source)}}
			default:
				e := r.Errors[ref.err]
				tc = junitCase{ClassName: suite.Name, Name: "input", Error: &junitFailure{Message: "error", Type: "error", Text: e.Message}}
			}
			suite.Cases = append(suite.Cases, tc)
		}
		if err := enc.EncodeElement(suite, xml.StartElement{Name: xml.Name{Local: "testsuite"}}); err != nil {
			return err
		}
	}
	if err := enc.EncodeToken(start.End()); err != nil {
		return err
	}
	if err := enc.Flush(); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// failureOf lists results as one test failure typed by the worst severity.
func failureOf(results []Result) *junitFailure {
	var lines []string
	worst := ""
	for _, res := range results {
		where := ""
		if res.File != "" {
			where = fmt.Sprintf("%s:%d ", res.File, res.Line)
		}
		lines = append(lines, fmt.Sprintf("%s%s [%s] %s", where, res.Control, res.Severity, res.Message))
		if worst == "" || severityRank(res.Severity) > severityRank(worst) {
			worst = res.Severity
		}
	}
	return &junitFailure{Message: fmt.Sprintf("%d violation(s)", len(results)), Type: worst, Text: strings.Join(lines, "\n")}
}
