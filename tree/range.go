// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package tree

import (
	"fmt"
	"strings"

	version "github.com/hashicorp/go-version"
)

// Range is a tree's kernel range ("kernels" in tree.json): a go-version
// constraint on the target's upstream version. It is parsed once here for
// every reader: select, and the DKMS build that checks it on the target.
type Range struct {
	Text        string // as tree.json writes it: ">= 6.1, < 6.13"
	constraints version.Constraints
}

// ParseRange reads a kernel range.
func ParseRange(text string) (Range, error) {
	c, err := version.NewConstraint(text)
	if err != nil {
		return Range{}, fmt.Errorf("kernel range %q: %w", text, err)
	}
	return Range{Text: text, constraints: c}, nil
}

// Contains says whether a kernel of upstream version v is in the range.
// Only the core version counts: 6.1.192-rc1 is a 6.1.192.
func (r Range) Contains(v *version.Version) bool { return r.constraints.Check(v.Core()) }

// Bounds returns the range as an inclusive lower and an exclusive upper
// series ("6.1", "6.13"; "" when unbounded), which is what DKMS's
// BUILD_EXCLUSIVE_KERNEL_MIN/MAX can say: dkms compares them with the
// kernel release string, and "6.13" as MAX keeps out 6.13-rc1 and every
// later kernel. Only ">= X.Y" and "< X.Y" bounds translate: a sublevel
// would be compared with the release's third number, which on Debian is
// not the upstream sublevel (6.1.0-57-amd64 is Linux 6.1.192).
func (r Range) Bounds() (min, max string, err error) {
	for _, term := range strings.Split(r.Text, ",") {
		op, v, err := splitTerm(strings.TrimSpace(term))
		if err != nil {
			return "", "", fmt.Errorf("kernel range %q: %w", r.Text, err)
		}
		bound := &min
		if op == "<" {
			bound = &max
		}
		if *bound != "" {
			return "", "", fmt.Errorf("kernel range %q has two %s bounds: write one lower (>= X.Y) and one upper (< X.Y)", r.Text, op)
		}
		*bound = v
	}
	return min, max, nil
}

// splitTerm splits ">= 6.1" into its operator and series, accepting only
// the two forms Bounds can translate.
func splitTerm(term string) (op, series string, err error) {
	for _, o := range []string{">=", "<"} {
		if rest, ok := strings.CutPrefix(term, o); ok {
			op, series = o, strings.TrimSpace(rest)
			break
		}
	}
	v, verr := version.NewVersion(series)
	seg := []int{}
	if verr == nil {
		seg = v.Segments()
	}
	if op == "" || verr != nil || len(seg) < 2 || len(seg) > 3 || (len(seg) == 3 && seg[2] != 0) || v.Prerelease() != "" {
		return "", "", fmt.Errorf("bound %q: DKMS needs series bounds of the form \">= X.Y\" or \"< X.Y\"", term)
	}
	return op, fmt.Sprintf("%d.%d", seg[0], seg[1]), nil
}
