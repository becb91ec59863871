// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package pkg

import "strings"

// ShellQuote returns s as one single-quoted shell word, the form values
// take in our maintainer scripts (KVER='6.1.0-57-amd64'). The values were
// validated before (checkSafe, dkms's patterns); quoting where they are
// embedded keeps the scripts safe even if a check is missed.
func ShellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// ShellQuoteInDouble escapes s for use inside a double-quoted shell
// string, such as the command a script's echo suggests: there a
// single-quoted word would print its quotes.
func ShellQuoteInDouble(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "$", `\$`, "`", "\\`").Replace(s)
}
