// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package rpm

import (
	"strings"

	"github.com/nfsbundle/nfsbundle/pkg"
)

func moduleList(mods []string) string {
	var b strings.Builder
	for _, m := range mods {
		b.WriteString(pkg.ShellQuote(m) + " ")
	}
	return strings.TrimSpace(b.String())
}

// scripts: %post, %postun. $1 is the number of instances left. RHEL's
// weak-modules links the modules into compatible kernels; the message
// names dracut, RPM distributions' initramfs tool.
func scripts(kver string, installed []string) pkg.Scripts {
	initrd := "dracut -f --kver " + pkg.ShellQuoteInDouble(kver)
	head := pkg.ScriptPrelude(kver)
	weak := `nfsbundle_weak() {
	for w in /usr/sbin/weak-modules /sbin/weak-modules; do
		if [ -x "$w" ]; then
			printf '%s\n' ` + moduleList(installed) + ` | "$w" "$1" || :
			return 0
		fi
	done
}
`
	post := head + weak + `nfsbundle_depmod ""
nfsbundle_weak --add-modules
echo "nfsbundle: modules installed for kernel $KVER. Rebuild the initramfs (` + initrd + `) and reboot to load them."
exit 0
`
	postun := head + weak + `if [ "$1" = 0 ]; then
	nfsbundle_weak --remove-modules
fi
nfsbundle_depmod ""
if [ "$1" = 0 ]; then
	echo "nfsbundle: modules removed for kernel $KVER. Rebuild the initramfs (` + initrd + `) and reboot to unload them."
fi
exit 0
`
	return pkg.Scripts{PostInstall: post, PostRemove: postun}
}
