// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package sign

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

const testPIN = "nfsbundle-test"

func td(name string) string { return filepath.Join("testdata", name) }

func readTD(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(td(name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func rsaSigner(t testing.TB) *Signer {
	t.Helper()
	s, err := LoadSigner(td("rsa.key"), td("rsa.der"), "")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustCert(t testing.TB, name string) *x509.Certificate {
	t.Helper()
	c, err := LoadCertificate(td(name))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Our signature must be byte-identical to what scripts/sign-file wrote for
// the same key and module (goldens made by testdata/gen.sh).
func TestSignMatchesSignFileGolden(t *testing.T) {
	s := rsaSigner(t)
	mod := readTD(t, "tiny.ko")
	for _, h := range []string{"sha256", "sha384", "sha512", "sha1"} {
		t.Run(h, func(t *testing.T) {
			want := readTD(t, "tiny.ko.rsa-"+h)
			got, err := s.Sign(mod, h)
			if err != nil {
				t.Fatal(err)
			}
			if diff := explainDiff(got, want); diff != nil {
				t.Fatalf("signature differs from sign-file's:\n%s", strings.Join(diff, "\n"))
			}
		})
	}
}

// sign-file's ECDSA signatures are randomised (ours are deterministic, RFC
// 6979): every field but the signature value must equal sign-file's, and
// each must verify.
func TestECDSAMatchesSignFileStructure(t *testing.T) {
	s, err := LoadSigner(td("ec256.key"), td("ec256.der"), "")
	if err != nil {
		t.Fatal(err)
	}
	want := readTD(t, "tiny.ko.ec256-sha256")
	got, err := s.Sign(readTD(t, "tiny.ko"), "sha256")
	if err != nil {
		t.Fatal(err)
	}
	again, _ := s.Sign(readTD(t, "tiny.ko"), "sha256")
	if !bytes.Equal(got, again) {
		t.Error("ECDSA signatures are not reproducible")
	}
	cert := mustCert(t, "ec256.der")
	if err := Verify(got, cert); err != nil {
		t.Fatalf("our ECDSA signature: %v", err)
	}
	if err := Verify(want, cert); err != nil {
		t.Fatalf("sign-file's ECDSA signature: %v", err)
	}
	for _, d := range explainDiff(got, want) {
		// Lengths vary with the DER (r,s) encoding; the value differs.
		if strings.HasPrefix(d, "SignerInfo.signature ") || strings.Contains(d, "header differs") ||
			strings.HasPrefix(d, "module_signature struct") {
			continue
		}
		t.Errorf("unexpected difference: %s", d)
	}
}

func TestExplainDiffNamesField(t *testing.T) {
	a := readTD(t, "tiny.ko.rsa-sha256")
	b := readTD(t, "tiny.ko.rsa-sha384")
	d := strings.Join(explainDiff(a, b), "\n")
	for _, f := range []string{"SignedData.digestAlgorithms", "SignerInfo.digestAlgorithm", "SignerInfo.signature"} {
		if !strings.Contains(d, f) {
			t.Errorf("explanation lacks %s:\n%s", f, d)
		}
	}
	if explainDiff(a, a) != nil {
		t.Error("identical inputs reported as different")
	}
}

func TestParse(t *testing.T) {
	mod := readTD(t, "tiny.ko.rsa-sha256")
	info, err := Parse(mod)
	if err != nil {
		t.Fatal(err)
	}
	cert := mustCert(t, "rsa.der")
	if info.Signer != "nfsbundle test RSA key" {
		t.Errorf("Signer = %q", info.Signer)
	}
	if info.HashAlgo != "sha256" || info.KeyAlgo != "rsa" {
		t.Errorf("hash %q key %q", info.HashAlgo, info.KeyAlgo)
	}
	if info.Serial.Cmp(cert.SerialNumber) != 0 || !bytes.Equal(info.KeyID, cert.SerialNumber.Bytes()) {
		t.Errorf("serial %v key id %x, cert serial %v", info.Serial, info.KeyID, cert.SerialNumber)
	}
	if info.ContentLen != len(readTD(t, "tiny.ko")) || info.ContentLen+info.SigLen+trailerLen+len(Magic) != len(mod) {
		t.Errorf("ContentLen %d SigLen %d total %d", info.ContentLen, info.SigLen, len(mod))
	}
	if len(info.Signature) != 256 || info.SignedAttrs {
		t.Errorf("signature %d bytes, signed attrs %v", len(info.Signature), info.SignedAttrs)
	}
	if !strings.Contains(info.Issuer, "CN=nfsbundle test RSA key") {
		t.Errorf("Issuer = %q", info.Issuer)
	}
	if !strings.Contains(info.KeyIDString(), ":") {
		t.Errorf("KeyIDString = %q", info.KeyIDString())
	}
}

// sign-file -k names the signer by subject key identifier.
func TestParseVerifyKeyID(t *testing.T) {
	mod := readTD(t, "tiny.ko.rsa-keyid")
	info, err := Parse(mod)
	if err != nil {
		t.Fatal(err)
	}
	cert := mustCert(t, "rsa.der")
	if !bytes.Equal(info.KeyID, cert.SubjectKeyId) {
		t.Errorf("KeyID %x, want SKID %x", info.KeyID, cert.SubjectKeyId)
	}
	if err := Verify(mod, cert); err != nil {
		t.Error(err)
	}
}

func TestVerify(t *testing.T) {
	mod := readTD(t, "tiny.ko.rsa-sha256")
	cert := mustCert(t, "rsa.der")
	if err := Verify(mod, cert); err != nil {
		t.Fatal(err)
	}
	// Content changed: the signature no longer verifies.
	bad := bytes.Clone(mod)
	bad[100] ^= 1
	if err := Verify(bad, cert); !errors.Is(err, ErrMismatch) {
		t.Errorf("altered content: got %v, want ErrMismatch", err)
	}
	// Another certificate (same subject, other key and serial).
	if err := Verify(mod, mustCert(t, "other.der")); !errors.Is(err, ErrMismatch) {
		t.Errorf("other cert: got %v, want ErrMismatch", err)
	}
	// A byte of the signature value flipped.
	info, _ := Parse(mod)
	bad = bytes.Clone(mod)
	bad[info.ContentLen+info.SigLen-10] ^= 0x40
	if err := Verify(bad, cert); !errors.Is(err, ErrMismatch) {
		t.Errorf("flipped signature: got %v, want ErrMismatch", err)
	}
	if err := Verify(readTD(t, "tiny.ko"), cert); !errors.Is(err, ErrNotSigned) {
		t.Errorf("unsigned: got %v", err)
	}
}

func TestSignIdempotent(t *testing.T) {
	s := rsaSigner(t)
	dir := t.TempDir()
	p := filepath.Join(dir, "m.ko")
	if err := os.WriteFile(p, readTD(t, "tiny.ko"), 0o644); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := s.SignFile(p, "sha256"); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := os.ReadFile(p)
	if !bytes.Equal(got, readTD(t, "tiny.ko.rsa-sha256")) {
		t.Fatal("signing three times is not the same as signing once")
	}
	if n := bytes.Count(got, []byte(Magic)); n != 1 {
		t.Fatalf("%d signatures after re-signing", n)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o644 {
		t.Errorf("mode changed to %v", st.Mode())
	}
	if s.Signed() != 3 {
		t.Errorf("Signed() = %d", s.Signed())
	}
	// Re-signing with another hash replaces the signature.
	if err := s.SignFile(p, "sha512"); err != nil {
		t.Fatal(err)
	}
	got, _ = os.ReadFile(p)
	if !bytes.Equal(got, readTD(t, "tiny.ko.rsa-sha512")) {
		t.Fatal("re-signing with sha512 did not replace the sha256 signature")
	}
	// A module signed twice by sign-file (stacked) is cleaned up too.
	double := readTD(t, "tiny.ko.rsa-sha256")
	info, _ := Parse(double)
	double = Assemble(double, double[info.ContentLen:info.ContentLen+info.SigLen])
	out, err := s.Sign(double, "sha256")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, readTD(t, "tiny.ko.rsa-sha256")) {
		t.Fatal("stacked signatures not all replaced")
	}
	// Leftover temp files?
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("directory holds %d entries after SignFile", len(ents))
	}
}

func TestSignFileRefuses(t *testing.T) {
	s := rsaSigner(t)
	dir := t.TempDir()
	cases := map[string][]byte{
		"compressed.ko": append([]byte("\xfd7zXZ\x00"), make([]byte, 64)...),
		"notelf.ko":     []byte("hello world, not a module"),
		"corrupt.ko":    append(append(readTD(t, "tiny.ko"), 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 9), Magic...),
	}
	want := map[string]string{"compressed.ko": "compressed", "notelf.ko": "not an ELF", "corrupt.ko": "cannot re-sign"}
	for name, data := range cases {
		p := filepath.Join(dir, name)
		os.WriteFile(p, data, 0o644)
		err := s.SignFile(p, "")
		if err == nil || !strings.Contains(err.Error(), want[name]) {
			t.Errorf("%s: got %v, want error containing %q", name, err, want[name])
		}
		if got, _ := os.ReadFile(p); !bytes.Equal(got, data) {
			t.Errorf("%s: file modified on failure", name)
		}
	}
	if err := s.SignFile(filepath.Join(dir, "missing.ko"), ""); err == nil {
		t.Error("missing module: no error")
	}
	if _, err := s.Sign(readTD(t, "tiny.ko"), "md5"); err == nil || !strings.Contains(err.Error(), "sha256") {
		t.Errorf("md5: %v", err)
	}
}

func TestHashNames(t *testing.T) {
	for _, in := range []string{"sha256", "SHA256", `"sha256"`, "sha-256", ""} {
		h, err := lookupHash(in)
		if err != nil || h.name != "sha256" {
			t.Errorf("lookupHash(%q) = %v, %v", in, h.name, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	good := readTD(t, "tiny.ko.rsa-sha256")
	info, _ := Parse(good)
	sigStart := info.ContentLen
	trailerAt := len(good) - len(Magic) - trailerLen
	mut := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(good)) }
	cases := []struct {
		name string
		in   []byte
		want error
		msg  string
	}{
		{"unsigned", readTD(t, "tiny.ko"), ErrNotSigned, ""},
		{"empty", nil, ErrNotSigned, ""},
		{"cut inside magic", good[:len(good)-5], ErrTruncated, "bytes of"},
		{"only magic", []byte(Magic), ErrTruncated, "signature header"},
		{"sig_len too large", mut(func(b []byte) []byte {
			binary.BigEndian.PutUint32(b[trailerAt+8:], uint32(len(b)))
			return b
		}), ErrTruncated, "only"},
		{"signature bytes lost", append(append(bytes.Clone(good[:sigStart]), good[sigStart:sigStart+100]...),
			append(trailer(info.SigLen), Magic...)...), ErrCorrupt, ""},
		{"CMS tail cut", append(bytes.Clone(good[:trailerAt-19]), append(trailer(info.SigLen-19), Magic...)...),
			ErrTruncated, "declares"},
		{"id_type", mut(func(b []byte) []byte { b[trailerAt+2] = 1; return b }), ErrCorrupt, "id_type"},
		{"non-zero algo", mut(func(b []byte) []byte { b[trailerAt] = 1; return b }), ErrCorrupt, "non-zero"},
		{"sig_len zero", mut(func(b []byte) []byte {
			binary.BigEndian.PutUint32(b[trailerAt+8:], 0)
			return b
		}), ErrCorrupt, "length is 0"},
		{"junk after magic", append(bytes.Clone(good), "junk"...), ErrCorrupt, "extra bytes"},
		{"not DER", mut(func(b []byte) []byte { b[sigStart] = 0x04; return b }), ErrCorrupt, "SEQUENCE"},
		{"wrong content type", mut(func(b []byte) []byte { b[sigStart+14] ^= 1; return b }), ErrCorrupt, ""},
		{"sig_len too small", mut(func(b []byte) []byte {
			binary.BigEndian.PutUint32(b[trailerAt+8:], uint32(info.SigLen-1))
			return b
		}), ErrCorrupt, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.in)
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
			if !strings.Contains(err.Error(), c.msg) {
				t.Errorf("error %q lacks %q", err, c.msg)
			}
			// Strip must not cut what the trailer cannot account for.
			if c.name == "sig_len too large" || c.name == "cut inside magic" || c.name == "id_type" {
				if s := Strip(c.in); len(s) != len(c.in) {
					t.Errorf("Strip cut an unreadable signature")
				}
			}
		})
	}
}

func TestStrip(t *testing.T) {
	plain := readTD(t, "tiny.ko")
	if !bytes.Equal(Strip(readTD(t, "tiny.ko.rsa-sha256")), plain) {
		t.Error("Strip(signed) != unsigned")
	}
	if !bytes.Equal(Strip(plain), plain) {
		t.Error("Strip(unsigned) changed the module")
	}
	if IsSigned(plain) || !IsSigned(readTD(t, "tiny.ko.rsa-sha256")) {
		t.Error("IsSigned")
	}
}

func TestLoadSignerFormats(t *testing.T) {
	cases := []struct{ key, cert, pin string }{
		{"rsa.key", "rsa.der", ""},     // PEM PKCS#8 + DER cert (keygen/seed form)
		{"rsa.key", "rsa.crt", ""},     // PEM + PEM
		{"rsa.key.der", "rsa.der", ""}, // DER key
		{"rsa.key.der", "rsa.crt", ""}, // DER key + PEM cert
		{"rsa-combined.pem", "", ""},   // key and cert in one PEM (signing_key.pem)
		{"rsa-combined.pem", "rsa-combined.pem", ""},
		{"rsa-enc.key", "rsa.der", testPIN},        // encrypted PKCS#8 PEM
		{"rsa-enc.key.der", "rsa.der", testPIN},    // encrypted PKCS#8 DER
		{"rsa-legacy-enc.key", "rsa.der", testPIN}, // Proc-Type: 4,ENCRYPTED
		{"ec256.key", "ec256.der", ""},
	}
	mod := readTD(t, "tiny.ko")
	for _, c := range cases {
		t.Run(c.key+"+"+c.cert, func(t *testing.T) {
			certFile := c.cert
			s, err := LoadSigner(td(c.key), tdOrEmpty(certFile), c.pin)
			if err != nil {
				t.Fatal(err)
			}
			out, err := s.Sign(mod, "")
			if err != nil {
				t.Fatal(err)
			}
			if err := Verify(out, s.Certificate()); err != nil {
				t.Fatal(err)
			}
			d := s.Describe()
			if !strings.Contains(d, "serial "+s.Serial()) || !strings.Contains(d, "sha256") || strings.Contains(d, "PRIVATE") {
				t.Errorf("Describe = %q", d)
			}
		})
	}
}

func tdOrEmpty(name string) string {
	if name == "" {
		return ""
	}
	return td(name)
}

// writeCert makes a certificate for key valid from nb to na.
func writeCert(t *testing.T, dir string, key *rsa.PrivateKey, nb, na time.Time) (keyPath, certPath string) {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(4242), Subject: pkix.Name{CommonName: "dated"}, NotBefore: nb, NotAfter: na}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kd, _ := x509.MarshalPKCS8PrivateKey(key)
	os.MkdirAll(dir, 0o755)
	keyPath, certPath = filepath.Join(dir, "k.pem"), filepath.Join(dir, "c.der")
	os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kd}), 0o600)
	os.WriteFile(certPath, der, 0o644)
	return keyPath, certPath
}

// Each bad input gives one clear error naming the problem and the fix.
func TestLoadSignerErrors(t *testing.T) {
	dir := t.TempDir()
	key, _ := LoadSigner(td("rsa.key"), td("rsa.der"), "")
	rk := key.key.(*rsa.PrivateKey)
	expKey, expCert := writeCert(t, filepath.Join(dir, "exp"), rk, time.Now().AddDate(-2, 0, 0), time.Now().AddDate(-1, 0, 0))
	futKey, futCert := writeCert(t, filepath.Join(dir, "fut"), rk, time.Now().AddDate(1, 0, 0), time.Now().AddDate(2, 0, 0))
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, nil, 0o600)
	cases := []struct {
		name, key, cert, pin string
		want                 []string
		is                   error
	}{
		{"missing key file", filepath.Join(dir, "nope.key"), td("rsa.der"), "", []string{"reading private key", "no such file"}, os.ErrNotExist},
		{"missing cert file", td("rsa.key"), filepath.Join(dir, "nope.der"), "", []string{"reading certificate", "no such file"}, os.ErrNotExist},
		{"empty key", empty, td("rsa.der"), "", []string{"is empty"}, nil},
		{"mismatched cert", td("rsa.key"), td("other.der"), "", []string{"does not match private key", "certificate made together"}, nil},
		{"mismatched ec cert", td("ec256.key"), td("rsa.der"), "", []string{"does not match"}, nil},
		{"encrypted pkcs8 without pin", td("rsa-enc.key"), td("rsa.der"), "", []string{"KBUILD_SIGN_PIN"}, ErrPINRequired},
		{"encrypted der without pin", td("rsa-enc.key.der"), td("rsa.der"), "", []string{"KBUILD_SIGN_PIN"}, ErrPINRequired},
		{"legacy encrypted without pin", td("rsa-legacy-enc.key"), td("rsa.der"), "", []string{"KBUILD_SIGN_PIN"}, ErrPINRequired},
		{"wrong pin", td("rsa-enc.key"), td("rsa.der"), "not-the-pin", []string{"wrong KBUILD_SIGN_PIN"}, ErrWrongPIN},
		{"legacy wrong pin", td("rsa-legacy-enc.key"), td("rsa.der"), "not-the-pin", []string{"wrong KBUILD_SIGN_PIN"}, ErrWrongPIN},
		{"swapped DER", td("rsa.der"), td("rsa.key"), "", []string{"swapped"}, nil},
		{"swapped PEM", td("rsa.crt"), td("rsa.key"), "", []string{"swapped"}, nil},
		{"DER key as cert", td("rsa.key"), td("rsa.key.der"), "", []string{"swapped"}, nil},
		{"key file without cert", td("rsa.key"), "", "", []string{"no certificate given", "--sign-cert"}, nil},
		{"ed25519", td("ed25519.key"), td("ed25519.crt"), "", []string{"Ed25519", "RSA or ECDSA"}, nil},
		{"rsa1024", td("rsa1024.key"), td("rsa1024.crt"), "", []string{"RSA-1024", "2048"}, nil},
		{"p521", td("ec521.key"), td("ec521.crt"), "", []string{"P-521", "P-256 and P-384"}, nil},
		{"expired", expKey, expCert, "", []string{"expired on", "keygen"}, nil},
		{"not yet valid", futKey, futCert, "", []string{"not valid before", "clock"}, nil},
		{"pkcs11", "pkcs11:token=foo", td("rsa.der"), "", []string{"PKCS#11"}, nil},
		{"no key", "", td("rsa.der"), "", []string{"--sign-key"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := LoadSigner(c.key, c.cert, c.pin)
			if err == nil {
				t.Fatalf("no error, signer %s", s.Describe())
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("error %v is not %v", err, c.is)
			}
			if strings.Contains(err.Error(), "BEGIN") || strings.Count(err.Error(), "\n") > 0 {
				t.Errorf("error leaks file content or is multi-line: %q", err)
			}
		})
	}
}

// fromEnv resolves the signer the environment names, as the driver does.
func fromEnv() (*Signer, error) { return Resolve("", "", envNow()) }

// envNow reads the signing variables (the driver reads them once).
func envNow() Env {
	return Env{Key: os.Getenv(EnvPrivKey), Cert: os.Getenv(EnvPubKey), PIN: os.Getenv(EnvPIN)}
}

func TestResolve(t *testing.T) {
	for _, v := range []string{EnvPrivKey, EnvPubKey, EnvPIN} {
		t.Setenv(v, "")
	}
	if s, err := fromEnv(); s != nil || err != nil {
		t.Fatalf("nothing set: %v %v", s, err)
	}
	t.Setenv(EnvPrivKey, td("rsa-enc.key"))
	if _, err := fromEnv(); err == nil || !strings.Contains(err.Error(), EnvPubKey) {
		t.Fatalf("key without cert: %v", err)
	}
	t.Setenv(EnvPubKey, td("rsa.der"))
	if _, err := fromEnv(); !errors.Is(err, ErrPINRequired) {
		t.Fatalf("no pin: %v", err)
	}
	t.Setenv(EnvPIN, testPIN)
	s, err := fromEnv()
	if err != nil || s == nil {
		t.Fatalf("env: %v", err)
	}
	// Flags win over the environment.
	s2, err := Resolve(td("ec256.key"), td("ec256.der"), envNow())
	if err != nil || !strings.Contains(s2.Describe(), "ECDSA") {
		t.Fatalf("flags: %v", err)
	}
	t.Setenv(EnvPrivKey, "")
	if _, err := Resolve("", "", envNow()); err == nil || !strings.Contains(err.Error(), EnvPrivKey) {
		t.Fatalf("cert without key: %v", err)
	}
}

func TestGenerateKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	keyPath, certPath, err := GenerateKey(dir, "My Custom Key", 2048)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(keyPath)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key mode %v, %v", st.Mode(), err)
	}
	der, _ := os.ReadFile(certPath)
	cert, err := x509.ParseCertificate(der) // DER, like openssl -outform DER
	if err != nil {
		t.Fatal(err)
	}
	if cert.Subject.CommonName != "My Custom Key" || cert.Issuer.CommonName != "My Custom Key" {
		t.Errorf("subject %v issuer %v", cert.Subject, cert.Issuer)
	}
	if len(cert.ExtKeyUsage) != 1 || cert.ExtKeyUsage[0] != x509.ExtKeyUsageCodeSigning {
		t.Errorf("EKU %v", cert.ExtKeyUsage)
	}
	if d := cert.NotAfter.Sub(cert.NotBefore); d != 3650*24*time.Hour {
		t.Errorf("validity %v", d)
	}
	if k, ok := cert.PublicKey.(*rsa.PublicKey); !ok || k.N.BitLen() != 2048 {
		t.Errorf("key %T", cert.PublicKey)
	}
	if err := cert.CheckSignature(cert.SignatureAlgorithm, cert.RawTBSCertificate, cert.Signature); err != nil {
		t.Errorf("self-signature: %v", err)
	}
	s, err := LoadSigner(keyPath, certPath, "")
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.Sign(readTD(t, "tiny.ko"), "sha256")
	if err != nil {
		t.Fatal(err)
	}
	info, err := Parse(out)
	if err != nil || info.Signer != "My Custom Key" {
		t.Fatalf("parse: %v %+v", err, info)
	}
	if _, _, err := GenerateKey(dir, "again", 2048); err == nil || !strings.Contains(err.Error(), "refusing to overwrite") {
		t.Errorf("overwrite: %v", err)
	}
	if _, _, err := GenerateKey(t.TempDir(), "weak", 1024); err == nil {
		t.Error("1024-bit key accepted")
	}
	if !strings.Contains(EnrollInstructions(keyPath, certPath), "mokutil --import "+certPath) {
		t.Error("instructions lack mokutil --import")
	}
}

// Verify accepts signed attributes (other signing tools write them) and
// checks their messageDigest.
func TestVerifySignedAttrs(t *testing.T) {
	s := rsaSigner(t)
	content := readTD(t, "tiny.ko")
	h, _ := lookupHash("sha256")
	sum := h.hash.New()
	sum.Write(content)
	digest := sum.Sum(nil)
	attrs, err := marshalAttrs(digest)
	if err != nil {
		t.Fatal(err)
	}
	ah := h.hash.New()
	ah.Write(attrs)
	sig, err := s.key.Sign(rand.Reader, ah.Sum(nil), h.hash)
	if err != nil {
		t.Fatal(err)
	}
	blob, err := buildCMSWithAttrs(s, h, attrs, sig)
	if err != nil {
		t.Fatal(err)
	}
	mod := Assemble(content, blob)
	info, err := Parse(mod)
	if err != nil || !info.SignedAttrs {
		t.Fatalf("parse: %v %+v", err, info)
	}
	if err := Verify(mod, s.Certificate()); err != nil {
		t.Fatal(err)
	}
	bad := bytes.Clone(mod)
	bad[10] ^= 1
	if err := Verify(bad, s.Certificate()); !errors.Is(err, ErrMismatch) || !strings.Contains(err.Error(), "messageDigest") {
		t.Fatalf("altered: %v", err)
	}
}

func marshalAttrs(digest []byte) ([]byte, error) {
	ct, err := asn1.Marshal(oidData)
	if err != nil {
		return nil, err
	}
	md, err := asn1.Marshal(digest)
	if err != nil {
		return nil, err
	}
	oidContentType := asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	attrs := []attribute{
		{Type: oidContentType, Values: []asn1.RawValue{{FullBytes: ct}}},
		{Type: oidMessageDigest, Values: []asn1.RawValue{{FullBytes: md}}},
	}
	return asn1.MarshalWithParams(attrs, "set")
}

func buildCMSWithAttrs(s *Signer, h hashAlgo, attrs, sig []byte) ([]byte, error) {
	sid, err := asn1.Marshal(issuerAndSerial{Issuer: asn1.RawValue{FullBytes: s.cert.RawIssuer}, Serial: s.cert.SerialNumber})
	if err != nil {
		return nil, err
	}
	implicit := append([]byte{0xa0}, attrs[1:]...)
	type si struct {
		Version            int
		SID                asn1.RawValue
		DigestAlgorithm    algorithmIdentifier
		SignedAttrs        asn1.RawValue
		SignatureAlgorithm algorithmIdentifier
		Signature          []byte
	}
	type sd struct {
		Version          int
		DigestAlgorithms []algorithmIdentifier `asn1:"set"`
		EncapContentInfo encapContentInfo
		SignerInfos      []si `asn1:"set"`
	}
	inner, err := asn1.Marshal(sd{
		Version:          1,
		DigestAlgorithms: []algorithmIdentifier{{Algorithm: h.oid}},
		EncapContentInfo: encapContentInfo{EContentType: oidData},
		SignerInfos: []si{{
			Version: 1, SID: asn1.RawValue{FullBytes: sid},
			DigestAlgorithm:    algorithmIdentifier{Algorithm: h.oid},
			SignedAttrs:        asn1.RawValue{FullBytes: implicit},
			SignatureAlgorithm: algorithmIdentifier{Algorithm: oidRSAEncryption, Parameters: asn1.NullRawValue},
			Signature:          sig,
		}},
	})
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(contentInfo{ContentType: oidSignedData,
		Content: asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: inner}})
}

func TestVerifyFileCompressed(t *testing.T) {
	signed := readTD(t, "tiny.ko.rsa-sha256")
	cert := mustCert(t, "rsa.der")
	dir := t.TempDir()
	var gz, x, zs bytes.Buffer
	gw := gzip.NewWriter(&gz)
	gw.Write(signed)
	gw.Close()
	xw, _ := xz.NewWriter(&x)
	xw.Write(signed)
	xw.Close()
	zw, _ := zstd.NewWriter(&zs)
	zw.Write(signed)
	zw.Close()
	for name, data := range map[string][]byte{"m.ko": signed, "m.ko.gz": gz.Bytes(), "m.ko.xz": x.Bytes(), "m.ko.zst": zs.Bytes()} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, data, 0o644)
		info, err := VerifyFile(p, cert)
		if err != nil || info.HashAlgo != "sha256" {
			t.Errorf("%s: %v", name, err)
		}
	}
	p := filepath.Join(dir, "bad.ko.xz")
	os.WriteFile(p, x.Bytes()[:len(x.Bytes())/2], 0o644)
	if _, err := VerifyFile(p, cert); err == nil || !strings.Contains(err.Error(), "xz") {
		t.Errorf("truncated xz: %v", err)
	}
}
