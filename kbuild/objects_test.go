// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package kbuild

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nfsbundle/nfsbundle/detect"
	"github.com/nfsbundle/nfsbundle/internal/stack"
)

// writeTree lays out a fixture source tree: path -> Makefile text.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	src := t.TempDir()
	for p, text := range files {
		full := filepath.Join(src, p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return src
}

// The constructs of the imported tree's Makefiles (the upstream 6.1 ones,
// abridged): a top Kbuild with a conditional that sets no object list,
// member lists through CONFIG options and through another variable
// (lockd), a member shared by two options (nfsd), disabled modules and
// subdirectories, continuation lines and comments.
var fixtureTree = map[string]string{
	"Kbuild": `NFSTREE := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
ifeq ($(filter -I$(NFSTREE)/include,$(NOSTDINC_FLAGS)),)
export NOSTDINC_FLAGS := -I$(NFSTREE)/include $(NOSTDINC_FLAGS)
endif
obj-m += net/sunrpc/ fs/lockd/ fs/nfs_common/ fs/nfsd/
`,
	"net/sunrpc/Makefile": `# SPDX-License-Identifier: GPL-2.0
obj-$(CONFIG_SUNRPC) += sunrpc.o
obj-$(CONFIG_SUNRPC_XPRT_RDMA) += xprtrdma/

sunrpc-y := clnt.o xprt.o \
	    sched.o	# the scheduler
sunrpc-$(CONFIG_SUNRPC_DEBUG) += debugfs.o
sunrpc-$(CONFIG_PROC_FS) += stats.o
`,
	"net/sunrpc/xprtrdma/Makefile": "obj-$(CONFIG_SUNRPC_XPRT_RDMA) += rpcrdma.o\nrpcrdma-y := transport.o verbs.o\n",
	"fs/lockd/Makefile": `CFLAGS_svc.o += -I$(src)
obj-$(CONFIG_LOCKD) += lockd.o
lockd-objs-y := clntlock.o host.o
lockd-objs-$(CONFIG_LOCKD_V4) += xdr4.o
lockd-objs-$(CONFIG_PROC_FS) += procfs.o
lockd-objs		      := $(lockd-objs-y)
`,
	"fs/nfs_common/Makefile": `obj-$(CONFIG_NFS_ACL_SUPPORT) += nfs_acl.o
nfs_acl-objs := nfsacl.o
obj-$(CONFIG_GRACE_PERIOD) += grace.o
obj-$(CONFIG_NFS_COMMON) += common.o
`,
	"fs/nfsd/Makefile": `ccflags-y += -I$(src)
obj-$(CONFIG_NFSD) += nfsd.o
nfsd-y += trace.o
nfsd-y += nfssvc.o
nfsd-$(CONFIG_NFSD_BLOCKLAYOUT) += blocklayout.o blocklayoutxdr.o
nfsd-$(CONFIG_NFSD_SCSILAYOUT) += blocklayout.o blocklayoutxdr.o
`,
}

var fixtureConfig = map[string]string{
	"CONFIG_SUNRPC": "m", "CONFIG_SUNRPC_XPRT_RDMA": "m", "CONFIG_PROC_FS": "y", "CONFIG_LOCKD": "m", "CONFIG_LOCKD_V4": "y",
	"CONFIG_NFS_ACL_SUPPORT": "m", "CONFIG_GRACE_PERIOD": "m", "CONFIG_NFS_COMMON": "", "CONFIG_NFSD": "m",
	"CONFIG_NFSD_BLOCKLAYOUT": "y", "CONFIG_NFSD_SCSILAYOUT": "y",
}

func TestModuleObjects(t *testing.T) {
	src := writeTree(t, fixtureTree)
	got, err := ModuleObjects(src, fixtureConfig)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"net/sunrpc/clnt.o", "net/sunrpc/xprt.o", "net/sunrpc/sched.o", "net/sunrpc/stats.o", "net/sunrpc/sunrpc.mod.o",
		"net/sunrpc/xprtrdma/transport.o", "net/sunrpc/xprtrdma/verbs.o", "net/sunrpc/xprtrdma/rpcrdma.mod.o",
		"fs/lockd/clntlock.o", "fs/lockd/host.o", "fs/lockd/xdr4.o", "fs/lockd/procfs.o", "fs/lockd/lockd.mod.o",
		"fs/nfs_common/nfsacl.o", "fs/nfs_common/nfs_acl.mod.o", "fs/nfs_common/grace.o", "fs/nfs_common/grace.mod.o",
		"fs/nfsd/trace.o", "fs/nfsd/nfssvc.o", "fs/nfsd/blocklayout.o", "fs/nfsd/blocklayoutxdr.o", "fs/nfsd/nfsd.mod.o",
	}
	if !slices.Equal(got, want) {
		t.Errorf("objects\n%v\nwant\n%v", got, want)
	}
	// Without rpcrdma (CONFIG_SUNRPC_XPRT_RDMA= on the make line) and with
	// LOCKD_V4 unset: rpcrdma's three files and xdr4.o fewer.
	vars := configValues(detect.Config{Values: fixtureConfig}, []string{"CONFIG_SUNRPC_XPRT_RDMA=", "CONFIG_LOCKD_V4="})
	if n, err := CountObjects(src, vars); err != nil || n != len(want)-4 {
		t.Errorf("without rpcrdma and LOCKD_V4: %d files, %v; want %d", n, err, len(want)-4)
	}
}

// TestModuleObjectsRefuses: object lists the evaluator cannot know give an
// error (then progress has no total) rather than a wrong count.
func TestModuleObjectsRefuses(t *testing.T) {
	for name, mf := range map[string]string{
		"conditional": "obj-m += a.o\nifdef CONFIG_X\na-y := x.o\nendif\n",
		"function":    "obj-m += a.o\na-y := $(patsubst %.c,%.o,$(wildcard *.c))\n",
		"computed":    "obj-m += a.o\n$(foo bar)-y := x.o\n",
	} {
		src := writeTree(t, map[string]string{"Kbuild": mf})
		if n, err := CountObjects(src, nil); err == nil {
			t.Errorf("%s: counted %d, want an error", name, n)
		}
	}
	// A conditional that sets only flags is fine.
	src := writeTree(t, map[string]string{"Kbuild": "obj-m += a.o\nifdef CONFIG_X\nccflags-y += -DX\nendif\n"})
	if n, err := CountObjects(src, nil); err != nil || n != 2 {
		t.Errorf("flags under a conditional: %d, %v", n, err)
	}
	if _, err := CountObjects(t.TempDir(), nil); err == nil || !strings.Contains(err.Error(), "no Kbuild or Makefile") {
		t.Errorf("empty tree: %v", err)
	}
}

func TestProgressLine(t *testing.T) {
	for _, c := range []struct {
		n     int64
		total int
		want  string
	}{
		{73, 170, "kbuild: 73/170 files"},
		{0, 170, "kbuild: 0/170 files"},
		{73, 0, "kbuild: 73 files compiled so far"},
		{171, 170, "kbuild: 171 files compiled so far"}, // the total was wrong: no "171/170"
	} {
		if got := progressLine(c.n, c.total); got != c.want {
			t.Errorf("progressLine(%d, %d) = %q, want %q", c.n, c.total, got, c.want)
		}
	}
}

// TestRunCountsAgainstTotal: Run counts the "CC [M]" lines of make against
// the tree's total. make is a script printing three of them; the modules
// it would have built are laid out beforehand.
func TestRunCountsAgainstTotal(t *testing.T) {
	src := writeTree(t, fixtureTree)
	var order []string
	for _, m := range stack.Names(false) {
		os.WriteFile(filepath.Join(src, m+".ko"), nil, 0o644)
		order = append(order, m+".ko")
	}
	os.WriteFile(filepath.Join(src, "modules.order"), []byte(strings.Join(order, "\n")), 0o644)
	// 6.12's modfinal compiles the kernel's .module-common.o too: not ours.
	script := `for f in clnt xprt sched; do echo "  CC [M]  $0/net/sunrpc/$f.o"; done; echo "  CC [M]  $0/.module-common.o"; echo "  LD [M]  x.ko"`
	p := Params{KDir: "/k", Src: src, Jobs: 1, Config: detect.Config{Values: fixtureConfig},
		Command: func(ctx context.Context, _ string, _ ...string) *exec.Cmd {
			return exec.CommandContext(ctx, "sh", "-c", script, src)
		}}
	r, err := Run(context.Background(), p, filepath.Join(t.TempDir(), "build.log"))
	if err != nil {
		t.Fatal(err)
	}
	// The fixture's configuration, with the stack's options from the make line.
	want, _ := CountObjects(src, configValues(p.Config, r.MakeVars))
	if r.Compiled != 3 || r.Total != want || want == 0 {
		t.Errorf("compiled %d of %d, want 3 of %d", r.Compiled, r.Total, want)
	}
}
