package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"
)

// ReadReport reads a JSON report written by `shipshape scan -o json`.
// Fingerprints are computed afresh from each finding, so a report written
// by an older release (with another fingerprint, or none) is matched the
// way this release matches.
func ReadReport(file string) (*Report, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var r Report
	var results struct {
		Results []Result `json:"results"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s: not a shipshape JSON report: %w", file, err)
	}
	if err := json.Unmarshal(data, &results); err != nil {
		return nil, fmt.Errorf("%s: not a shipshape JSON report: %w", file, err)
	}
	if results.Results == nil {
		return nil, fmt.Errorf("%s: not a shipshape JSON report (no results)", file)
	}
	for i := range results.Results {
		results.Results[i].Fingerprint = Fingerprint(results.Results[i])
	}
	for i := range r.Exempted {
		r.Exempted[i].Fingerprint = Fingerprint(r.Exempted[i].Result)
	}
	if err := r.results.add(results.Results, nil); err != nil {
		return nil, err
	}
	return &r, nil
}

// ReadFingerprints counts the fingerprints of a JSON report's findings,
// exempted ones included (see Fingerprints), reading one finding at a
// time: a baseline of a large scan is never held whole.
func ReadFingerprints(file string) (map[string]int, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	bad := func(err error) error { return fmt.Errorf("%s: not a shipshape JSON report: %w", file, err) }
	dec := json.NewDecoder(bufio.NewReaderSize(f, 64<<10))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, bad(fmt.Errorf("want an object, got %v (%v)", tok, err))
	}
	out := map[string]int{}
	sawResults := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, bad(err)
		}
		key, _ := tok.(string)
		if key != "results" && key != "exempted" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, bad(err)
			}
			continue
		}
		sawResults = sawResults || key == "results"
		if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
			if tok == nil && err == nil && key == "exempted" {
				continue // null
			}
			return nil, bad(fmt.Errorf("%s: want a list, got %v (%v)", key, tok, err))
		}
		for dec.More() {
			var res ExemptedResult
			if err := dec.Decode(&res); err != nil {
				return nil, bad(err)
			}
			out[Fingerprint(res.Result)]++
		}
		if _, err := dec.Token(); err != nil {
			return nil, bad(err)
		}
	}
	if !sawResults {
		return nil, fmt.Errorf("%s: not a shipshape JSON report (no results)", file)
	}
	return out, nil
}

// Fingerprints counts the fingerprints of a report's findings, exempted
// ones included (an exception that expires does not make a finding new).
func Fingerprints(r *Report) map[string]int {
	out := map[string]int{}
	_ = r.Each(func(res Result) error {
		out[res.Fingerprint]++
		return nil
	})
	for _, res := range r.Exempted {
		out[res.Fingerprint]++
	}
	return out
}

// Diff is how findings changed between two reports.
type Diff struct {
	New       []Result `json:"new"`
	Fixed     []Result `json:"fixed"`
	Unchanged []Result `json:"unchanged"`
}

// Compare matches two reports' findings by fingerprint, one for one: when a
// fingerprint occurs more often in the current report than in the old one,
// the extra findings are new.
func Compare(old, current *Report) Diff {
	d := Diff{New: []Result{}, Fixed: []Result{}, Unchanged: []Result{}}
	was, now := Fingerprints(old), Fingerprints(current)
	for _, res := range current.All() {
		if was[res.Fingerprint] > 0 {
			was[res.Fingerprint]--
			d.Unchanged = append(d.Unchanged, res)
		} else {
			d.New = append(d.New, res)
		}
	}
	for _, res := range old.All() {
		if now[res.Fingerprint] > 0 {
			now[res.Fingerprint]--
		} else {
			d.Fixed = append(d.Fixed, res)
		}
	}
	for _, list := range [][]Result{d.New, d.Fixed, d.Unchanged} {
		sort.SliceStable(list, func(i, j int) bool {
			if list[i].File != list[j].File {
				return list[i].File < list[j].File
			}
			return list[i].Line < list[j].Line
		})
	}
	return d
}
