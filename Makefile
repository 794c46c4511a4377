# gctrace-watch — build, test, benchmark, install.
#   make          build ./gctrace-watch (needs the packages of `make deps`)
#   make deps     install the Debian packages that are missing (nothing when all are there)
#   make check    deps + build + every test, also under AddressSanitizer/UBSan, + a short fuzz
#   make demo     deps + build + analyze samples/
#   make bench    deps + build + throughput and memory on corpus 08 (see bench/README.md)
#   make static   ./gctrace-watch-static: one statically linked file for scratch/distroless images
#   make install  PREFIX=/usr/local DESTDIR=
PREFIX   ?= /usr/local
DESTDIR  ?=
CC       ?= cc
CORPUS   ?= $(CURDIR)/tests/corpus
DEB_PKGS  = libpcre2-dev libsqlite3-dev libcmocka-dev zlib1g-dev pkg-config gnuplot-nox clang \
            libclang-rt-dev sqlite3 time golang-go mandoc groff zsh file libc6-dev \
            libmicrohttpd-dev prometheus curl xz-utils patch
PKGS      = libpcre2-8 sqlite3 zlib libmicrohttpd

OPT      ?= -O2 -g
WARN      = -std=c11 -Wall -Wextra -Wpedantic -Werror -Wswitch -Wshadow -Wstrict-prototypes
# The source tree has one folder per stage (docs/HACKING.md); headers are included by
# name, so every folder is on the include path. tests/layers.sh keeps the arrows one way.
LAYERS    = base ingest detect store flow out cli
CPPFLAGS += -D_GNU_SOURCE $(addprefix -Isrc/,$(LAYERS)) -Ibuild
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm -pthread
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)
# The sanitized build uses clang: its UBSan also catches float-to-integer casts that
# overflow (float-cast-overflow), which gcc's -fsanitize=undefined does not include.
SAN_CC   ?= clang
SAN       = -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all \
            -fno-omit-frame-pointer

SRC   = src/main.c $(foreach l,$(LAYERS),$(wildcard src/$(l)/*.c))
HDR   = $(foreach l,$(LAYERS),$(wildcard src/$(l)/*.h))
LIB_SRC = $(filter-out src/main.c,$(SRC))
TESTS = $(patsubst tests/%.c,%,$(wildcard tests/test_*.c))
GRAMMAR = $(sort $(wildcard grammar/*.pcre))

.PHONY: all deps check test test-asan fuzz demo bench bench-metrics install install-files clean docs lint-man check-docs check-alerts \
        check-layers static check-static check-standalone check-deps deps-list check-tsan
all: gctrace-watch

# tools/deps.sh: apt-get as root, sudo apt-get otherwise; without apt it prints the list
# and stops. `make deps-list` prints the list alone.
deps:
	@tools/deps.sh $(DEB_PKGS)
deps-list:
	@echo $(DEB_PKGS)

build/grammar.c: $(GRAMMAR) grammar/embed.awk
	@mkdir -p build
	awk -f grammar/embed.awk $(GRAMMAR) > $@.tmp && mv $@.tmp $@

# Two flavours of every object: plain (build/o) and sanitized (build/asan).
build/o/%.o: src/%.c $(HDR) | build/grammar.c
	@mkdir -p $(dir $@)
	$(CC) $(OPT) $(WARN) $(CPPFLAGS) $(PKG_CFLAGS) -c -o $@ $<
build/o/grammar.o: build/grammar.c src/ingest/grammar.h
	@mkdir -p build/o
	$(CC) $(OPT) $(WARN) $(CPPFLAGS) -c -o $@ $<
build/asan/%.o: src/%.c $(HDR) | build/grammar.c
	@mkdir -p $(dir $@)
	$(SAN_CC) -O1 -g $(SAN) $(WARN) $(CPPFLAGS) $(PKG_CFLAGS) -c -o $@ $<
build/asan/grammar.o: build/grammar.c src/ingest/grammar.h
	@mkdir -p build/asan
	$(SAN_CC) -O1 -g $(SAN) $(WARN) $(CPPFLAGS) -c -o $@ $<

OBJ      = $(patsubst src/%.c,build/o/%.o,$(LIB_SRC)) build/o/grammar.o
ASAN_OBJ = $(patsubst src/%.c,build/asan/%.o,$(LIB_SRC)) build/asan/grammar.o

gctrace-watch: $(OBJ) build/o/main.o
	$(CC) $(OPT) -o $@ $^ $(PKG_LIBS)
build/asan/gctrace-watch: $(ASAN_OBJ) build/asan/main.o
	$(SAN_CC) $(SAN) -o $@ $^ $(PKG_LIBS)

# ThreadSanitizer: the store writes event rows on a thread of its own (store_async.c).
# One binary built at once from every source; tests/tsan.sh runs it where the threads meet.
TSAN = -fsanitize=thread -fno-omit-frame-pointer
build/tsan/gctrace-watch: $(SRC) $(HDR) build/grammar.c
	@mkdir -p build/tsan
	$(SAN_CC) -O1 -g $(TSAN) $(WARN) $(CPPFLAGS) $(PKG_CFLAGS) -o $@ $(SRC) build/grammar.c \
	  $(PKG_LIBS)
check-tsan: build/tsan/gctrace-watch
	tests/tsan.sh build/tsan/gctrace-watch

# make static: the same objects linked with -static against glibc's libc.a and Debian's
# libpcre2-8.a, libsqlite3.a and libz.a (README "A static binary" says why glibc, not musl).
# The one link warning is about dlopen in SQLite's extension loader, which gctrace-watch
# never calls; any other warning is shown.
# libmicrohttpd for the --metrics endpoint is built here without TLS from Debian's source
# package (tools/mhd.sh says why: Debian's libmicrohttpd.a needs gnutls, and Debian ships no
# static libp11-kit or libunistring for it). The two source files are downloaded once into
# MHD_CACHE and checked by sha256; `make clean` keeps a MHD_CACHE outside build/.
MHD_DIR    = build/mhd
MHD_CACHE ?= $(MHD_DIR)/dl
MHD_LIB    = $(MHD_DIR)/lib/libmicrohttpd.a
$(MHD_LIB): tools/mhd.sh
	CC="$(CC)" tools/mhd.sh $(MHD_DIR) $(MHD_CACHE)
$(MHD_DIR)/include/microhttpd.h: $(MHD_LIB)
STATIC_LIBS = $(MHD_LIB) -lpcre2-8 -lsqlite3 -lz -lm -pthread
# metrics_http.c against the header of the library it is linked with
build/static/metrics_http.o: src/out/metrics_http.c $(HDR) $(MHD_DIR)/include/microhttpd.h
	@mkdir -p build/static
	$(CC) $(OPT) $(WARN) $(CPPFLAGS) -I$(MHD_DIR)/include -c -o $@ $<
STATIC_OBJ = $(filter-out build/o/out/metrics_http.o,$(OBJ)) build/static/metrics_http.o
static: gctrace-watch-static
gctrace-watch-static: $(STATIC_OBJ) build/o/main.o $(MHD_LIB)
	$(CC) $(OPT) -static -s -o $@ $(STATIC_OBJ) build/o/main.o $(STATIC_LIBS) 2> build/static-link.log || \
	  { cat build/static-link.log; exit 1; }
	@grep -v -e 'unixDlOpen' -e "Using 'dlopen' in statically linked" build/static-link.log || true

build/tests/%: tests/%.c tests/testutil.h $(OBJ)
	@mkdir -p build/tests
	$(CC) $(OPT) $(WARN) $(CPPFLAGS) $(PKG_CFLAGS) -o $@ $< $(OBJ) $(PKG_LIBS) $(CMOCKA_LIBS)
build/asan/tests/%: tests/%.c tests/testutil.h $(ASAN_OBJ)
	@mkdir -p build/asan/tests
	$(SAN_CC) -O1 -g $(SAN) $(WARN) $(CPPFLAGS) $(PKG_CFLAGS) -o $@ $< $(ASAN_OBJ) $(PKG_LIBS) $(CMOCKA_LIBS)

# Every test binary gets the binary under test and the corpus through the environment.
test: gctrace-watch $(addprefix build/tests/,$(TESTS))
	@set -e; for t in $(TESTS); do echo "== $$t"; \
	  GCW_BIN=$(CURDIR)/gctrace-watch GCW_CORPUS=$(CORPUS) GCW_ROOT=$(CURDIR) build/tests/$$t; done

test-asan: build/asan/gctrace-watch $(addprefix build/asan/tests/,$(TESTS))
	@set -e; for t in $(TESTS); do echo "== $$t (asan+ubsan)"; \
	  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 GCW_QUICK=1 \
	  GCW_BIN=$(CURDIR)/build/asan/gctrace-watch GCW_CORPUS=$(CORPUS) GCW_ROOT=$(CURDIR) \
	  build/asan/tests/$$t; done

# libFuzzer targets: recognition and splice repair (fuzz_splice), and the whole reading
# path into a store in memory (fuzz_pipeline); a short run of each in `make check`.
FUZZ_SAN = -fsanitize=fuzzer,address,undefined,float-cast-overflow -fno-sanitize-recover=all
build/fuzz/%: tests/fuzz/%.c $(LIB_SRC) $(HDR) build/grammar.c
	@mkdir -p build/fuzz
	clang -O1 -g $(FUZZ_SAN) $(CPPFLAGS) \
	  $(PKG_CFLAGS) -o $@ $< $(LIB_SRC) build/grammar.c $(PKG_LIBS)
fuzz: build/fuzz/fuzz_splice build/fuzz/fuzz_pipeline
	@mkdir -p build/fuzz/corpus build/fuzz/corpus_pipeline
	@cp -n tests/fuzz/seeds/* build/fuzz/corpus/ 2>/dev/null || true
	@cp -n tests/fuzz/seeds/* build/fuzz/corpus_pipeline/ 2>/dev/null || true
	build/fuzz/fuzz_splice -seed=1 -runs=$${FUZZ_RUNS:-30000} -max_len=4096 build/fuzz/corpus
	build/fuzz/fuzz_pipeline -seed=1 -runs=$${FUZZ_PIPELINE_RUNS:-10000} -max_len=8192 \
	  build/fuzz/corpus_pipeline

# The man page renders without warnings (groff and mandoc's linter print nothing).
lint-man:
	@out=$$(groff -ww -man -Tutf8 docs/gctrace-watch.1 2>&1 >/dev/null; mandoc -W all -Tlint docs/gctrace-watch.1 2>&1); \
	if [ -n "$$out" ]; then echo "$$out"; exit 1; fi; echo "man page: lint clean"

# docs/cookbook.md: the commands of docs/cookbook.src.md with their real output.
# The examples in the guide and the findings' rules are regenerated in place.
EXAMPLE_DOCS = docs/guide.md docs/findings.md
docs: gctrace-watch
	docs/gen_cookbook.sh docs/cookbook.src.md docs/cookbook.md
	docs/gen_examples.sh $(EXAMPLE_DOCS)

# make check: the committed cookbook must match what the commands print now.
check-docs: gctrace-watch
	docs/gen_cookbook.sh docs/cookbook.src.md build/cookbook.md
	@diff -u docs/cookbook.md build/cookbook.md && echo "docs/cookbook.md: up to date" || \
	  { echo "docs/cookbook.md is stale: run 'make docs'"; exit 1; }
	@mkdir -p build/examples
	@for f in $(EXAMPLE_DOCS); do cp $$f build/examples/; done
	docs/gen_examples.sh $(addprefix build/examples/,$(notdir $(EXAMPLE_DOCS)))
	@for f in $(EXAMPLE_DOCS); do diff -u $$f build/examples/$$(basename $$f) || \
	  { echo "$$f: an example is stale: run 'make docs'"; exit 1; }; done; \
	  echo "examples in $(EXAMPLE_DOCS): up to date"

# The folders keep the stages apart: includes only point down the stages, SQLite only in
# the store, no source file over 900 lines, HACKING.md's paths exist (tests/layers.sh).
check-layers:
	tests/layers.sh

# The alert rules of docs/fleet.md parse and pass their unit tests (promtool: make deps).
check-alerts:
	promtool check rules docs/alerts.yml
	promtool test rules docs/alerts_test.yml

# The static binary in an empty root (chroot as root, else a user namespace): analyze,
# watch mode and child mode with nothing but the binary, a log and a static Go child.
check-static: gctrace-watch-static
	tests/static.sh ./gctrace-watch-static

# No file of the project points outside it (a sibling reference folder, a path of one machine).
check-standalone:
	tests/standalone.sh

# make deps without apt-get: the package list and a clear stop (tests/deps.sh).
check-deps:
	tests/deps.sh

check: deps
	$(MAKE) all
	$(MAKE) check-layers
	$(MAKE) check-standalone
	$(MAKE) check-deps
	$(MAKE) lint-man
	$(MAKE) check-alerts
	$(MAKE) check-docs
	$(MAKE) test
	$(MAKE) test-asan
	$(MAKE) check-tsan
	$(MAKE) fuzz
	$(MAKE) check-static
	@echo "make check: all tests passed"

demo: deps
	$(MAKE) all
	rm -f build/demo.db build/demo.db-wal build/demo.db-shm
	for f in samples/*.log; do ./gctrace-watch analyze --db build/demo.db $$f || exit 1; done
	./gctrace-watch analyze --db build/demo.db samples/rotated/app.log.2.gz samples/rotated/app.log.1 samples/rotated/app.log
	./gctrace-watch runs --db build/demo.db
	./gctrace-watch plot --db build/demo.db --run 1 -o build/demo-dashboard.png && echo "dashboard: build/demo-dashboard.png"

bench: deps
	$(MAKE) all
	CORPUS=$(CORPUS) bench/run.sh

# Pass-through latency of watch mode with and without --metrics and a 1-s scrape
# (bench/README.md, "Pass-through latency with --metrics").
build/bench/metrics_latency: bench/metrics_latency.c
	@mkdir -p build/bench
	$(CC) $(OPT) $(WARN) -D_GNU_SOURCE -o $@ $< -pthread
build/bench/metrics_publish: bench/metrics_publish.c $(OBJ)
	@mkdir -p build/bench
	$(CC) $(OPT) $(WARN) $(CPPFLAGS) $(PKG_CFLAGS) -o $@ $< $(OBJ) $(PKG_LIBS)
bench-metrics: deps
	$(MAKE) all build/bench/metrics_latency build/bench/metrics_publish
	CORPUS=$(CORPUS) bench/metrics_latency.sh

install: deps
	$(MAKE) all
	$(MAKE) install-files

# The completion scripts are written by the binary from its own option table.
COMPLETIONS = $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
              $(DESTDIR)$(PREFIX)/share/zsh/site-functions
install-files: gctrace-watch
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(COMPLETIONS)
	install -m 755 gctrace-watch $(DESTDIR)$(PREFIX)/bin/gctrace-watch
	if [ -f docs/gctrace-watch.1 ]; then install -m 644 docs/gctrace-watch.1 $(DESTDIR)$(PREFIX)/share/man/man1/; fi
	./gctrace-watch completion bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/gctrace-watch
	./gctrace-watch completion zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_gctrace-watch

clean:
	rm -rf build gctrace-watch gctrace-watch-static gctrace.db gctrace.db-wal gctrace.db-shm
