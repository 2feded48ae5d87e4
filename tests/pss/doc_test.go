// Package pss proves that shipshape's Pod Security Standards controls judge
// exactly like the upstream reference, k8s.io/pod-security-admission:
//
//   - every fixture the upstream module ships for the newest version is
//     allowed (pass/) or flagged by the matching control (fail/);
//   - seeded random pods on the boundary (mostly compliant, a few fields
//     changed) and wrapped in every pod-bearing kind get the same verdict
//     per check and per level from both evaluators;
//   - a fuzz target checks the same property on generated pods.
package pss
