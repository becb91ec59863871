// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package pkg

import (
	"strings"
	"testing"
)

func TestDepmodConf(t *testing.T) {
	got := string(depmodConf("6.1.0-56-amd64", "lib/modules/6.1.0-56-amd64/extra/nfsbundle", []string{"net/sunrpc/sunrpc.ko", "fs/nfs/nfs.ko.xz"}))
	for _, want := range []string{
		"override sunrpc 6.1.0-56-amd64 extra/nfsbundle/net/sunrpc\n",
		"override nfs 6.1.0-56-amd64 extra/nfsbundle/fs/nfs\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("depmod.d file lacks %q:\n%s", want, got)
		}
	}
}
