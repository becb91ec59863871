// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package deb

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"time"

	"github.com/nfsbundle/nfsbundle/pkg"
)

// Copyright is the machine-readable debian/copyright of our packages
// (binary and DKMS): the modules are GPL-2.0-only; withCtl adds the
// Apache-2.0 stanza for nfsbundle-ctl under usr/lib/nfsbundle.
func Copyright(withCtl bool) []byte {
	s := `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: nfsbundle
Source: ` + pkg.Homepage + `

Files: *
Copyright: 2026 The nfsbundle Authors, and the authors of the Linux kernel NFS and SUNRPC code
License: GPL-2.0-only
 This program is free software; you can redistribute it and/or modify it
 under the terms of the GNU General Public License version 2 as published
 by the Free Software Foundation.
 .
 On Debian systems, the complete text of the GNU General Public License
 version 2 can be found in /usr/share/common-licenses/GPL-2.
`
	if withCtl {
		s += `
Files: usr/lib/nfsbundle/*
Copyright: 2026 The nfsbundle Authors
License: Apache-2.0
 On Debian systems, the complete text of the Apache License version 2.0
 can be found in /usr/share/common-licenses/Apache-2.0.
`
	}
	return []byte(s)
}

// Changelog is a one-entry Debian changelog, gzip'ed reproducibly.
func Changelog(name, version, kver string, t time.Time) []byte {
	text := fmt.Sprintf("%s (%s) unstable; urgency=medium\n\n  * Built by nfsbundle for Linux %s.\n\n -- %s  %s\n",
		name, version, kver, pkg.Maintainer, t.Format(time.RFC1123Z))
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write([]byte(text))
	zw.Close()
	return buf.Bytes()
}
