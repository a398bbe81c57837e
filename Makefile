# moesim: the two commands of the README (`make run`, `make test`) and a few helpers.
# Each target installs missing Debian packages first, so a fresh machine needs nothing else.
BUILD ?= build
JOBS ?= 2
BUILD_TYPE ?= Release
SCENARIO ?= examples/glam-64b64e-tpuv4.yaml
OUTDIR ?= out
ASAN_BUILD ?= build-asan
FUZZ_SECONDS ?= 60
CCACHE := $(if $(shell command -v ccache 2>/dev/null),-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

.PHONY: all deps test-deps configure build run test test-asan bench clean

all: build

deps:
	@scripts/install-deps.sh

test-deps:
	@scripts/install-deps.sh --test

configure: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DMOESIM_WERROR=ON $(CCACHE) > $(BUILD).configure.log 2>&1 || { cat $(BUILD).configure.log; exit 1; }
	@grep -E "^-- moesim" $(BUILD).configure.log || true

build: configure
	cmake --build $(BUILD) -j$(JOBS)

run: build
	@mkdir -p $(OUTDIR)
	./$(BUILD)/cli/moesim simulate $(SCENARIO) --json $(OUTDIR)/default.json
	./$(BUILD)/cli/moesim compare $(SCENARIO) --against gpt3-175b --report $(OUTDIR)/compare.html \
	  --report $(OUTDIR)/compare.md --json $(OUTDIR)/compare.json --csv $(OUTDIR)/compare.csv > $(OUTDIR)/compare.log
	@echo "comparison report (MoE vs dense GPT-3 175B): $(abspath $(OUTDIR)/compare.html)"

test: test-deps build
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS) --timeout 600
	@$(MAKE) --no-print-directory test-asan

# Unit tests under ASan+UBSan and a bounded libFuzzer run (scripts/test-asan.sh), in $(ASAN_BUILD).
test-asan: test-deps
	scripts/test-asan.sh $(ASAN_BUILD) $(FUZZ_SECONDS) $(JOBS)

bench: build
	@for b in $(BUILD)/bench/bench_*; do [ -x "$$b" ] && "$$b" --benchmark_min_time=0.2; done

clean:
	rm -rf $(BUILD) $(BUILD).configure.log $(ASAN_BUILD) $(ASAN_BUILD).configure.log $(OUTDIR)
