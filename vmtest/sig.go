// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"bytes"
	"context"
	"fmt"

	"github.com/nfsbundle/nfsbundle/finish"
	"github.com/nfsbundle/nfsbundle/internal/modinfo"
	"github.com/nfsbundle/nfsbundle/vmtest/guest/proto"
)

// Kernel log lines of a module.sig_enforce=1 kernel refusing a module.
const (
	RejectUnsigned       = "Loading of unsigned module is rejected"
	RejectUnavailableKey = "Loading of module with unavailable key is rejected"
)

const sigMagic = "~Module signature appended~\n"

// SigEnforceOptions turns o into a module.sig_enforce=1 boot that loads
// nothing itself and checks that the kernel refuses each named module of
// ours (default sunrpc and nfs) for the right reason: "unsigned" when the
// staged file carries no signature, "unavailable key" when it is signed by
// a key the distribution kernel does not trust (ours, unless enrolled).
// Checks are named sig-enforce-<module>.
func SigEnforceOptions(ctx context.Context, o Options, fin *finish.Manifest, names ...string) (Options, error) {
	if len(names) == 0 {
		names = []string{"sunrpc", "nfs"}
	}
	o.SkipLoad = true
	o.Scenarios = []string{}
	o.Modules = names
	o.KernelArgs = append(o.KernelArgs, "module.sig_enforce=1")
	for _, n := range names {
		var path string
		for _, m := range fin.Modules {
			if m.Name == modinfo.NormalizeName(n) {
				path = m.Path
			}
		}
		if path == "" {
			return o, fmt.Errorf("module %s is not in the staged build", n)
		}
		data, err := modinfo.ReadModule(path)
		if err != nil {
			return o, err
		}
		want := RejectUnsigned
		if bytes.HasSuffix(data, []byte(sigMagic)) {
			want = RejectUnavailableKey
		}
		o.ExtraChecks = append(o.ExtraChecks, ExtraCheck{
			Name:  "sig-enforce-" + modinfo.NormalizeName(n),
			Argv:  []string{"/init", "insmod-expect-reject", proto.ModDir + "/" + modinfo.NormalizeName(n) + ".ko", want},
			Phase: PhaseAfterLoad,
		})
	}
	return o, nil
}
