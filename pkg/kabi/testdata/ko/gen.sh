#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Regenerates the tiny ELF kernel-module fixtures used by the unit tests:
# they carry only what pkg/kabi reads (__versions, __ksymtab_* symbols,
# __ksymtab_strings). Needs GNU as and xz.
#   a.ko imports printk 0x00000001, b_export 0x00000002 (exported by b.ko)
#   b.ko imports printk 0x00000001, kmalloc 0x00000003; exports b_export
set -eu
cd "$(dirname "$0")"
ver() { printf '\t.quad %s\n\t.ascii "%s"\n\t.zero %d\n' "$1" "$2" $((56 - ${#2})); }
{
	printf '\t.section __versions,"a"\n\t.balign 8\n'
	ver 0x00000001 printk
	ver 0xffffffff00000002 b_export
	printf '\t.section .modinfo,"a"\n\t.asciz "name=a"\n'
} > a.s
{
	printf '\t.section __versions,"a"\n\t.balign 8\n'
	ver 0x00000001 printk
	ver 0x00000003 kmalloc
	printf '\t.section __ksymtab_strings,"a"\n\t.asciz "b_export"\n'
	printf '\t.section ___ksymtab+b_export,"a"\n\t.globl __ksymtab_b_export\n__ksymtab_b_export:\n\t.long 0\n'
	printf '\t.section .modinfo,"a"\n\t.asciz "name=b"\n'
} > b.s
as --64 -o a.ko a.s
as --64 -o b.ko b.s
rm -f a.s b.s
xz --check=crc32 -kf a.ko
