// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package debian

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSourcesListHasSecuritySuite(t *testing.T) {
	got := string(Private("/c", "bookworm").sourcesList())
	want := "deb [signed-by=" + Keyring + "] " + Mirror + " bookworm main\n" +
		"deb [signed-by=" + Keyring + "] " + SecurityMirror + " bookworm-security main\n"
	if got != want {
		t.Errorf("bookworm sources:\n%s\nwant\n%s", got, want)
	}
	// A suite we do not know (sid) has no security suite to add.
	if got := string(Private("/c", "sid").sourcesList()); strings.Contains(got, "security") {
		t.Errorf("sid sources: %s", got)
	}
	if SecuritySuite("buster") != "" || SecuritySuite("trixie") != "trixie-security" {
		t.Errorf("SecuritySuite: buster %q, trixie %q", SecuritySuite("buster"), SecuritySuite("trixie"))
	}
}

// listFile is the name apt gives the Packages index of uri's suite.
func listFile(uri, suite string) string {
	host := strings.TrimPrefix(uri, "http://")
	return strings.ReplaceAll(host, "/", "_") + "_dists_" + suite + "_main_binary-amd64_Packages"
}

func stanza(pkg, version string) string {
	return "Package: " + pkg + "\nVersion: " + version + "\nArchitecture: amd64\nMaintainer: Debian Kernel Team <debian-kernel@lists.debian.org>\nDescription: headers\n\n"
}

// TestLatestSeesTheSecuritySuite runs the real apt-cache over a private
// configuration whose package lists are fixtures of today's bookworm: the
// main suite has 6.1.0-50, the security suite 6.1.0-57. Latest must pick
// 6.1.0-57 (what a bookworm host's linux-image-amd64 installs); with the
// security list absent it would pick 6.1.0-50.
func TestLatestSeesTheSecuritySuite(t *testing.T) {
	if _, err := exec.LookPath("apt-cache"); err != nil {
		t.Skip("apt-cache is not installed")
	}
	for _, withSecurity := range []bool{true, false} {
		a := Private(t.TempDir(), "bookworm")
		lists := filepath.Join(a.Dir, "lists")
		for _, d := range []string{"lists/partial", "cache/archives/partial"} {
			if err := os.MkdirAll(filepath.Join(a.Dir, d), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		write := func(name, body string) {
			t.Helper()
			if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		// What Update would write; "updated" is fresh, so it fetches nothing.
		write(filepath.Join(a.Dir, "sources.list"), string(a.sourcesList()))
		write(filepath.Join(a.Dir, "status"), "")
		write(filepath.Join(a.Dir, "updated"), time.Now().UTC().Format(time.RFC3339)+"\n")
		write(filepath.Join(lists, listFile(Mirror, "bookworm")),
			stanza("linux-headers-6.1.0-47-amd64", "6.1.158-1")+stanza("linux-headers-6.1.0-50-amd64", "6.1.172-1")+stanza("linux-headers-6.1.0-50-rt-amd64", "6.1.172-1"))
		if withSecurity {
			write(filepath.Join(lists, listFile(SecurityMirror, "bookworm-security")),
				stanza("linux-headers-6.1.0-56-amd64", "6.1.189-1")+stanza("linux-headers-6.1.0-57-amd64", "6.1.192-1"))
		}
		got, err := a.Latest(context.Background(), "6.1")
		if err != nil {
			t.Fatal(err)
		}
		want := "6.1.0-57-amd64"
		if !withSecurity {
			want = "6.1.0-50-amd64" // the control: the fixture is what apt reads
		}
		if got != want {
			t.Errorf("security list present %v: Latest = %s, want %s", withSecurity, got, want)
		}
	}
}

// TestChangedSourcesRefreshLists: lists fetched for the main suite alone
// (what an older nfsbundle wrote) must be refreshed however fresh their
// stamp is; unchanged sources keep the stamp.
func TestChangedSourcesRefreshLists(t *testing.T) {
	a := Private(t.TempDir(), "bookworm")
	os.MkdirAll(a.Dir, 0o755)
	stamp := filepath.Join(a.Dir, "updated")
	old := "deb [signed-by=" + Keyring + "] " + Mirror + " bookworm main\n"
	os.WriteFile(filepath.Join(a.Dir, "sources.list"), []byte(old), 0o644)
	os.WriteFile(stamp, []byte("fresh\n"), 0o644)
	if err := a.writeSources(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stamp); err == nil {
		t.Error("sources gained the security suite but the lists' stamp stayed: no refresh")
	}
	if b, _ := os.ReadFile(filepath.Join(a.Dir, "sources.list")); string(b) != string(a.sourcesList()) {
		t.Errorf("sources.list not rewritten: %s", b)
	}
	os.WriteFile(stamp, []byte("fresh\n"), 0o644)
	if err := a.writeSources(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stamp); err != nil {
		t.Error("unchanged sources dropped the stamp")
	}
}
