// Package mutate measures how strong a library's cases are. It changes a
// control's Rego in one small way at a time (a mutant: a negated or dropped
// condition, a swapped comparison, a replaced string, an emptied set) and
// runs the control's cases against each. A mutant that every case still
// passes shows a change to the rule the cases do not notice: a case is
// missing, or the change means nothing (an equivalent mutant, which a
// mutants.yaml beside the control lists with why).
package mutate

import (
	"fmt"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// Operators of mutation.
const (
	Negate   = "negate"
	Drop     = "drop"
	Swap     = "swap"
	String   = "string"
	EmptySet = "empty-set"
)

// Mutant is one change to a control's source.
type Mutant struct {
	// Line is the line of the change in the control's policy.rego.
	Line     int    `json:"line"`
	Operator string `json:"operator"`
	// Change shows the text before and after.
	Change string `json:"change"`
	source string
}

// edit replaces the bytes [at, at+len(old)) of a source, on line, as
// operator does.
type edit struct {
	at       int
	old, new string
	line     int
	operator string
}

// Mutants lists the mutants of a control's module: every condition of
// every rule negated and dropped, every comparison swapped (== and !=,
// < and <=, > and >=), every string constant of a condition replaced, and
// every literal set emptied. Message formats (sprintf's first argument)
// are left alone: a case that checks a message kills those trivially.
func Mutants(source string, mod *ast.Module) []Mutant {
	var edits []edit
	add := func(loc *ast.Location, operator, old, new string) {
		if loc == nil || loc.Offset < 0 || loc.Offset+len(old) > len(source) || source[loc.Offset:loc.Offset+len(old)] != old {
			return // the location does not hold the text: no safe edit
		}
		edits = append(edits, edit{at: loc.Offset, old: old, new: new, line: loc.Row, operator: operator})
	}
	for _, rule := range mod.Rules {
		if v := rule.Head.Value; v != nil && v.Location != nil {
			if s, ok := v.Value.(ast.Set); ok && s.Len() > 0 {
				add(v.Location, EmptySet, string(v.Location.Text), "set()")
			}
		}
		ast.WalkExprs(rule, func(e *ast.Expr) bool {
			if e.Generated || e.Location == nil {
				return false
			}
			text := string(e.Location.Text)
			if _, some := e.Terms.(*ast.SomeDecl); some {
				return false
			}
			if _, every := e.Terms.(*ast.Every); every {
				return false
			}
			switch {
			case e.Negated:
				if rest, ok := strings.CutPrefix(text, "not "); ok {
					add(e.Location, Negate, text, rest)
				}
			case !e.IsAssignment() && !e.IsEquality():
				// An assignment or unification cannot be negated.
				add(e.Location, Negate, text, "not "+text)
			}
			if !e.IsAssignment() {
				add(e.Location, Drop, text, "true")
			}
			if e.IsCall() {
				op := e.Terms.([]*ast.Term)[0]
				if swapped, ok := swaps[e.Operator().String()]; ok && op.Location != nil {
					add(op.Location, Swap, string(op.Location.Text), swapped)
				}
			}
			ast.WalkTerms(e, func(t *ast.Term) bool {
				if t.Location == nil {
					return false
				}
				switch v := t.Value.(type) {
				case ast.Call:
					if v[0].Value.Compare(ast.Sprintf.Ref()) == 0 {
						// Skip the format, mutate the arguments.
						for _, arg := range v[2:] {
							ast.WalkTerms(arg, func(t *ast.Term) bool { return mutateTerm(t, add) })
						}
						return true
					}
				}
				return mutateTerm(t, add)
			})
			return false
		})
	}
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].at < edits[j].at })
	out := make([]Mutant, 0, len(edits))
	seen := map[string]bool{}
	for _, e := range edits {
		src := source[:e.at] + e.new + source[e.at+len(e.old):]
		if seen[src] {
			continue
		}
		seen[src] = true
		out = append(out, Mutant{Line: e.line, Operator: e.operator, Change: fmt.Sprintf("%s → %s", oneLine(e.old), oneLine(e.new)), source: src})
	}
	return out
}

// mutateTerm adds the mutants of a constant term; as a visitor of
// ast.WalkTerms, it returns true when there is nothing more inside.
func mutateTerm(t *ast.Term, add func(*ast.Location, string, string, string)) bool {
	if t.Location == nil {
		return false
	}
	text := string(t.Location.Text)
	switch v := t.Value.(type) {
	case ast.String:
		if strings.HasPrefix(text, `"`) || strings.HasPrefix(text, "`") {
			add(t.Location, String, text, `"shipshape-mutant"`)
		}
		return true
	case ast.Set:
		if v.Len() > 0 && strings.HasPrefix(text, "{") {
			add(t.Location, EmptySet, text, "set()")
		}
	}
	return false
}

var swaps = map[string]string{
	"equal": "!=", "neq": "==",
	"lt": "<=", "lte": "<",
	"gt": ">=", "gte": ">",
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 60 {
		s = s[:57] + "…"
	}
	return s
}
