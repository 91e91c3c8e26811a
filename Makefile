# SPDX-License-Identifier: MIT
# The two commands of the README. Both install missing Debian packages first.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)

.PHONY: all deps configure build test demo clean test-asan test-tsan chaos fuzz soak bench bench-render package

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	@scripts/install-deps.sh test
	cd $(BUILD_DIR) && ctest --output-on-failure

demo: build
	@BUILD_DIR=$(BUILD_DIR) scripts/demo.sh

# Debian packages chat-server_*.deb and chat-client_*.deb in $(BUILD_DIR) (install with apt install ./FILE).
package: build
	@scripts/install-deps.sh package
	cd $(BUILD_DIR) && cpack -G DEB

# The chaos test at length: 50 clients, 3 rooms, a server SIGKILL every 3 s, for 2 minutes.
# With NODES=N: N servers on one PostgreSQL behind HAProxy, one of them killed in turn.
CHAOS_SECONDS ?= 120
CHAOS_CLIENTS ?= 50
NODES ?=
chaos: build
	@scripts/install-deps.sh test
	CHAT_CHAOS_SECONDS=$(CHAOS_SECONDS) CHAT_CHAOS_CLIENTS=$(CHAOS_CLIENTS) QT_NO_GLIB=1 \
	$(if $(NODES),CHAT_CHAOS_NODES=$(NODES) CHAT_TEST_BACKEND=postgresql) \
		$(BUILD_DIR)/tests/tst_chaos -maxwarnings 0 \
		$(if $(NODES),exactlyOnceAcrossNodesBehindABalancer,exactlyOnceThroughKillsAndDrops) \
		| grep -E "chaos:|PASS|FAIL|Totals|Loc"

# Benchmarks (docs/performance.md): chat-server and, side by side, the reference Node ws peer from
# the team toolbox (../shared/peers, copied and npm-installed into the build directory).
PEERS ?= ../shared/peers
PG_BIN ?= /usr/lib/postgresql/15/bin
bench: build
	@scripts/install-deps.sh bench test
	@if [ -d "$(PEERS)" ] && command -v npm >/dev/null; then \
		rm -rf $(BUILD_DIR)/peers && cp -r $(PEERS) $(BUILD_DIR)/peers && \
		(cd $(BUILD_DIR)/peers && npm install --no-audit --no-fund --silent); \
	else echo "no Node peer ($(PEERS) or npm missing): chat-server only"; fi
	ulimit -n 20000 && $(BUILD_DIR)/tools/bench/chat-bench --server $(BUILD_DIR)/app-server/chat-server \
		$$([ -d $(BUILD_DIR)/peers/node_modules ] && echo --node-peer $(BUILD_DIR)/peers) \
		$$([ -x $(PG_BIN)/initdb ] && echo --postgres $(PG_BIN)) \
		| tee $(BUILD_DIR)/bench.md

# The client's markdown rendering, offscreen: per message and over a scrolled conversation.
bench-render: build
	QT_QPA_PLATFORM=offscreen $(BUILD_DIR)/tools/bench/chat-render-bench | tee $(BUILD_DIR)/bench-render.md

# Soak: 5000 WebSocket connections, 20k deliveries/s, 10 minutes (SOAK_* variables override).
soak: build
	ulimit -n 20000 && SOAK_SECONDS=$${SOAK_SECONDS:-600} $(BUILD_DIR)/tests/chat-soak

# libFuzzer targets (clang, ASan+UBSan) for FUZZ_SECONDS each; CI runs 60 s per target.
FUZZ_SECONDS ?= 60
fuzz: deps
	@scripts/install-deps.sh fuzz
	CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCHAT_FUZZ=ON
	cmake --build build-fuzz -j $(JOBS)
	scripts/run-fuzzers.sh build-fuzz $(FUZZ_SECONDS)

# The whole suite under sanitizers, each in its own build directory (CI runs test-asan).
SANITIZER_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/sanitizers/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	TSAN_OPTIONS=suppressions=$(CURDIR)/tests/sanitizers/tsan.supp:halt_on_error=1:second_deadlock_stack=1:die_after_fork=0

test-asan: deps
	@scripts/install-deps.sh test
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCHAT_SANITIZE=address,undefined
	cmake --build build-asan -j $(JOBS)
	cd build-asan && $(SANITIZER_ENV) ctest --output-on-failure

test-tsan: deps
	@scripts/install-deps.sh test
	cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCHAT_SANITIZE=thread
	cmake --build build-tsan -j $(JOBS)
	cd build-tsan && $(SANITIZER_ENV) ctest --output-on-failure

clean:
	rm -rf $(BUILD_DIR) build-asan build-tsan build-fuzz
