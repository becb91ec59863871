// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package detect

import (
	"strings"
	"testing"
)

func TestCheckRelease(t *testing.T) {
	for _, ok := range []string{"6.1.0-57-amd64", "6.12.117+deb13-amd64", "4.18.0-553.el8_10.x86_64",
		"5.14.21-150500.55.19-default", "7.2.13+deb14-rt-amd64", "6.1"} {
		if err := CheckRelease(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "6", "abc", "6.1.0; touch x", "../../etc", "6.1.0-$(id)", "6.1.0/x",
		"6.1.0 -57", "6.1.0\n", "6.1." + strings.Repeat("9", 80)} {
		err := CheckRelease(bad)
		if err == nil {
			t.Errorf("%q: accepted", bad)
			continue
		}
		if len(bad) > 2 && strings.Contains(err.Error(), bad) {
			t.Errorf("%q: the error repeats the input: %v", bad, err)
		}
	}
}

func TestCheckDistroID(t *testing.T) {
	for _, ok := range []string{"debian", "rocky", "opensuse-leap", "ol", "RHEL"} {
		if err := CheckDistroID(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "deb;ian", "$(id)", "debian 12", "a/b", "x\n", strings.Repeat("a", 41)} {
		err := CheckDistroID(bad)
		if err == nil {
			t.Errorf("%q: accepted", bad)
		} else if len(bad) > 2 && strings.Contains(err.Error(), bad) {
			t.Errorf("%q: the error repeats the input: %v", bad, err)
		}
	}
	// DetectDistro refuses it before reading anything else.
	if _, err := DetectDistro(t.TempDir(), "deb;ian"); err == nil || strings.Contains(err.Error(), "deb;ian") {
		t.Errorf("DetectDistro with a bad override: %v", err)
	}
}
