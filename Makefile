# Hubkit's developer entry points. `make test` is the README's test command.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := test

GO ?= go
BIN := $(CURDIR)/bin
OUT := $(CURDIR)/_output

# Pinned tool versions. A tool is installed into bin/ under a versioned name,
# so changing a version here installs the new one and nothing else.
GOLANGCI_LINT_VERSION := v2.15.0
CONTROLLER_GEN_VERSION := v0.23.0
GOLANGCI_LINT := $(BIN)/golangci-lint-$(GOLANGCI_LINT_VERSION)
CONTROLLER_GEN := $(BIN)/controller-gen-$(CONTROLLER_GEN_VERSION)

# The race detector needs cgo and a C compiler; a machine with only Go runs
# the tests without it.
RACE := $(shell [ "$$($(GO) env CGO_ENABLED)" = 1 ] && command -v "$$($(GO) env CC)" >/dev/null 2>&1 && echo -race)

# Packages whose statement coverage may not fall below COVERAGE_MIN percent.
COVERAGE_MIN := 80
COVERAGE_PACKAGES := hub hub/reconcile storage secrets

FUZZTIME ?= 30s

.PHONY: test unit e2e lint generate tools cluster-tools test-servers fuzz bench bench-fake-vs-real clean help

help: ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

test: unit e2e ## Run every test (the README's test command): unit tests, then the e2e suite.

unit: test-servers ## Run the unit tests and examples, and check coverage.
	@mkdir -p $(OUT)
	@echo ">> unit tests $(RACE)"
	$(GO) test $(RACE) -count=1 -cover ./... | tee $(OUT)/unit.log
	@hack/check-coverage.sh $(OUT)/unit.log $(COVERAGE_MIN) $(COVERAGE_PACKAGES)

# E2E_PROVIDER picks the cluster: kwok (default, built by cluster-tools), kind, existing.
E2E_PROVIDER ?= kwok
export E2E_PROVIDER

e2e: test-servers ## Run the e2e suite against a real control plane (building it first for kwok).
	@if [ "$(E2E_PROVIDER)" = kwok ]; then $(MAKE) --no-print-directory cluster-tools; fi
	@echo ">> e2e suite on $(E2E_PROVIDER)"
	@mkdir -p $(OUT)
	$(GO) test -tags e2e -count=1 -timeout 20m -v ./e2e/... 2>&1 | tee $(OUT)/e2e.log

lint: $(GOLANGCI_LINT) ## Check formatting, run go vet and golangci-lint.
	@echo ">> gofmt"
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	@echo ">> go vet"
	$(GO) vet -tags e2e ./...
	@echo ">> golangci-lint $(GOLANGCI_LINT_VERSION)"
	$(GOLANGCI_LINT) run ./...

generate: $(CONTROLLER_GEN) ## Regenerate deepcopy functions and the CRDs of every API package.
	$(CONTROLLER_GEN) object paths=./...
	@for dir in $$(git ls-files '*/types.go' | xargs -r -n1 dirname | sort -u); do \
		echo ">> CRDs of $$dir"; \
		$(CONTROLLER_GEN) crd paths=./$$dir output:crd:dir=./$$dir/crds; \
	done

tools: $(GOLANGCI_LINT) $(CONTROLLER_GEN) cluster-tools ## Install the pinned developer tools and build the control plane into bin/.

test-servers: ## Make sure what the tests start is there: PostgreSQL, Chromium, nginx and the distribution registry (installed), MinIO (built).
	@hack/ensure-postgresql.sh
	@hack/ensure-chromium.sh
	@hack/ensure-nginx.sh
	@hack/ensure-docker-registry.sh
	@hack/tools/build.sh

cluster-tools: ## Build kube-apiserver, kube-controller-manager, kube-scheduler, etcd, kwok and kwokctl into bin/ (about 5 minutes cold).
	@hack/tools/build.sh

fuzz: ## Run every fuzz test for FUZZTIME each (default 30s) and keep the corpus in testdata/fuzz/.
	@cache=$$($(GO) env GOCACHE)/fuzz; \
	$(GO) list -f '{{.Dir}} {{.ImportPath}}' ./... | while read -r dir pkg; do \
		for fuzz in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo ">> $$pkg $$fuzz"; \
			$(GO) test -run '^$$' -fuzz "^$$fuzz\$$" -fuzztime $(FUZZTIME) $$pkg; \
			if [ -d "$$cache/$$pkg/$$fuzz" ]; then \
				mkdir -p "$$dir/testdata/fuzz/$$fuzz"; \
				cp -n "$$cache/$$pkg/$$fuzz"/* "$$dir/testdata/fuzz/$$fuzz/"; \
			fi; \
		done; \
	done

bench: ## Run the benchmarks, for comparison with benchstat.
	@mkdir -p $(OUT)
	$(GO) test -run '^$$' -bench . -benchmem -count 6 ./... | tee $(OUT)/bench.txt

# BENCH_COUNT repeats each side-by-side benchmark, for benchstat.
BENCH_COUNT ?= 1

bench-fake-vs-real: cluster-tools ## hubtest, controller-runtime's fake and the real cluster side by side (the README's table): the round at 100, 1,000 and 10,000 objects, and a watch.
	@mkdir -p $(OUT)
	{ $(GO) test -run '^$$' -bench 'BenchmarkRound|BenchmarkWatch' -benchtime 1x -count $(BENCH_COUNT) -timeout 30m ./hub/hubtest/ && \
	  $(GO) test -tags e2e -run '^$$' -bench 'BenchmarkRound|BenchmarkWatch' -benchtime 1x -count $(BENCH_COUNT) -timeout 30m ./e2e/ ; } \
	  | tee $(OUT)/bench-fake-vs-real.txt

clean: ## Remove test output (bin/ is kept: its tools are versioned).
	rm -rf $(OUT)

$(GOLANGCI_LINT):
	@echo ">> installing golangci-lint $(GOLANGCI_LINT_VERSION) into bin/ (about 2 minutes the first time)"
	@mkdir -p $(BIN)/.install
	GOBIN=$(BIN)/.install $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)
	@mv $(BIN)/.install/golangci-lint $@

$(CONTROLLER_GEN):
	@echo ">> installing controller-gen $(CONTROLLER_GEN_VERSION) into bin/"
	@mkdir -p $(BIN)/.install
	GOBIN=$(BIN)/.install $(GO) install sigs.k8s.io/controller-tools/cmd/controller-gen@$(CONTROLLER_GEN_VERSION)
	@mv $(BIN)/.install/controller-gen $@
