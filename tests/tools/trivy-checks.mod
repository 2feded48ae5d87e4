// Trivy's checks (their Rego, tests and examples), pinned apart from the
// main module: tests/peers/trivy reads them from the module cache as an
// oracle. Only this module's own files are used, so its dependencies (Trivy
// itself) are never downloaded or built.
module github.com/shipshape-dev/shipshape/tests/tools/trivychecks

go 1.26.8

require github.com/aquasecurity/trivy-checks v1.10.0
