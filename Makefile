# SPDX-License-Identifier: LGPL-2.1-or-later
# ctkit: one non-recursive Makefile. Sources are found by wildcard, so a new
# file in lib/<part>/, tools/conntrack/, tests/unit/ or tests/fuzz/ needs no
# edit here.
#
#   make            build/: libctkit.a, libctkit.so, conntrack
#   make check      ASan+UBSan build in build/check/, unit tests, short fuzz
#                   runs, integration tests (root: in network namespaces)
#   make demo       a throwaway namespace with real connections, listed
#   make bench      ctkit vs the reference at 100 k and 1 M entries, then bench-engine
#   make bench-engine  the userspace engine in-process (issue 6; no root)
#   make fuzz       longer fuzz runs
#   make install    PREFIX=/usr/local DESTDIR=
#   make deb        Debian packages in build/deb/ (debian/), then lintian

VERSION     := $(shell sed -n 's/^#define CTK_VERSION_STRING "\(.*\)"/\1/p' include/ctkit/version.h)
CT_COMPAT   := 1.4.7
PREFIX      ?= /usr/local
DESTDIR     ?=
LIBDIR      ?= $(PREFIX)/lib
UNITDIR     ?= $(PREFIX)/lib/systemd/system
BUILD       ?= build
CC          ?= cc
PYTHON      ?= /usr/bin/python3
FUZZ_SECONDS ?= 10

SAN_FLAGS   := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wno-missing-field-initializers \
               -Iinclude -Ilib -fPIC -DCTK_VERSION='"$(VERSION)"' -DCTK_COMPAT_VERSION='"$(CT_COMPAT)"'
OPT_CFLAGS  ?= -O2 -g
ifeq ($(SAN),1)
OPT_CFLAGS  := -O1 -g $(SAN_FLAGS)
SAN_LDFLAGS := $(SAN_FLAGS)
endif
# CPPFLAGS, CFLAGS and LDFLAGS from the environment or the command line come
# last, so a packager's flags (dpkg-buildflags: hardening, relro, bindnow)
# reach every compile and link.
CFLAGS_ALL  := $(BASE_CFLAGS) $(OPT_CFLAGS) $(CPPFLAGS) $(CFLAGS)
LDFLAGS_ALL := $(SAN_LDFLAGS) $(LDFLAGS)
LDLIBS_ALL  := -lmnl -lpcap -ljansson -pthread $(LDLIBS)
# conntrackd only: systemd notification/watchdog, HMAC of sync messages.
CTD_LDLIBS  := -lsystemd -lsodium

LIB_SRC     := $(sort $(wildcard lib/*/*.c))
CLI_SRC     := $(sort $(filter-out tools/conntrack/main.c,$(wildcard tools/conntrack/*.c)))
NFCT_SRC    := $(sort $(filter-out tools/nfct/main.c,$(wildcard tools/nfct/*.c)))
CTD_SRC     := $(sort $(filter-out tools/conntrackd/main.c,$(wildcard tools/conntrackd/*.c)))
XP_SRC      := $(sort $(wildcard tools/exporter/*.c))
UNIT_SRC    := $(sort $(wildcard tests/unit/test_*.c))
FUZZ_SRC    := $(sort $(wildcard tests/fuzz/fuzz_*.c))
BENCH_SRC   := $(sort $(wildcard bench/*.c))
TOOL_SRC    := $(sort $(wildcard tests/tools/*.c))

LIB_OBJ     := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ     := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
NFCT_OBJ    := $(NFCT_SRC:%.c=$(BUILD)/obj/%.o)
CTD_OBJ     := $(CTD_SRC:%.c=$(BUILD)/obj/%.o)
XP_OBJ      := $(XP_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_BIN    := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
BENCH_BIN   := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
FUZZ_BIN    := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
TOOL_BIN    := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tests/tools/%)

# ctkit-top (tools/top/, model/ in it): conntrack's parser and replay (CLI_OBJ) and curses.
TOP_SRC     := $(sort $(wildcard tools/top/*.c tools/top/*/*.c))
TOP_OBJ     := $(TOP_SRC:%.c=$(BUILD)/obj/%.o)
TOP_CORE_OBJ := $(filter-out %/main.o %/screen.o %/interactive.o,$(TOP_OBJ))
TOP_LDLIBS  := $(shell pkg-config --libs ncursesw 2>/dev/null || echo -lncurses)

LIBA        := $(BUILD)/libctkit.a
LIBSO       := $(BUILD)/libctkit.so.0
CONNTRACK   := $(BUILD)/conntrack
NFCT        := $(if $(wildcard tools/nfct/main.c),$(BUILD)/nfct)
CONNTRACKD  := $(if $(wildcard tools/conntrackd/main.c),$(BUILD)/conntrackd)
# Programs installed (and debian/ packaged) when their main.c exists.
EXPORTER    := $(if $(wildcard tools/exporter/main.c),$(BUILD)/ctkit-exporter)
CTKIT_TOP   := $(if $(wildcard tools/top/main.c),$(BUILD)/ctkit-top)
# systemd units: conntrackd's, and the programs' in contrib/systemd/; they
# name /usr/sbin/, installed under another PREFIX they name its sbin/.
UNITS       := $(if $(CONNTRACKD),contrib/conntrackd/conntrackd.service) \
               $(wildcard contrib/systemd/*.service)

.PHONY: all deps check unit headers abi abi-baseline examples fuzz-smoke fuzz integration demo bench bench-engine install deb clean format sample

all: $(LIBA) $(LIBSO) $(CONNTRACK) $(NFCT) $(CONNTRACKD) $(EXPORTER) $(CTKIT_TOP) $(BENCH_BIN) $(TOOL_BIN)

# V=1 shows the full commands.
Q := $(if $(V),,@)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

# The exported symbols: the global part of the version script. The static
# library is one relocatable object in which only those stay global, so
# libctkit.a exports what libctkit.so does and nothing else.
LIB_SYMS    := $(BUILD)/libctkit.syms

$(LIB_SYMS): lib/libctkit.map
	@mkdir -p $(dir $@)
	sed -n '/global:/,/local:/s/^[[:space:]]*\(ctk_[A-Za-z0-9_]*\);.*/\1/p' $< > $@

$(LIBA): $(LIB_OBJ) $(LIB_SYMS)
	@rm -f $@ $(BUILD)/libctkit.o
	ld -r -o $(BUILD)/libctkit.all.o $(LIB_OBJ)
	objcopy --keep-global-symbols=$(LIB_SYMS) $(BUILD)/libctkit.all.o $(BUILD)/libctkit.o
	ar rcs $@ $(BUILD)/libctkit.o
	@rm -f $(BUILD)/libctkit.all.o

$(LIBSO): $(LIB_OBJ) lib/libctkit.map
	$(CC) -shared -Wl,-soname,libctkit.so.0 -Wl,--version-script=lib/libctkit.map $(LDFLAGS_ALL) -o $@ $(LIB_OBJ) $(LDLIBS_ALL)

$(CONNTRACK): $(BUILD)/obj/tools/conntrack/main.o $(CLI_OBJ) $(LIBA)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/nfct: $(BUILD)/obj/tools/nfct/main.o $(NFCT_OBJ) $(LIBA)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)

# ctkit-exporter: HTTP by libmicrohttpd.
$(BUILD)/ctkit-exporter: $(XP_OBJ) $(LIBA)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL) -lmicrohttpd

$(BUILD)/conntrackd: $(BUILD)/obj/tools/conntrackd/main.o $(CTD_OBJ) $(LIBA)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL) $(CTD_LDLIBS)

$(BUILD)/ctkit-top: $(TOP_OBJ) $(CLI_OBJ) $(LIBA)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL) $(TOP_LDLIBS)

# ctkit-top's parts without the terminal, with conntrack's and the library's.
$(BUILD)/tests/test_top: tests/unit/test_top.c $(TOP_CORE_OBJ) $(CLI_OBJ) $(LIB_OBJ)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(CFLAGS_ALL) -Itools/top $(LDFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL) -lcmocka

# Unit tests link the library's objects (internal functions included) and
# the tools' objects (not their main()).
$(BUILD)/tests/%: tests/unit/%.c $(CLI_OBJ) $(NFCT_OBJ) $(CTD_OBJ) $(LIB_OBJ)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(CFLAGS_ALL) -Itools/conntrack -Itools/nfct -Itools/conntrackd $(LDFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL) $(CTD_LDLIBS) -lcmocka

$(BUILD)/bench/%: bench/%.c $(LIBA)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)

# pcap_frames shows what conntrack's capture reader (a CLI part) makes of a capture.
$(BUILD)/tests/tools/pcap_frames: tests/tools/pcap_frames.c $(CLI_OBJ) $(LIBA)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS_ALL) -Itools/conntrack $(LDFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)

# Helper programs of the integration tests, on the public API only.
$(BUILD)/tests/tools/%: tests/tools/%.c $(LIBA)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)

# The engine benchmark has helpers of its own in bench/engine/.
ENGINE_BENCH_DEPS := $(wildcard bench/engine/*.c bench/engine/*.h)
$(BUILD)/bench/engine_bench: bench/engine_bench.c $(ENGINE_BENCH_DEPS) $(LIBA)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ $(filter %.c %.a,$^) $(LDLIBS_ALL)

# Fuzz targets: clang + libFuzzer; the library and tools are compiled once
# with coverage instrumentation and linked into every target.
FUZZ_CFLAGS := $(BASE_CFLAGS) -Itools/conntrack -Itools/nfct -Itools/conntrackd -O1 -g \
               -fsanitize=fuzzer-no-link,address,undefined
FUZZ_OBJ    := $(patsubst %.c,build/fuzz/obj/%.o,$(LIB_SRC) $(CLI_SRC) $(NFCT_SRC) $(CTD_SRC))

# Only pattern rules name these objects, so make would take them for
# intermediates and delete them after each link: every fuzz-smoke would
# then compile the whole tree again. Keep them.
.SECONDARY: $(FUZZ_OBJ)

build/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CLANG   $@")
	$(Q)clang $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

build/fuzz/%: tests/fuzz/%.c $(FUZZ_OBJ)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZER  $@")
	$(Q)clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS_ALL) $(CTD_LDLIBS)

deps:
	@scripts/deps.sh

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

# Every public header alone as C99 and C++, and the layers they keep.
headers:
	@scripts/check-headers.sh include

# The exported symbols against lib/libctkit.map and the headers, and the
# ABI against abi/libctkit.abi (docs/API.md "ABI").
abi: $(LIBA) $(LIBSO)
	@ABI_LDFLAGS='$(SAN_LDFLAGS)' scripts/check-abi.sh $(BUILD)

# The programs of examples/, built as C99 and as C++ against the library
# as installed (its headers and ctkit.pc), the way an embedder builds.
EXAMPLE_SRC := $(sort $(wildcard examples/*.c))
STAGE       := $(abspath $(BUILD)/stage)
examples: all
	@rm -rf $(STAGE)
	@$(MAKE) --no-print-directory install PREFIX=$(STAGE) DESTDIR= >/dev/null
	@mkdir -p $(BUILD)/examples
	@set -e; pc="env PKG_CONFIG_PATH=$(STAGE)/lib/pkgconfig pkg-config"; \
	for src in $(EXAMPLE_SRC); do \
		name=$$(basename $$src .c); \
		echo "  EXAMPLE $$name (C99, C++)"; \
		$(CC) -std=c99 -pedantic -Wall -Wextra -Werror $$($$pc --cflags ctkit) \
			-o $(BUILD)/examples/$$name $$src $$($$pc --libs ctkit libpcap) $(SAN_LDFLAGS); \
		c++ -x c++ -std=c++11 -pedantic -Wall -Wextra -Werror $$($$pc --cflags ctkit) \
			-o $(BUILD)/examples/$$name-cxx $$src $$($$pc --libs ctkit libpcap) $(SAN_LDFLAGS); \
	done

# After a version change that breaks the ABI: renew the baseline.
abi-baseline: $(LIBSO)
	@scripts/check-abi.sh $(BUILD) --baseline

fuzz-smoke: $(FUZZ_BIN)
	@scripts/fuzz.sh 5 $(FUZZ_BIN)

fuzz: $(FUZZ_BIN)
	@scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_BIN)

integration: all
	CONNTRACK=$(abspath $(CONNTRACK)) CONNTRACKD=$(abspath $(BUILD)/conntrackd) $(PYTHON) -m pytest -q tests/integration

check: deps
	$(MAKE) BUILD=build/check SAN=1 all headers abi examples unit
	$(MAKE) fuzz-smoke
	CONNTRACK=$(abspath build/check/conntrack) NFCT=$(abspath build/check/nfct) \
		CONNTRACKD=$(abspath build/check/conntrackd) ASAN_OPTIONS=detect_leaks=1 \
		$(PYTHON) -m pytest -q -ra tests/integration

demo: deps all
	@scripts/demo.sh $(abspath $(CONNTRACK))

bench: deps all
	@bench/run.sh $(abspath $(BUILD))
	@$(PYTHON) bench/events.py $(abspath $(BUILD))
	@$(PYTHON) bench/conntrackd.py $(abspath $(BUILD))
	@$(PYTHON) bench/fleet.py $(abspath $(BUILD))
	@$(MAKE) --no-print-directory bench-engine

# In-process engine benchmark (no root): bench/engine.py, docs/ENGINE.md "Benchmark".
bench-engine: all
	@$(PYTHON) bench/engine.py $(abspath $(BUILD))

install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(LIBDIR)/pkgconfig \
		$(DESTDIR)$(PREFIX)/include/ctkit $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 0755 $(CONNTRACK) $(DESTDIR)$(PREFIX)/sbin/conntrack
	$(if $(NFCT),install -m 0755 $(NFCT) $(DESTDIR)$(PREFIX)/sbin/nfct)
	$(if $(CONNTRACKD),install -m 0755 $(CONNTRACKD) $(DESTDIR)$(PREFIX)/sbin/conntrackd)
	$(if $(EXPORTER),install -m 0755 $(EXPORTER) $(DESTDIR)$(PREFIX)/sbin/ctkit-exporter)
	$(if $(CTKIT_TOP),install -m 0755 $(CTKIT_TOP) $(DESTDIR)$(PREFIX)/sbin/ctkit-top)
	install -m 0644 $(LIBA) $(DESTDIR)$(LIBDIR)/libctkit.a
	install -m 0755 $(LIBSO) $(DESTDIR)$(LIBDIR)/libctkit.so.0
	ln -sf libctkit.so.0 $(DESTDIR)$(LIBDIR)/libctkit.so
	install -m 0644 include/ctkit/*.h $(DESTDIR)$(PREFIX)/include/ctkit/
	install -m 0644 man/*.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 0644 contrib/bash-completion/* $(DESTDIR)$(PREFIX)/share/bash-completion/completions/
	$(if $(wildcard man/*.5),install -d $(DESTDIR)$(PREFIX)/share/man/man5)
	$(if $(wildcard man/*.5),install -m 0644 man/*.5 $(DESTDIR)$(PREFIX)/share/man/man5/)
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@VERSION@|$(VERSION)|' \
		lib/ctkit.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/ctkit.pc
	$(if $(strip $(UNITS)),install -d $(DESTDIR)$(UNITDIR))
	set -e; for u in $(UNITS); do \
		sed 's|/usr/sbin/|$(PREFIX)/sbin/|g' $$u > $(DESTDIR)$(UNITDIR)/$${u##*/}; \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$${u##*/}; \
	done

# The packages are built from a copy of the tree in build/deb/src (what git
# tracks plus new files it does not ignore): dpkg-buildpackage writes its
# results next to the tree it builds, and the source tree stays clean.
deb:
	@scripts/deb.sh $(BUILD)/deb

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
