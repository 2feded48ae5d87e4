// Package jsonvalue reads decoded JSON and YAML values (maps, slices and
// scalars of type any) without repeating the same type switches.
package jsonvalue

// Strings returns the strings of a list value, skipping members that are
// not strings; nil or a non-list gives an empty list.
func Strings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, e := range list {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
