// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package sign

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nfsbundle/nfsbundle/internal/fileutil"
)

// Key file names GenerateKey writes (the seed's openssl command uses them).
const (
	KeyFile  = "MOK.priv"
	CertFile = "MOK.der"
)

// DefaultCN is the certificate common name keygen uses by default.
const DefaultCN = "nfsbundle module signing key"

// oidModuleSigning marks a key as meant for kernel module signing only
// (used by shim/MOK tooling and some distribution kernels).
var oidModuleSigning = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 2312, 16, 1, 2}

// GenerateKey makes a Machine Owner Key like the seed's
//
//	openssl req -new -x509 -newkey rsa:2048 -keyout MOK.priv -outform DER -out MOK.der -nodes -days 3650 -subj "/CN=..."
//
// with a codeSigning extended key usage: dir/MOK.priv (unencrypted PKCS#8
// PEM, mode 0600) and dir/MOK.der (DER certificate, valid 10 years). It
// never overwrites existing files: an enrolled key must not be lost. The
// returned paths are absolute.
func GenerateKey(dir, cn string, bits int) (keyPath, certPath string, err error) {
	if bits == 0 {
		bits = 2048
	}
	if bits < 2048 {
		return "", "", fmt.Errorf("RSA key size %d is too small: use 2048 or more", bits)
	}
	if bits > 16384 {
		return "", "", fmt.Errorf("RSA key size %d is unreasonably large", bits)
	}
	if cn = strings.TrimSpace(cn); cn == "" {
		cn = DefaultCN
	}
	if dir == "" {
		dir = "."
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	keyPath = filepath.Join(dir, KeyFile)
	certPath = filepath.Join(dir, CertFile)
	for _, p := range []string{keyPath, certPath} {
		if _, err := os.Lstat(p); err == nil {
			return "", "", fmt.Errorf("%s already exists: refusing to overwrite a key that may be enrolled; use another --dir or remove it yourself", p)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", "", err
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", "", fmt.Errorf("creating key directory: %w", err)
	}
	key, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		return "", "", fmt.Errorf("generating RSA-%d key: %w", bits, err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 159))
	if err != nil {
		return "", "", err
	}
	serial.Add(serial, big.NewInt(1)) // positive, at most 20 bytes
	pubDER, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return "", "", err
	}
	var spki struct {
		Algorithm algorithmIdentifier
		Key       asn1.BitString
	}
	if _, err := asn1.Unmarshal(pubDER, &spki); err != nil {
		return "", "", err
	}
	skid := sha1.Sum(spki.Key.Bytes) // RFC 5280 method 1, like openssl
	start := now().UTC().Truncate(time.Second)
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             start,
		NotAfter:              start.AddDate(0, 0, 3650),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		UnknownExtKeyUsage:    []asn1.ObjectIdentifier{oidModuleSigning},
		BasicConstraintsValid: true,
		IsCA:                  false,
		SubjectKeyId:          skid[:],
		AuthorityKeyId:        skid[:],
		SignatureAlgorithm:    x509.SHA256WithRSA,
	}
	certDER, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return "", "", fmt.Errorf("creating certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return "", "", err
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	defer wipe(keyDER)
	defer wipe(keyPEM)
	if err := fileutil.WriteAtomic(keyPath, keyPEM, 0o600); err != nil {
		return "", "", fmt.Errorf("writing private key: %w", err)
	}
	if err := fileutil.WriteAtomic(certPath, certDER, 0o644); err != nil {
		os.Remove(keyPath)
		return "", "", fmt.Errorf("writing certificate: %w", err)
	}
	return keyPath, certPath, nil
}

// EnrollInstructions tells the user how to enrol certPath as a MOK.
func EnrollInstructions(keyPath, certPath string) string {
	return fmt.Sprintf(`Machine Owner Key created:
  private key  %[1]s  (mode 0600: keep it secret, back it up offline)
  certificate  %[2]s

Enrol the certificate so Secure Boot trusts modules signed with this key:
  1. sudo mokutil --import %[2]s
     (choose a one-time password)
  2. Reboot. In the blue MokManager screen choose "Enroll MOK", "Continue",
     "Yes", enter the password, then "Reboot".
  3. Check: mokutil --list-enrolled lists it; once modules signed with it
     are installed, nfsbundle-ctl status says "enrolled"

Sign the build with it:
  export MODULE_SIGN_PRIV_KEY=%[1]s
  export MODULE_SIGN_PUB_KEY=%[2]s
  ./build.sh bin
or sign existing modules: ./build.sh sign --sign-key %[1]s --sign-cert %[2]s FILE.ko...
`, keyPath, certPath)
}
