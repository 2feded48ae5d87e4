package report

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
)

// ReadReport reads a JSON report written by `shipshape scan -o json`. A
// report from before fingerprints existed gets them computed.
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
		if r.Results[i].Fingerprint == "" {
			r.Results[i].Fingerprint = Fingerprint(r.Results[i])
		}
	}
	for i := range r.Exempted {
		if r.Exempted[i].Fingerprint == "" {
			r.Exempted[i].Fingerprint = Fingerprint(r.Exempted[i].Result)
		}
	}
	return &r, nil
}

// Fingerprints returns the fingerprints of a report's findings, exempted
// ones included (an exception that expires does not make a finding new).
func Fingerprints(r *Report) map[string]bool {
	out := map[string]bool{}
	for _, res := range r.Results {
		out[res.Fingerprint] = true
	}
	for _, res := range r.Exempted {
		out[res.Fingerprint] = true
	}
	return out
}

// Diff is how findings changed between two reports.
type Diff struct {
	New       []Result `json:"new"`
	Fixed     []Result `json:"fixed"`
	Unchanged []Result `json:"unchanged"`
}

// Compare matches two reports' findings by fingerprint.
func Compare(old, current *Report) Diff {
	d := Diff{New: []Result{}, Fixed: []Result{}, Unchanged: []Result{}}
	was, now := Fingerprints(old), Fingerprints(current)
	for _, res := range current.Results {
		if was[res.Fingerprint] {
			d.Unchanged = append(d.Unchanged, res)
		} else {
			d.New = append(d.New, res)
		}
	}
	for _, res := range old.Results {
		if !now[res.Fingerprint] {
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
