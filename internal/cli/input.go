// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package cli

import (
	"fmt"
	"os"
	"unicode"
)

// CheckPath validates a path given on the command line or in the
// environment (what names it, e.g. "--kdir"): not empty, at most 4096 bytes,
// no control characters (a newline in a path would forge log and error
// lines), and when mustExist, an existing file or directory (dir says
// which). Once it passes, the path may be quoted (%q) in messages; the error
// itself never repeats it.
func CheckPath(what, p string, mustExist, dir bool) error {
	switch {
	case p == "":
		return fmt.Errorf("%s: empty path", what)
	case len(p) > 4096:
		return fmt.Errorf("%s: the path given is longer than 4096 bytes", what)
	}
	for _, r := range p {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return fmt.Errorf("%s: the path given contains control characters or invalid UTF-8", what)
		}
	}
	if !mustExist {
		return nil
	}
	st, err := os.Stat(p)
	switch {
	case err != nil:
		return fmt.Errorf("%s %q: no such file or directory", what, p)
	case dir && !st.IsDir():
		return fmt.Errorf("%s %q: not a directory", what, p)
	case !dir && st.IsDir():
		return fmt.Errorf("%s %q: a directory, not a file", what, p)
	}
	return nil
}

// Usage marks err as a usage error (ExitUsage): the command line or an
// input is wrong, nothing was attempted.
func Usage(err error) error { return WithCode(ExitUsage, err) }
