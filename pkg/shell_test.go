// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package pkg

import "testing"

func TestShellQuote(t *testing.T) {
	for _, c := range []struct{ in, word, inDouble string }{
		{"6.1.0-57-amd64", "'6.1.0-57-amd64'", "6.1.0-57-amd64"}, // our values: as the scripts always wrote them
		{"it's", `'it'\''s'`, "it's"},
		{"$(reboot)`x`\"\\", `'$(reboot)` + "`x`" + `"\'`, `\$(reboot)` + "\\`x\\`" + `\"\\`},
	} {
		if got := ShellQuote(c.in); got != c.word {
			t.Errorf("ShellQuote(%q) = %s, want %s", c.in, got, c.word)
		}
		if got := ShellQuoteInDouble(c.in); got != c.inDouble {
			t.Errorf("ShellQuoteInDouble(%q) = %s, want %s", c.in, got, c.inDouble)
		}
	}
}
