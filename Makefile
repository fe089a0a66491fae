# aws-port-sync — see README.md. Every target works on a fresh machine with Go.
SHELL := /bin/bash
GOBIN ?= $(shell go env GOPATH)/bin
export PATH := $(GOBIN):$(PATH)

TEMPORAL_CLI_VERSION := v1.5.1
STATICCHECK_VERSION  := v0.7.0
WORKFLOWCHECK_VERSION := v0.6.0
TEST_TIMEOUT ?= 15m

.PHONY: all build tools test lint unit e2e bench bench-scale run emulators clean

all: build

build:
	go build -o bin/ ./worker ./starter ./internal/emulator/cmd/emulators

# tools installs what the tests and the local stack need, only when missing.
tools:
	@command -v temporal >/dev/null || { echo "installing temporal CLI $(TEMPORAL_CLI_VERSION) (a few minutes, once)"; go install github.com/temporalio/cli/cmd/temporal@$(TEMPORAL_CLI_VERSION); }
	@command -v staticcheck >/dev/null || go install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	@command -v workflowcheck >/dev/null || go install go.temporal.io/sdk/contrib/tools/workflowcheck@$(WORKFLOWCHECK_VERSION)

lint: tools
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	go vet ./...
	staticcheck ./...
	workflowcheck ./workflows/...

# test = lint + every test (unit, emulator contract, end to end on the real dev server).
test: tools lint
	TEMPORAL_CLI=$$(command -v temporal) go test -count=1 -timeout $(TEST_TIMEOUT) ./...

unit:
	go test -count=1 $$(go list ./... | grep -v /e2e)

e2e: tools
	TEMPORAL_CLI=$$(command -v temporal) go test -count=1 -timeout $(TEST_TIMEOUT) -v ./e2e/...

# bench prints figures: JQ mapping throughput, and full resyncs of generated
# organizations on the real dev server (first, then unchanged).
bench: tools
	go test -run '^$$' -bench . -benchmem $$(go list ./... | grep -v /e2e)
	TEMPORAL_CLI=$$(command -v temporal) go test -run '^$$' -bench . -benchmem -benchtime 1x ./e2e/

# bench-scale is the scale scenario (README, Benchmarks): 200 accounts × 4
# regions, ≥ 50k entities, AWS and Port latencies and rate limits, the worker
# binary in its own process; prints each resync's figures and lower bound.
# Long (tens of minutes). SCALE_ACCOUNTS=1000 for the large organization;
# `make bench` skips it.
SCALE_TEST_TIMEOUT ?= 180m
bench-scale: tools
	TEMPORAL_CLI=$$(command -v temporal) go test -run '^$$' -bench '^BenchmarkScale$$' -benchtime 1x -timeout $(SCALE_TEST_TIMEOUT) ./e2e/

# run = the whole thing locally: dev server, emulators, worker, schedule, first resync.
run: tools build
	./bin/starter dev

emulators: build
	./bin/emulators

clean:
	rm -rf bin .dev
