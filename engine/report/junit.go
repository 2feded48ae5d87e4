package report

import (
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
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
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
// an object with violations fails, listing each one.
func writeJUnit(w io.Writer, r *Report) error {
	suites := junitSuites{Name: "shipshape"}
	byFile := map[string]int{}
	suite := func(file string) *junitSuite {
		i, ok := byFile[file]
		if !ok {
			i = len(suites.Suites)
			byFile[file] = i
			suites.Suites = append(suites.Suites, junitSuite{Name: file})
		}
		return &suites.Suites[i]
	}
	// Results are grouped by object identity: exceptions may have taken
	// some out.
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
	byObject := map[key][]Result{}
	var cluster []Result
	for _, res := range r.Results {
		if res.File == "" {
			cluster = append(cluster, res)
			continue
		}
		k := keyOf(res.File, res.Document, res.Item)
		byObject[k] = append(byObject[k], res)
	}
	for _, obj := range r.objects {
		s := suite(obj.File)
		tc := junitCase{ClassName: obj.File, Name: fmt.Sprintf("%s (document %d)", obj.Label(), obj.Document)}
		if obj.Item != nil {
			tc.Name = fmt.Sprintf("%s (document %d, item %d)", obj.Label(), obj.Document, *obj.Item)
		}
		k := keyOf(obj.File, obj.Document, obj.Item)
		if results := byObject[k]; len(results) > 0 {
			tc.Failure = failureOf(results)
			delete(byObject, k) // the first object of an identity takes them
			s.Failures++
			suites.Failures++
		}
		s.Tests++
		suites.Tests++
		s.Cases = append(s.Cases, tc)
	}
	if r.Summary.ClusterChecked {
		s := suite(ClusterHeading)
		tc := junitCase{ClassName: ClusterHeading, Name: "cluster-level controls"}
		if len(cluster) > 0 {
			tc.Failure = failureOf(cluster)
			s.Failures++
			suites.Failures++
		}
		s.Tests++
		suites.Tests++
		s.Cases = append(s.Cases, tc)
	}
	for _, ex := range r.Exempted {
		file := ex.File
		if file == "" {
			file = ClusterHeading
		}
		s := suite(file)
		label := ObjectRef{Kind: ex.Kind, Namespace: ex.Namespace, Name: ex.Name}.Label()
		s.Cases = append(s.Cases, junitCase{ClassName: file, Name: fmt.Sprintf("%s %s (exempted)", label, ex.Control),
			Skipped: &junitSkipped{Message: fmt.Sprintf("exempted: %s (owner %s, expires %s, %s)", ex.Exception.Reason, ownerOf(ex.Exception), ex.Exception.Expires, ex.Exception.Source)}})
		s.Tests++
		suites.Tests++
	}
	for _, e := range r.Errors {
		file := e.File
		if file == "" {
			file = "shipshape"
		}
		s := suite(file)
		s.Cases = append(s.Cases, junitCase{ClassName: file, Name: "input", Error: &junitFailure{Message: "error", Type: "error", Text: e.Message}})
		s.Tests++
		s.Errors++
		suites.Tests++
		suites.Errors++
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(suites); err != nil {
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
