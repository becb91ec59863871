// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package pkg

import (
	"context"
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"

	"github.com/sirupsen/logrus"

	"github.com/nfsbundle/nfsbundle/internal/run"
)

// StrippedCtl returns a copy of the nfsbundle-ctl binary without symbol
// tables and debug information (what dh_strip would do; lintian rejects
// unstripped binaries), and a cleanup function. A binary that is already
// stripped, or that the host's strip cannot handle (another architecture),
// is used as it is.
func StrippedCtl(ctx context.Context, bin string) (string, func(), error) {
	return StrippedBinary(ctx, "nfsbundle-ctl", bin)
}

// StrippedBinary is StrippedCtl for any program a package ships (what
// names it in messages).
func StrippedBinary(ctx context.Context, what, bin string) (string, func(), error) {
	none := func() {}
	if bin == "" {
		return "", none, nil
	}
	f, err := elf.Open(bin)
	if err != nil {
		return "", none, fmt.Errorf("%s binary %s: %w", what, bin, err)
	}
	unstripped := f.Section(".symtab") != nil || f.Section(".debug_info") != nil || f.Section(".zdebug_info") != nil
	f.Close()
	if !unstripped {
		return bin, none, nil
	}
	tmp, err := os.MkdirTemp("", "nfsbundle-strip-")
	if err != nil {
		return "", none, err
	}
	cleanup := func() { os.RemoveAll(tmp) }
	out := filepath.Join(tmp, filepath.Base(bin))
	if _, err := run.Output(ctx, "strip", "--strip-all", "-o", out, bin); err != nil {
		logrus.Warnf("package: cannot strip %s (%v): shipping it unstripped; build it with -ldflags='-s -w'", bin, err)
		cleanup()
		return bin, none, nil
	}
	return out, cleanup, nil
}
