#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Every public header compiles on its own, as C99 and as C++ (pedantic,
# warnings are errors), and no header of a lower layer includes one of a
# higher layer (docs/ARCHITECTURE.md "Layers").
set -eu
dir=${1:-include}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for h in "$dir"/ctkit/*.h; do
	name=$(basename "$h")
	printf '#include <ctkit/%s>\n#include <ctkit/%s>\n' "$name" "$name" >"$tmp/one.c"
	cp "$tmp/one.c" "$tmp/one.cc"
	cc -std=c99 -pedantic -Wall -Wextra -Werror -I"$dir" -fsyntax-only "$tmp/one.c" ||
		{ echo "headers: $name does not compile alone as C99"; fail=1; }
	c++ -std=c++11 -pedantic -Wall -Wextra -Werror -I"$dir" -fsyntax-only "$tmp/one.cc" ||
		{ echo "headers: $name does not compile alone as C++"; fail=1; }
done
# Layering: a model header includes only model headers; an engine header
# only model and engine headers (no netlink, format or cache header); the
# sync wire codec only model headers and its own.
model="types.h version.h entry.h expect.h timeout.h helper.h l4proto.h names.h labels.h group.h"
engine="engine.h engine_policy.h engine_hook.h ruleset.h fw.h"
sync="sync.h"
check_layer() { # header, allowed includes
	for inc in $(sed -n 's|^#include <ctkit/\(.*\)>|\1|p' "$dir/ctkit/$1"); do
		case " $2 " in
		*" $inc "*) ;;
		*) echo "headers: $1 includes ctkit/$inc, a higher layer"; fail=1 ;;
		esac
	done
}
for name in $model; do
	check_layer "$name" "$model"
done
for name in $engine; do
	check_layer "$name" "$model $engine"
done
for name in $sync; do
	check_layer "$name" "$model $sync"
done
[ $fail = 0 ] && echo "headers: $(ls "$dir"/ctkit/*.h | wc -l) public headers compile alone (C99, C++) and keep their layers"
exit $fail
