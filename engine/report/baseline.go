package report

import (
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
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s: not a shipshape JSON report: %w", file, err)
	}
	if r.Results == nil {
		return nil, fmt.Errorf("%s: not a shipshape JSON report (no results)", file)
	}
	for i := range r.Results {
		r.Results[i].Fingerprint = Fingerprint(r.Results[i])
	}
	for i := range r.Exempted {
		r.Exempted[i].Fingerprint = Fingerprint(r.Exempted[i].Result)
	}
	return &r, nil
}

// Fingerprints counts the fingerprints of a report's findings, exempted
// ones included (an exception that expires does not make a finding new).
func Fingerprints(r *Report) map[string]int {
	out := map[string]int{}
	for _, res := range r.Results {
		out[res.Fingerprint]++
	}
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
	for _, res := range current.Results {
		if was[res.Fingerprint] > 0 {
			was[res.Fingerprint]--
			d.Unchanged = append(d.Unchanged, res)
		} else {
			d.New = append(d.New, res)
		}
	}
	for _, res := range old.Results {
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
