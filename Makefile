# SPDX-License-Identifier: MIT
# The two commands of the README. Both install missing Debian packages first.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)

.PHONY: all deps configure build test demo clean

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure

demo: build
	@BUILD_DIR=$(BUILD_DIR) scripts/demo.sh

clean:
	rm -rf $(BUILD_DIR)
