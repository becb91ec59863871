// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package detect_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/nfsbundle/nfsbundle/detect"
	"github.com/nfsbundle/nfsbundle/sign"
)

// The MOK tests sign real modules with package sign, which imports detect:
// they live in the external test package.

// testKey is a signing key with its self-signed certificate on disk.
type testKey struct {
	cert             *x509.Certificate
	keyPath, derPath string
}

var rsaKey *rsa.PrivateKey // one key for all certificates: generating is slow

func newTestKey(t *testing.T, cn string, serial *big.Int, skid []byte) testKey {
	t.Helper()
	if rsaKey == nil {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		rsaKey = k
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: cn, Organization: []string{"nfsbundle test, Inc."}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		SubjectKeyId: skid, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &rsaKey.PublicKey, rsaKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	k := testKey{cert: cert, keyPath: filepath.Join(dir, "MOK.priv"), derPath: filepath.Join(dir, "MOK.der")}
	keyDER, _ := x509.MarshalPKCS8PrivateKey(rsaKey)
	must(t, os.WriteFile(k.keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600))
	must(t, os.WriteFile(k.derPath, der, 0o644))
	return k
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// signedModule writes a module signed with k by our signer (issuer and
// serial, like sign-file's default).
func signedModule(t *testing.T, k testKey) string {
	t.Helper()
	s, err := sign.LoadSigner(k.keyPath, k.derPath, "")
	must(t, err)
	out, err := s.Sign([]byte("\x7fELF a module's bytes"), "")
	must(t, err)
	p := filepath.Join(t.TempDir(), "sunrpc.ko")
	must(t, os.WriteFile(p, out, 0o644))
	return p
}

// mokutilListing prints certificates the way mokutil does: "[key N]",
// "SHA1 Fingerprint: ..." and X509_print_fp, which is what `openssl x509
// -text -nameopt compat` prints.
func mokutilListing(t *testing.T, certs ...*x509.Certificate) string {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl not installed: it prints certificates as mokutil does")
	}
	var b strings.Builder
	for i, c := range certs {
		if i > 0 {
			b.WriteString("\n")
		}
		sum := sha1.Sum(c.Raw)
		fp := make([]string, len(sum))
		for j, x := range sum {
			fp[j] = fmt.Sprintf("%02x", x)
		}
		cmd := exec.Command("openssl", "x509", "-inform", "DER", "-noout", "-text", "-nameopt", "compat")
		cmd.Stdin = strings.NewReader(string(c.Raw))
		text, err := cmd.Output()
		must(t, err)
		fmt.Fprintf(&b, "[key %d]\nSHA1 Fingerprint: %s\n%s", i+1, strings.Join(fp, ":"), text)
	}
	return b.String()
}

// mokutil answers --list-enrolled and --list-new from fixture outputs.
func mokutil(enrolled, pending string) func(context.Context, string, ...string) (string, error) {
	return func(_ context.Context, name string, args ...string) (string, error) {
		switch strings.Join(append([]string{name}, args...), " ") {
		case "mokutil --list-enrolled":
			return enrolled, nil
		case "mokutil --list-new":
			return pending, nil
		}
		return "", errors.New("unexpected command")
	}
}

func TestParseMokutilList(t *testing.T) {
	long := newTestKey(t, "nfsbundle module signing", new(big.Int).Lsh(big.NewInt(0xb9), 120), []byte{1, 2, 3, 4})
	small := newTestKey(t, "Small Serial CA", big.NewInt(4660), []byte{0xad, 0x91})
	out := mokutilListing(t, long.cert, small.cert) + "\n[key 3]\n  [SHA256]\n  0b6d1a1f13a7f2b3b1d3b1e6c8a6d5c4b3a2918070605040302010f0e0d0c0b0a\n"
	certs := ParseMokutilList(out)
	if len(certs) != 2 {
		t.Fatalf("%d certificates: %+v", len(certs), certs)
	}
	if c := certs[0]; c.Serial != sign.CertSerial(long.cert) || c.IssuerCN != "nfsbundle module signing" || c.SKID != "01:02:03:04" {
		t.Errorf("long serial form: %+v (want serial %s)", c, sign.CertSerial(long.cert))
	}
	if c := certs[1]; c.Serial != "12:34" || c.IssuerCN != "Small Serial CA" || c.SKID != "AD:91" || !strings.Contains(c.Subject, "CN=Small Serial CA") {
		t.Errorf("short serial form: %+v", c)
	}
	sum := sha1.Sum(small.cert.Raw)
	if !strings.HasPrefix(certs[1].SHA1, fmt.Sprintf("%02x:%02x", sum[0], sum[1])) {
		t.Errorf("fingerprint %s", certs[1].SHA1)
	}
	for _, empty := range []string{"MokListRT is empty\n", "MokNew is empty\n", ""} {
		if c := ParseMokutilList(empty); len(c) != 0 {
			t.Errorf("%q: %+v", empty, c)
		}
	}
	// OpenSSL 3's default name form ("CN = x") parses too.
	cmd := exec.Command("openssl", "x509", "-inform", "DER", "-noout", "-text")
	cmd.Stdin = strings.NewReader(string(small.cert.Raw))
	text, err := cmd.Output()
	must(t, err)
	if c := ParseMokutilList("[key 1]\nSHA1 Fingerprint: 00\n" + string(text)); len(c) != 1 || c[0].IssuerCN != "Small Serial CA" {
		t.Errorf("OpenSSL 3 name form: %+v", c)
	}
}

func TestCheckMOK(t *testing.T) {
	ours := newTestKey(t, "nfsbundle module signing", big.NewInt(7), []byte{0xaa, 0xbb})
	// Same serial, other issuer: serials are only unique per issuer.
	sameSerial := newTestKey(t, "Some Vendor CA", big.NewInt(7), []byte{0xcc})
	other := newTestKey(t, "Other", new(big.Int).Lsh(big.NewInt(1), 150), []byte{0xdd})
	mod := signedModule(t, ours)
	ctx := context.Background()
	listOurs := mokutilListing(t, other.cert, ours.cert)
	listNoise := mokutilListing(t, other.cert, sameSerial.cert)
	enabled := SecureBoot{State: "enabled"}

	m := CheckMOK(ctx, MOKQuery{Module: mod, ReadKey: sign.ModuleKey, Run: mokutil(listOurs, "MokNew is empty\n")})
	if m.State != KeyEnrolled || m.Cert == nil || m.Cert.IssuerCN != "nfsbundle module signing" || m.Module.KeyID != "07" {
		t.Errorf("enrolled: %+v", m)
	}
	if s := m.Steps(enabled); s != nil {
		t.Errorf("enrolled key needs no steps: %v", s)
	}

	m = CheckMOK(ctx, MOKQuery{Module: mod, ReadKey: sign.ModuleKey, Run: mokutil(listNoise, listOurs)})
	if m.State != KeyPending {
		t.Errorf("pending: %+v", m)
	}
	if s := strings.Join(m.Steps(enabled), "\n"); !strings.Contains(s, "reboot") || strings.Contains(s, "sudo mokutil --import") {
		t.Errorf("pending steps: %s", s)
	}

	root := t.TempDir()
	m = CheckMOK(ctx, MOKQuery{Root: root, Module: mod, ReadKey: sign.ModuleKey, Run: mokutil(listNoise, "MokNew is empty\n")})
	if m.State != KeyAbsent || m.Cert != nil {
		t.Errorf("absent: %+v", m)
	}
	if s := strings.Join(m.Steps(enabled), "\n"); !strings.Contains(s, "sudo mokutil --import CERT.der") || !strings.Contains(s, "key id is 07") {
		t.Errorf("absent steps: %s", s)
	}
	if s := m.Steps(SecureBoot{State: "disabled"}); s != nil {
		t.Errorf("Secure Boot off needs no steps: %v", s)
	}
	// DKMS's certificate on disk is the signer: the steps name it.
	der, _ := os.ReadFile(ours.derPath)
	must(t, os.MkdirAll(filepath.Join(root, "var/lib/dkms"), 0o755))
	must(t, os.WriteFile(filepath.Join(root, "var/lib/dkms/mok.pub"), der, 0o644))
	m = CheckMOK(ctx, MOKQuery{Root: root, Module: mod, ReadKey: sign.ModuleKey, Run: mokutil(listNoise, "MokNew is empty\n")})
	if s := m.Steps(enabled); len(s) == 0 || s[0] != "sudo mokutil --import /var/lib/dkms/mok.pub   (choose a one-time password)" {
		t.Errorf("steps with the DKMS key: %v", s)
	}

	efi := func(context.Context, string, ...string) (string, error) {
		return "EFI variables are not supported on this system\n", errors.New("exit status 255")
	}
	m = CheckMOK(ctx, MOKQuery{Module: mod, ReadKey: sign.ModuleKey, Run: efi})
	if m.State != KeyUnknown || !strings.Contains(m.Reason, "EFI variables are not supported") {
		t.Errorf("no EFI: %+v", m)
	}
	if m = CheckMOK(ctx, MOKQuery{Module: mod, ReadKey: sign.ModuleKey}); m.State != KeyUnknown || !strings.Contains(m.Reason, "mokutil is not installed") {
		t.Errorf("no mokutil: %+v", m)
	}

	unsigned := filepath.Join(t.TempDir(), "nfs.ko")
	must(t, os.WriteFile(unsigned, []byte("\x7fELF unsigned"), 0o644))
	m = CheckMOK(ctx, MOKQuery{Module: unsigned, ReadKey: sign.ModuleKey, Run: mokutil(listOurs, "")})
	if m.State != KeyUnsigned || len(m.Steps(enabled)) != 1 || m.Steps(SecureBoot{State: "disabled"}) != nil {
		t.Errorf("unsigned: %+v", m)
	}
	if m = CheckMOK(ctx, MOKQuery{}); m.State != KeyUnknown || m.Module != nil {
		t.Errorf("no module: %+v", m)
	}
}

// TestCheckMOKSubjectKeyID signs with the kernel's own sign-file -k, which
// names the signer by subject key identifier instead of issuer and serial.
func TestCheckMOKSubjectKeyID(t *testing.T) {
	signFile, _ := filepath.Glob("/usr/src/linux-headers-*/scripts/sign-file")
	if len(signFile) == 0 {
		t.Skip("no sign-file from the kernel headers")
	}
	k := newTestKey(t, "skid signer", big.NewInt(42), []byte{0x5a, 0x5b, 0x5c, 0x5d})
	twin := newTestKey(t, "skid signer", big.NewInt(42), []byte{0x01}) // same issuer and serial, other key id
	mod := filepath.Join(t.TempDir(), "sunrpc.ko")
	must(t, os.WriteFile(mod, []byte("\x7fELF a module's bytes"), 0o644))
	if out, err := exec.Command(signFile[0], "-k", "sha256", k.keyPath, k.derPath, mod).CombinedOutput(); err != nil {
		t.Skipf("sign-file: %v: %s", err, out)
	}
	ctx := context.Background()
	m := CheckMOK(ctx, MOKQuery{Module: mod, ReadKey: sign.ModuleKey, Run: mokutil(mokutilListing(t, twin.cert), mokutilListing(t, k.cert))})
	if m.State != KeyPending || !m.Module.BySKID || m.Module.KeyID != "5A:5B:5C:5D" {
		t.Errorf("by subject key id: %+v %+v", m, m.Module)
	}
}

func TestDetectReportsMOK(t *testing.T) {
	root := t.TempDir()
	hdr := "usr/src/linux-headers-6.1.0-56-amd64/"
	for p, c := range map[string]string{
		"etc/os-release": "ID=debian\nVERSION_ID=\"12\"\n", "proc/sys/kernel/osrelease": "6.1.0-56-amd64\n",
		hdr + "Makefile": "# kernel Makefile\n", hdr + ".config": "CONFIG_SUNRPC=m\n", hdr + "Module.symvers": "",
		hdr + "include/generated/utsrelease.h":                   "#define UTS_RELEASE \"6.1.0-56-amd64\"\n",
		hdr + "include/generated/uapi/linux/version.h":           "#define LINUX_VERSION_CODE 393664\n",
		"lib/modules/6.1.0-56-amd64/kernel/net/sunrpc/sunrpc.ko": "\x7fELF inbox",
	} {
		must(t, os.MkdirAll(filepath.Dir(filepath.Join(root, p)), 0o755))
		must(t, os.WriteFile(filepath.Join(root, p), []byte(c), 0o644))
	}
	k := newTestKey(t, "nfsbundle module signing", big.NewInt(99), []byte{9})
	signed, err := os.ReadFile(signedModule(t, k))
	must(t, err)
	mod := filepath.Join(root, "lib/modules/6.1.0-56-amd64/updates/dkms/sunrpc.ko")
	must(t, os.MkdirAll(filepath.Dir(mod), 0o755))
	must(t, os.WriteFile(mod, signed, 0o644))
	if got := InstalledModule(root, "6.1.0-56-amd64", "sunrpc"); got != mod {
		t.Fatalf("installed module %q, want the one under updates/", got)
	}
	listing := mokutilListing(t, k.cert)
	for _, tc := range []struct {
		enrolled, want string
		todo           bool
	}{
		{listing, `module signer: signer "nfsbundle module signing" key 63: enrolled`, false},
		{"MokListRT is empty\n", `module signer: signer "nfsbundle module signing" key 63: absent`, true},
	} {
		runner := func(ctx context.Context, name string, args ...string) (string, error) {
			switch strings.Join(append([]string{name}, args...), " ") {
			case "mokutil --sb-state":
				return "SecureBoot enabled\n", nil
			case "mokutil --list-enrolled":
				return tc.enrolled, nil
			case "mokutil --list-new":
				return "MokNew is empty\n", nil
			}
			return "", errors.New("absent")
		}
		look := func(name string) (string, error) {
			if name == "mokutil" {
				return "/usr/bin/mokutil", nil
			}
			return "", errors.New("absent")
		}
		tg, err := Detect(context.Background(), Options{Root: root, RunCmd: runner, LookPath: look, NoOFED: true, ReadModuleKey: sign.ModuleKey})
		must(t, err)
		facts := strings.Join(tg.Facts(), "\n")
		if !strings.Contains(facts, tc.want) || strings.Contains(facts, "to do: sudo mokutil --import") != tc.todo {
			t.Errorf("facts:\n%s", facts)
		}
	}
}
