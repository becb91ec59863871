#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Regenerates the fake module fixtures: tiny relocatable ELF objects with a
# .modinfo section (name, depends, srcversion) and a GNU build-id note, the
# parts of a .ko that vmtest reads. a depends on b and c; b on c.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
for m in a:b,c:AAA b:c:BBB c::CCC; do
	n=${m%%:*}; r=${m#*:}; d=${r%%:*}; s=${r#*:}
	printf 'static const char mi[] __attribute__((section(".modinfo"), used, aligned(1))) = "license=GPL\\0name=%s\\0depends=%s\\0srcversion=%s\\0vermagic=6.1.0-test SMP\\0";\nint init_module(void){return 0;}\n' "$n" "$d" "$s" >"$tmp/$n.c"
	gcc -Os -c "$tmp/$n.c" -o "$tmp/$n.o"
	ld -r --build-id=sha1 "$tmp/$n.o" -o "$tmp/$n.ko"
done
cp "$tmp/a.ko" ours/a.ko
cp "$tmp/a.ko" stock/kernel/fs/a.ko
cp "$tmp/b.ko" stock/kernel/fs/b.ko
gzip -n -c "$tmp/c.ko" >stock/kernel/net/c.ko.gz
rm -rf "$tmp"
