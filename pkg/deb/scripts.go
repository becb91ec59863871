// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package deb

import "github.com/nfsbundle/nfsbundle/pkg"

// scripts: postinst, prerm, postrm with dpkg's action arguments. They
// honour DPKG_ROOT (dpkg --root ... --force-script-chrootless). ctl is the
// alternatives target for nfsbundle-ctl, or "".
func scripts(kver, ctl string) pkg.Scripts {
	initrd := "update-initramfs -u -k " + pkg.ShellQuoteInDouble(kver)
	head := "#!/bin/sh\nset -e\n" + pkg.ScriptPrelude(kver)
	post := head + `case "$1" in
configure)
	nfsbundle_depmod "${DPKG_ROOT:-}"
`
	if ctl != "" {
		post += "\tupdate-alternatives --install " + pkg.ShellQuote(pkg.CtlPath) + " nfsbundle-ctl " + pkg.ShellQuote(ctl) + " 50\n"
	}
	post += `	echo "nfsbundle: modules installed for kernel $KVER. Rebuild the initramfs (` + initrd + `) and reboot to load them."
	;;
esac
exit 0
`
	s := pkg.Scripts{PostInstall: post}
	if ctl != "" {
		s.PreRemove = "#!/bin/sh\nset -e\n" + `case "$1" in
remove|deconfigure)
	update-alternatives --remove nfsbundle-ctl ` + pkg.ShellQuote(ctl) + `
	;;
esac
exit 0
`
	}
	s.PostRemove = head + `case "$1" in
remove|purge|abort-install|disappear)
	nfsbundle_depmod "${DPKG_ROOT:-}"
	if [ "$1" = remove ]; then
		echo "nfsbundle: modules removed for kernel $KVER. Rebuild the initramfs (` + initrd + `) and reboot to unload them."
	fi
	;;
esac
exit 0
`
	return s
}
