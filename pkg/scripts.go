// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package pkg

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/nfsbundle/nfsbundle/internal/modinfo"
)

// Maintainer scripts. Values embedded in them (kernel release, module
// paths) are checked against safeWord first, and quoted where they are
// embedded (ShellQuote).

var safeWord = regexp.MustCompile(`^[A-Za-z0-9._+~/-]+$`)

func checkSafe(what, v string) error {
	if !safeWord.MatchString(v) {
		return fmt.Errorf("%s %q contains characters that are not allowed in package paths (allowed: letters, digits, . _ + ~ / -)", what, v)
	}
	return nil
}

// DepmodIndexCleanup is shell that deletes the index files depmod writes in
// "$mods" (a /lib/modules/<kver> directory) and the directory when empty.
const DepmodIndexCleanup = `for f in modules.alias modules.alias.bin modules.builtin.alias.bin modules.builtin.bin \
			modules.dep modules.dep.bin modules.devname modules.softdep modules.symbols \
			modules.symbols.bin modules.weakdep; do rm -f "$mods/$f"; done
		rmdir "$mods" 2>/dev/null || :`

// depmodFn is shell shared by the scripts: refresh the module index of one
// kernel under an optional root ($1), and when the kernel itself is not
// installed there (no kernel/ directory: only our modules were there), drop
// the index files depmod made so removal leaves nothing behind.
var depmodFn = `nfsbundle_depmod() {
	root="$1"
	mods="$root/lib/modules/$KVER"
	[ -d "$mods" ] || return 0
	if [ -d "$mods/kernel" ] || [ -n "$(find "$mods" -name '*.ko*' -print -quit 2>/dev/null)" ]; then
		if [ -n "$root" ]; then
			# Outside a chroot depmod reads the host's configuration: point it at the root's.
			set -- -b "$root"
			for c in "$root/etc/depmod.d" "$root/lib/depmod.d"; do
				[ -d "$c" ] && set -- "$@" -C "$c"
			done
		else
			set --
		fi
		depmod "$@" -a "$KVER" || echo "nfsbundle: warning: depmod -a $KVER failed; run it by hand" >&2
	else
		` + DepmodIndexCleanup + `
	fi
}
`

// ScriptPrelude is the shell every binary module package's maintainer
// scripts start with (after the format's own first lines): KVER and the
// nfsbundle_depmod function.
func ScriptPrelude(kver string) string {
	return "KVER=" + ShellQuote(kver) + "\n" + depmodFn
}

// depmodConf makes depmod prefer our copy of every module over the inbox
// one, whatever the distribution's search order (extra/ is not searched
// before kernel/ everywhere).
func depmodConf(kver, modDir string, relPaths []string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# Installed by the %s package for kernel %s: prefer the nfsbundle NFS\n# stack over the kernel's own modules of the same name.\n", ProjectName, kver)
	for _, rp := range relPaths {
		name := modinfo.NameFromFile(rp)
		// modDir is [usr/]lib/modules/<kver>/...: depmod wants the part
		// below the kernel's module directory.
		dir := strings.TrimPrefix(strings.TrimPrefix(modDir, "usr/"), "lib/modules/"+kver+"/")
		if i := strings.LastIndexByte(rp, '/'); i >= 0 {
			dir += "/" + rp[:i]
		}
		fmt.Fprintf(&b, "override %s %s %s\n", name, kver, dir)
	}
	return []byte(b.String())
}

func lastElem(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}
