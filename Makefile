# The README's two commands: `make run` and `make test`.
BUILD_DIR ?= build
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)
DATA_DIR ?= ./data

.PHONY: all deps build run test sanitize tsan soak clean format

all: build

deps:
	scripts/install-deps.sh build

# The web clients' npm packages (mqtt.js is bundled into the binary; playwright-core drives
# chromium in the tests), installed again only when the lock file changes.
WEB_DEPS = web/node_modules/.package-lock.json
$(WEB_DEPS): web/package-lock.json
	npm ci --prefix web --no-audit --no-fund --loglevel=error

build: deps $(WEB_DEPS)
	cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS)
	cmake --build $(BUILD_DIR) -j $(JOBS)

# Installs, builds, creates a demo customer, key and client token on first use,
# prints ready-to-paste lines, then serves in the foreground.
run: build
	POPFLOW_DATA_DIR=$(DATA_DIR) scripts/run-demo.sh $(BUILD_DIR)/src/app/popflow-connect

test:
	scripts/install-deps.sh build test
	npm ci --prefix tests/integration/js --no-audit --no-fund --loglevel=error
	$(MAKE) build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer: the server in the
# integration tests is instrumented too, so a memory error there fails the test that hit it.
SAN_COMMON = -g -fno-omit-frame-pointer
sanitize:
	scripts/install-deps.sh build test
	npm ci --prefix tests/integration/js --no-audit --no-fund --loglevel=error
	$(MAKE) $(WEB_DEPS)
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPOPFLOW_WERROR=ON \
	  -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined $(SAN_COMMON)" \
	  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined"
	cmake --build build-asan -j $(JOBS)
	cd build-asan && POPFLOW_SANITIZED=1 ctest --output-on-failure -j $(JOBS)

# ThreadSanitizer over the multi-threaded tests: the router, registry and cluster backplane (its
# own loop thread) unit tests and the integration tests whose server runs two event loops with
# publishers and subscribers on both.
TSAN_TESTS ?= Router|Redis(Backplane|Connection|Subscriber)|SubscriptionIndex|KeyRegistry|MessageId|RateLimiter|JournalTest|TriggerHistory|ConsoleSessions|LoginThrottle|integration.test_(triggers|sse|mqtt|operations|durability|session_ownership|session_limits|sse_limits|delivery_truth|client_api|admin_api|admin_monitor|cluster|cluster_store|cluster_three)$$
tsan:
	scripts/install-deps.sh build test
	$(MAKE) $(WEB_DEPS)
	cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPOPFLOW_WERROR=ON \
	  -DCMAKE_CXX_FLAGS="-fsanitize=thread -Wno-tsan $(SAN_COMMON)" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread"
	cmake --build build-tsan -j $(JOBS) \
	  --target popflow-connect core_tests topics_tests cluster_tests auth_tests broker_tests net_tests triggers_tests history_tests admin_tests
	cd build-tsan && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
	  ctest --output-on-failure -j $(JOBS) -R "$(TSAN_TESTS)"

# The soak test for as long as asked: make soak SOAK_SECONDS=3600 (make test runs it for 30 s).
SOAK_SECONDS ?= 600
soak: build
	cd $(BUILD_DIR) && POPFLOW_SOAK_SECONDS=$(SOAK_SECONDS) \
	  ctest --output-on-failure --timeout $$(( $(SOAK_SECONDS) + 300 )) -R integration.test_soak -V

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD_DIR) build-asan build-tsan

# Issue #4: load generator (its own CMake project under bench/, never part of `make test`'s
# build), our server and the Debian peers on loopback; see docs/performance.md.
.PHONY: bench
bench: build
	scripts/install-deps.sh bench test
	cmake -S bench -B $(BUILD_DIR)/bench -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD_DIR)/bench -j $(JOBS)
	bench/run.sh $(BUILD_DIR)/src/app/popflow-connect $(BUILD_DIR)/bench/popflow-bench

# Issue #5: libFuzzer targets (fuzz/README.md), built with clang in build-fuzz under ASan and
# UBSan. Each fuzzer first replays fuzz/regressions/<name>/, then runs FUZZ_SECONDS on a
# scratch copy of fuzz/corpus/<name>/. CI: make fuzz FUZZ_TOTAL_SECONDS=30 (shared budget).
FUZZ_SECONDS ?= 60
FUZZ_MODULES ?= core;workflows;topics;history;mqtt;store;auth
.PHONY: fuzz fuzz-build
fuzz-build:
	scripts/install-deps.sh build fuzz
	cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DPOPFLOW_FUZZ=ON -DPOPFLOW_TESTS=OFF \
	  -DPOPFLOW_MODULES="$(FUZZ_MODULES)" \
	  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -g"
	cmake --build build-fuzz -j $(JOBS)
fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_TOTAL_SECONDS=$(FUZZ_TOTAL_SECONDS) FUZZ_ONLY=$(FUZZ_ONLY) \
	  fuzz/run.sh build-fuzz
