# shipshape — build, test and generate. Everything runs through the Go
# toolchain; tools (the OPA CLI) are pinned in go.mod and run with `go tool`.

GO        ?= go
PKGS_RACE := ./engine/...
# Profiles whose Gatekeeper and Azure Policy exports are generated into
# bundles/generated/ (each file once, profiles as kustomizations and
# initiatives over it) and checked for drift.
EXPORTS   := pss-baseline,pss-restricted,all
GENERATED := bundles/generated
# gator is pinned in its own module file: Gatekeeper's CLI needs the
# Kubernetes libraries it was released with, older than shipshape's.
GATOR     := $(GO) tool -modfile=tests/tools/gator.mod gator
FUZZTIME  ?= 60s

.PHONY: all build plan release image run test test-evaluators test-mutate lint generate bench bench-cost bench-peers bench-guard fuzz report-demo clean

all: lint test

## build: plan the library (bundles/plan/built/library.plan, build output) and compile bin/shipshape with the plan embedded
build: plan
	$(GO) build -o bin/shipshape ./cmd/shipshape

## plan: plan the built-in library for the planned evaluator (engine/ireval); the binary embeds the file
plan:
	$(GO) run ./bundles/plan/makeplan -o bundles/plan/built/library.plan

## release: cross-compile linux/darwin/windows × amd64/arm64 into dist/ (static, -trimpath, stripped, version embedded; reproducible), with a CycloneDX SBOM per binary and SHA256SUMS
release: plan
	$(GO) run ./cmd/release -o dist $(if $(VERSION),-version $(VERSION))

## image: build the container image (Dockerfile) with docker, podman or buildah, whichever runs here
image:
	@if docker info >/dev/null 2>&1; then docker build -t shipshape:dev .; \
	elif command -v podman >/dev/null 2>&1 && podman info >/dev/null 2>&1; then podman build -t shipshape:dev .; \
	elif command -v buildah >/dev/null 2>&1; then buildah bud -t shipshape:dev .; \
	else echo "make image: no container builder runs here (docker has no engine, podman and buildah are absent); build the Dockerfile where one does: docker build -t shipshape ." >&2; exit 2; fi

## run: scan the bundled examples/ with the default profile (exit 1 = violations found, as expected)
run: build
	@./bin/shipshape scan --config examples/shipshape.yaml --evidence examples/evidence examples/good examples/bad || test $$? -eq 1

## test: formatting, vet, Rego checks, race-enabled engine tests, every other test, then gator on the exports
test: lint plan
	$(GO) test -race -count=1 $(PKGS_RACE)
	$(GO) test -count=1 $$($(GO) list ./... | grep -v '/engine/')
	$(GATOR) verify $(GENERATED)/gatekeeper/controls/...

## test-evaluators: the determinism test on its whole corpus: 50,000 generated objects of every kind the library judges, scanned 20 times with each evaluator, several worker counts, path and directory orders, at both scopes; every JSON and SARIF report the same bytes (make test runs a sample; about 90 minutes on 2 cores; DETERMINISM_RUNS=planned=N,topdown=N runs fewer)
DETERMINISM_RUNS ?=
test-evaluators:
	SHIPSHAPE_DETERMINISM=full SHIPSHAPE_DETERMINISM_RUNS=$(DETERMINISM_RUNS) $(GO) test -count=1 -timeout 180m -v -run TestScansAreByteIdentical ./tests/determinism/

## test-mutate: (in .ci/run, apart from make test for its time) measure the library's cases with mutants of each control's Rego and of the helpers in library/lib, each helper mutant against the cases of every control that reads it (at least 85% killed per control and helper file, 90% per family; the survivors are listed)
test-mutate: build
	./bin/shipshape test --mutate --helpers --min-control-kill-rate 0.85 --min-kill-rate 0.9

## lint: no tracked file over 1 MB (build output stays out of git), gofmt, go vet, opa check --strict over the library, opa fmt over it and the bundle entrypoints
lint:
	@big=$$(git ls-files -z 2>/dev/null | xargs -0 -r stat -c '%s %n' 2>/dev/null | awk '$$1 > 1048576 {print "  " $$2 " (" $$1 " bytes)"}'); \
	  if [ -n "$$big" ]; then echo "tracked files over 1 MB (build output or data that belongs elsewhere):"; echo "$$big"; exit 1; fi
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool opa check --strict --v1-compatible library
	@if [ -n "$$($(GO) tool opa fmt --list library engine/bundle)" ]; then echo "opa fmt needed:"; $(GO) tool opa fmt --list library engine/bundle; exit 1; fi

## generate: refresh the generated docs, editor schemas, README counts and the profile exports (CI fails on drift)
generate: build
	./bin/shipshape docs --dir docs --readme README.md
	./bin/shipshape export gatekeeper --config /dev/null --profile $(EXPORTS) -o $(GENERATED)/gatekeeper
	./bin/shipshape export azure-policy --config /dev/null --profile $(EXPORTS) -o $(GENERATED)/azure-policy

## bench: scan 10,000 generated objects (objects/s, allocations, ratio to parsing alone); OPA decision p50/p99 over 10,000 requests
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 3x -count 1 ./tests/bench/
	$(GO) test -run '^$$' -bench . -benchtime 10000x -count 1 ./tests/opa/

## bench-guard: run the scan benchmarks and fail when objects/s (relative to parse-only) dropped more than 20% against tests/bench/baseline.json; UPDATE=1 records a new baseline
bench-guard:
	$(GO) test -run '^$$' -bench 'ParseOnly|ScanAll|ScanPSSRestricted' -benchtime 1x -count 3 ./tests/bench/ | $(GO) run ./tests/bench/guard $(if $(UPDATE),-update)

## bench-cost: where evaluation time goes: each control alone, and the Rego expressions evaluated most per object
bench-cost:
	SHIPSHAPE_COST=1 $(GO) test -v -run 'TestCostPerControl|TestRegoProfile' -count 1 ./tests/bench/

## bench-peers: shipshape against parse-only, gator and conftest on the same generated Pods (table of objects/s, speed-ups, peak memory)
bench-peers: build
	$(GO) build -modfile=tests/tools/gator.mod -o bin/gator github.com/open-policy-agent/gatekeeper/v3/cmd/gator
	$(GO) build -modfile=tests/tools/conftest.mod -o bin/conftest github.com/open-policy-agent/conftest
	$(GO) run ./tests/bench/peers

## report-demo: the HTML compliance report of examples/ and a headless-Chromium screenshot of it, in bin/
report-demo: build
	./bin/shipshape report --config examples/shipshape.yaml --evidence examples/evidence --format html -o bin/compliance.html examples/good examples/bad
	chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
	  --disable-component-update --disable-sync --user-data-dir=$$(mktemp -d) --window-size=1280,2400 \
	  --screenshot=$(CURDIR)/bin/compliance.png file://$(CURDIR)/bin/compliance.html
	@echo "wrote bin/compliance.html and bin/compliance.png"

## fuzz: run every fuzz target for FUZZTIME each (new crashers land in the package's testdata/fuzz; commit them as seeds)
fuzz:
	FUZZTIME=$(FUZZTIME) GO=$(GO) tests/fuzz/run.sh

clean:
	rm -rf bin
