// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package detect

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// StackOptions are the Kconfig symbols of the NFS/SUNRPC stack: each is
// either built into the target (never rebuild it) or a module (ours replace it).
var StackOptions = []string{
	"SUNRPC", "SUNRPC_GSS", "RPCSEC_GSS_KRB5", "SUNRPC_XPRT_RDMA",
	"LOCKD", "GRACE_PERIOD", "NFS_ACL_SUPPORT", "NFS_COMMON",
	"NFS_FS", "NFS_V2", "NFS_V3", "NFS_V4", "NFS_V4_2_SSC_HELPER",
	"PNFS_FILE_LAYOUT", "PNFS_BLOCK", "PNFS_FLEXFILE_LAYOUT", "NFSD",
}

// ParseKconfig reads a .config: CONFIG_X=value lines; "is not set" lines are skipped.
func ParseKconfig(data string) map[string]string {
	vals := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "CONFIG_") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		vals[k] = strings.Trim(v, `"`)
	}
	return vals
}

// ReadConfig loads the headers tree's .config (falling back to
// include/config/auto.conf) and extracts the facts we build by.
func ReadConfig(headersDir string) (Config, error) {
	var data []byte
	var err error
	for _, p := range []string{".config", "include/config/auto.conf"} {
		if data, err = os.ReadFile(filepath.Join(headersDir, p)); err == nil {
			break
		}
	}
	if err != nil {
		return Config{}, fmt.Errorf("kernel headers at %s have no .config: the headers package is incomplete; reinstall it", headersDir)
	}
	return ConfigFacts(ParseKconfig(string(data))), nil
}

// ConfigFacts turns raw Kconfig values into Config.
func ConfigFacts(v map[string]string) Config {
	c := Config{
		Modversions:    v["CONFIG_MODVERSIONS"] == "y",
		ModuleSig:      v["CONFIG_MODULE_SIG"] == "y",
		ModuleSigAll:   v["CONFIG_MODULE_SIG_ALL"] == "y",
		ModuleSigForce: v["CONFIG_MODULE_SIG_FORCE"] == "y",
		SigHash:        v["CONFIG_MODULE_SIG_HASH"],
		Values:         v,
	}
	for _, z := range []struct{ opt, name string }{
		{"CONFIG_MODULE_COMPRESS_GZIP", "gzip"},
		{"CONFIG_MODULE_COMPRESS_XZ", "xz"},
		{"CONFIG_MODULE_COMPRESS_ZSTD", "zstd"},
	} {
		if v[z.opt] == "y" {
			c.Compress = z.name
		}
	}
	for _, o := range StackOptions {
		switch v["CONFIG_"+o] {
		case "y":
			c.Builtin = append(c.Builtin, o)
		case "m":
			c.Modular = append(c.Modular, o)
		}
	}
	sort.Strings(c.Builtin)
	sort.Strings(c.Modular)
	return c
}

// IsBuiltin says whether the Kconfig option (without CONFIG_) is =y.
func (c Config) IsBuiltin(opt string) bool { return c.Values["CONFIG_"+opt] == "y" }
