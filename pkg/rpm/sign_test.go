// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package rpm

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nfsbundle/nfsbundle/pkg"
	"github.com/nfsbundle/nfsbundle/pkg/internal/pkgtest"
)

// throwawayKey is an OpenPGP key made for one test run: a private
// GNUPGHOME, no passphrase, valid one day. The armored secret key goes to
// a file of its own outside any dist directory, for NFSBUNDLE_RPM_SIGN_KEY.
type throwawayKey struct {
	home, fpr, secret, public string
}

func newThrowawayKey(t *testing.T) throwawayKey {
	t.Helper()
	needTools(t, "gpg", "gpgconf")
	k := throwawayKey{home: t.TempDir()}
	env := []string{"GNUPGHOME=" + k.home}
	t.Cleanup(func() { // the agent gpg started for this GNUPGHOME, only
		c := exec.Command("gpgconf", "--kill", "gpg-agent")
		c.Env = append(os.Environ(), env...)
		c.Run()
	})
	gpg := func(args ...string) string {
		return runTool(t, env, "gpg", append([]string{"--batch", "--pinentry-mode", "loopback", "--passphrase", ""}, args...)...)
	}
	gpg("--quick-gen-key", "nfsbundle CI throwaway key <ci@nfsbundle.invalid>", "rsa3072", "sign", "1d")
	for _, line := range strings.Split(gpg("--with-colons", "--list-secret-keys"), "\n") {
		if f := strings.Split(line, ":"); f[0] == "fpr" && len(f) > 9 {
			k.fpr = f[9]
			break
		}
	}
	if k.fpr == "" {
		t.Fatal("gpg made no key")
	}
	dir := t.TempDir()
	k.secret, k.public = filepath.Join(dir, "secret.asc"), filepath.Join(dir, "public.asc")
	if err := os.WriteFile(k.secret, []byte(gpg("--armor", "--export-secret-keys", k.fpr)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(k.public, []byte(gpg("--armor", "--export", k.fpr)), 0o644); err != nil {
		t.Fatal(err)
	}
	return k
}

// rpmK runs rpm -K with a private rpm database holding the public keys.
func rpmK(t *testing.T, rpmFile string, pubKeys ...string) string {
	t.Helper()
	db := t.TempDir()
	runTool(t, nil, "rpm", "--dbpath", db, "--initdb")
	for _, k := range pubKeys {
		runTool(t, nil, "rpm", "--dbpath", db, "--import", k)
	}
	out, _ := exec.Command("rpm", "--dbpath", db, "-K", rpmFile).CombinedOutput() // non-zero on a bad or unknown signature
	return string(out)
}

// TestRPMSignedWithThrowawayKey signs the RPM as CI does: a key generated
// for the run, given to the packager as NFSBUNDLE_RPM_SIGN_KEY would be;
// rpm -K with that public key in a private rpm database must say the
// signature is OK, and without it must not. The secret key never lands
// in the dist directory.
func TestRPMSignedWithThrowawayKey(t *testing.T) {
	needTools(t, "rpm")
	k := newThrowawayKey(t)
	in := pkgtest.Input(t, Packager{})
	in.RPM.SignKey = k.secret
	r, err := pkg.Build(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if got := rpmK(t, r.Path, k.public); !strings.Contains(got, "digests signatures OK") {
		t.Errorf("rpm -K with the throwaway public key: %s", got)
	}
	if got := rpmK(t, r.Path); strings.Contains(got, "signatures OK") {
		t.Errorf("rpm -K without the public key says OK: %s", got)
	}
	noSecretIn(t, in.Dist, k)
}

// TestRPMSignLaterWithRpmsign checks the README's other path: an unsigned
// RPM signed afterwards with rpmsign --addsign and the same kind of key.
func TestRPMSignLaterWithRpmsign(t *testing.T) {
	needTools(t, "rpm", "rpmsign")
	k := newThrowawayKey(t)
	in := pkgtest.Input(t, Packager{})
	r, err := pkg.Build(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if got := rpmK(t, r.Path, k.public); strings.Contains(got, "signatures OK") {
		t.Fatalf("unsigned RPM: rpm -K says the signature is OK: %s", got)
	}
	// Debian's rpm names /usr/bin/gpg2 (%__gpg), which bookworm's gnupg no
	// longer ships: point it at the gpg on PATH.
	gpg, err := exec.LookPath("gpg")
	if err != nil {
		t.Fatal(err)
	}
	runTool(t, []string{"GNUPGHOME=" + k.home}, "rpmsign", "--define", "__gpg "+gpg, "--define", "_gpg_name "+k.fpr, "--addsign", r.Path)
	if got := rpmK(t, r.Path, k.public); !strings.Contains(got, "digests signatures OK") {
		t.Errorf("rpm -K after rpmsign --addsign: %s", got)
	}
	noSecretIn(t, in.Dist, k)
}

// noSecretIn fails when any file in dir carries the secret key.
func noSecretIn(t *testing.T, dir string, k throwawayKey) {
	t.Helper()
	secret, err := os.ReadFile(k.secret)
	if err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte("PRIVATE KEY BLOCK")) || bytes.Contains(b, secret) {
			t.Errorf("%s in the dist directory carries the secret key", e.Name())
		}
	}
}
