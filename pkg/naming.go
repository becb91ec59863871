// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package pkg

// Project-wide package metadata.
const (
	ProjectName = "nfsbundle"
	Homepage    = "https://github.com/nfsbundle/nfsbundle"
	Maintainer  = "nfsbundle Authors <nfsbundle@users.noreply.github.com>"
	Vendor      = "nfsbundle"
	// ModuleSubdir is the directory below extra/ or updates/ holding our modules.
	ModuleSubdir = "nfsbundle"
	// CtlPath is where the runtime helper is installed.
	CtlPath = "/usr/sbin/nfsbundle-ctl"
)

// KernelModuleDir is lib/modules/<kver>/<under>/nfsbundle, relative to /:
// where a binary package installs the modules, below the kernel's extra/
// or updates/ (the packager's ModuleDir chooses).
func KernelModuleDir(kver, under string) string {
	return "lib/modules/" + kver + "/" + under + "/" + ModuleSubdir
}
