// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package detect

import (
	"os"
	"path/filepath"
	"strings"
)

// secureBootVar is the EFI global variable holding the Secure Boot flag,
// under /sys.
const secureBootVar = "firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"

// DetectSecureBoot reads `mokutil --sb-state` output when given, else the
// EFI variable under root (see SecureBootFrom).
func DetectSecureBoot(root, mokutilOut string) SecureBoot {
	return SecureBootFrom(filepath.Join(root, "sys"), mokutilOut)
}

// SecureBootFrom reads `mokutil --sb-state` output when given, else the
// EFI variable under sysDir (4 attribute bytes, then the value byte).
func SecureBootFrom(sysDir, mokutilOut string) SecureBoot {
	switch s := strings.ToLower(mokutilOut); {
	case strings.Contains(s, "secureboot enabled"):
		return SecureBoot{State: "enabled", Source: "mokutil --sb-state"}
	case strings.Contains(s, "secureboot disabled"):
		return SecureBoot{State: "disabled", Source: "mokutil --sb-state"}
	}
	data, err := os.ReadFile(filepath.Join(sysDir, secureBootVar))
	if err == nil && len(data) >= 5 {
		state := "disabled"
		if data[4] == 1 {
			state = "enabled"
		}
		return SecureBoot{State: state, Source: "EFI variable SecureBoot"}
	}
	if _, err := os.Stat(filepath.Join(sysDir, "firmware/efi")); os.IsNotExist(err) {
		return SecureBoot{State: "disabled", Source: "not booted through EFI"}
	}
	return SecureBoot{State: "unknown", Source: "EFI variables not readable"}
}
