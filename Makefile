# The README's two commands: `make run` and `make test`.
BUILD_DIR ?= build
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc)
DATA_DIR ?= ./data

.PHONY: all deps build run test clean format

all: build

deps:
	scripts/install-deps.sh build

build: deps
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

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD_DIR)
