# METADATA
# title: Resource quantity helpers
# description: >-
#   Parses Kubernetes resource quantities ("500m", "1.5", "256Mi", "2G",
#   plain numbers) into numbers, so limits can be compared with maximums.
package lib.quantities

import rego.v1

# scales are [multiplier, divisor] pairs by suffix, binary and decimal, so
# milli-units divide exactly instead of multiplying by an inexact 0.001.
scales := {
	"Ki": [1024, 1], "Mi": [1048576, 1], "Gi": [1073741824, 1], "Ti": [1099511627776, 1],
	"Pi": [1125899906842624, 1], "Ei": [1152921504606846976, 1],
	"n": [1, 1000000000], "u": [1, 1000000], "m": [1, 1000], "": [1, 1],
	"k": [1000, 1], "M": [1000000, 1], "G": [1000000000, 1], "T": [1000000000000, 1],
	"P": [1000000000000000, 1], "E": [1000000000000000000, 1],
}

# parse returns the value of a quantity; undefined when it is not one.
# One else chain, so evaluation stops at the first form that matches, and
# one pattern for every suffix, so a quantity is matched once.
parse(q) := q if {
	is_number(q)
} else := (to_number(number) * scales[suffix][0]) / scales[suffix][1] if {
	is_string(q)
	[[_, number, suffix]] := regex.find_all_string_submatch_n(`^([+-]?[0-9]+(?:\.[0-9]*)?|[+-]?\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]?)$`, q, 1)
} else := to_number(q) if {
	is_string(q)
	regex.match(`^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][+-]?[0-9]+$`, q)
}
