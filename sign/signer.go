// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package sign

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/nfsbundle/nfsbundle/internal/fileutil"
)

// Environment variables the seed documents.
const (
	EnvPrivKey = "MODULE_SIGN_PRIV_KEY"
	EnvPubKey  = "MODULE_SIGN_PUB_KEY"
	EnvPIN     = "KBUILD_SIGN_PIN"
)

// Signer signs modules with one key and its certificate. It is safe for
// concurrent use. The private key stays in memory; it is never written out
// or logged.
type Signer struct {
	// Hash is the digest used when Sign/SignFile get an empty hash name;
	// set it from the target's CONFIG_MODULE_SIG_HASH. Default "sha256".
	Hash string

	key      crypto.Signer
	cert     *x509.Certificate
	keyDesc  string
	certPath string
	signed   atomic.Int64
}

// now is replaced by tests.
var now = time.Now

// LoadSigner reads a private key (PEM or DER; PKCS#8, PKCS#1 or SEC1;
// encrypted PEM/PKCS#8 keys are decrypted with pin) and a certificate (DER
// or PEM). certPath may be empty when keyPath is a PEM file that also holds
// the certificate (like the kernel's certs/signing_key.pem). It fails with a
// clear error when the key is unusable: unreadable, encrypted without pin,
// of a type the kernel cannot verify, not matching the certificate, or when
// the certificate is expired or not yet valid.
func LoadSigner(keyPath, certPath, pin string) (*Signer, error) {
	if keyPath == "" {
		return nil, errors.New("no private key given: pass --sign-key or set " + EnvPrivKey)
	}
	key, err := readPrivateKey(keyPath, pin)
	if err != nil {
		return nil, err
	}
	desc, err := checkKeyType(key, keyPath)
	if err != nil {
		return nil, err
	}
	var cert *x509.Certificate
	if certPath == "" {
		// A combined PEM (like the kernel's certs/signing_key.pem).
		certPath = keyPath
		if cert, err = readCertificate(keyPath); err != nil {
			return nil, fmt.Errorf("no certificate given and %s holds none: pass --sign-cert or set %s", keyPath, EnvPubKey)
		}
	} else if cert, err = readCertificate(certPath); err != nil {
		return nil, err
	}
	pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(cert.PublicKey) {
		return nil, fmt.Errorf("certificate %s (subject %q, serial %s) does not match private key %s: use the certificate made together with this key",
			certPath, cert.Subject.String(), colonHex(cert.SerialNumber.Bytes()), keyPath)
	}
	t := now()
	if t.After(cert.NotAfter) {
		return nil, fmt.Errorf("certificate %s (subject %q) expired on %s: make a new key with ./build.sh keygen and enrol it with mokutil",
			certPath, cert.Subject.String(), cert.NotAfter.UTC().Format(time.DateOnly))
	}
	if t.Before(cert.NotBefore) {
		return nil, fmt.Errorf("certificate %s (subject %q) is not valid before %s: check the system clock",
			certPath, cert.Subject.String(), cert.NotBefore.UTC().Format(time.RFC3339))
	}
	if cert.SerialNumber.Sign() <= 0 {
		return nil, fmt.Errorf("certificate %s has a non-positive serial number, which module signatures cannot name", certPath)
	}
	return &Signer{Hash: DefaultHash, key: key, cert: cert, keyDesc: desc, certPath: certPath}, nil
}

// Env holds the values of the signing environment variables
// (MODULE_SIGN_PRIV_KEY, MODULE_SIGN_PUB_KEY, KBUILD_SIGN_PIN), read once
// by the driver.
type Env struct {
	Key, Cert, PIN string
}

// Resolve picks the key and certificate from flags, falling back to env
// per item, and loads them. nil, nil means signing was not requested.
func Resolve(keyFlag, certFlag string, env Env) (*Signer, error) {
	key, cert := keyFlag, certFlag
	if key == "" {
		key = env.Key
	}
	if cert == "" {
		cert = env.Cert
	}
	return ResolveWith(key, cert, env.PIN)
}

// ResolveWith loads the signer of key and cert (pin: the passphrase of an
// encrypted key), each already chosen by the caller. nil, nil means
// signing was not requested.
func ResolveWith(key, cert, pin string) (*Signer, error) {
	switch {
	case key == "" && cert == "":
		return nil, nil
	case key == "":
		return nil, fmt.Errorf("a signing certificate (%s) was given without a private key: pass --sign-key or set %s", cert, EnvPrivKey)
	case cert == "":
		return nil, fmt.Errorf("a signing key (%s) was given without its certificate: pass --sign-cert or set %s", key, EnvPubKey)
	}
	return LoadSigner(key, cert, pin)
}

// Certificate returns the signer's certificate.
func (s *Signer) Certificate() *x509.Certificate { return s.cert }

// Subject returns the certificate subject.
func (s *Signer) Subject() string { return s.cert.Subject.String() }

// Serial returns the serial number as modinfo prints sig_key.
func (s *Signer) Serial() string { return colonHex(s.cert.SerialNumber.Bytes()) }

// Describe says which key signs: subject, serial, key type, hash and
// validity, for the build log. It never includes key material.
func (s *Signer) Describe() string {
	return fmt.Sprintf("subject %q, serial %s, %s, hash %s, valid until %s (certificate %s)",
		s.Subject(), s.Serial(), s.keyDesc, s.hashName(""), s.cert.NotAfter.UTC().Format(time.DateOnly), s.certPath)
}

// Signed returns how many modules this signer has signed so far.
func (s *Signer) Signed() int64 { return s.signed.Load() }

func (s *Signer) hashName(h string) string {
	if h != "" {
		return h
	}
	if s.Hash != "" {
		return s.Hash
	}
	return DefaultHash
}

// Signature computes the detached CMS blob for content, exactly as
// scripts/sign-file would.
func (s *Signer) Signature(content []byte, hashName string) ([]byte, error) {
	h, err := lookupHash(s.hashName(hashName))
	if err != nil {
		return nil, err
	}
	d := h.hash.New()
	d.Write(content)
	digest := d.Sum(nil)
	var sigAlg algorithmIdentifier
	switch s.key.(type) {
	case *rsa.PrivateKey:
		sigAlg = algorithmIdentifier{Algorithm: oidRSAEncryption, Parameters: asn1.NullRawValue}
	case *ecdsa.PrivateKey:
		sigAlg = algorithmIdentifier{Algorithm: h.ecdsa}
	default:
		return nil, fmt.Errorf("unsupported key type %T", s.key)
	}
	// RSA: PKCS#1 v1.5, deterministic. ECDSA: ASN.1 DER (r, s), made
	// deterministic (RFC 6979, nil random source) so that builds are
	// reproducible: the same key and module always give the same bytes.
	var random io.Reader = rand.Reader
	if _, ok := s.key.(*ecdsa.PrivateKey); ok {
		random = nil
	}
	sig, err := s.key.Sign(random, digest, h.hash)
	if err != nil {
		return nil, fmt.Errorf("signing with %s: %w", s.keyDesc, err)
	}
	return buildCMS(s.cert.RawIssuer, s.cert.SerialNumber, h, sigAlg, sig)
}

// Sign returns module signed with hashName ("" = s.Hash). An existing
// signature is replaced, never stacked. A module whose trailer is damaged is
// refused: strip it again from the unsigned build output.
func (s *Signer) Sign(module []byte, hashName string) ([]byte, error) {
	content := Strip(module)
	if _, _, err := splitSigned(content); err != nil && !errors.Is(err, ErrNotSigned) {
		return nil, fmt.Errorf("cannot re-sign: %w; start from the unsigned module (strip --strip-debug removes signatures)", err)
	}
	if len(content) == 0 {
		return nil, errors.New("module is empty")
	}
	cms, err := s.Signature(content, hashName)
	if err != nil {
		return nil, err
	}
	s.signed.Add(1)
	return Assemble(content, cms), nil
}

// SignFile signs the (uncompressed) module at path in place, atomically,
// keeping its permissions. Signing twice leaves one signature.
func (s *Signer) SignFile(path, hashName string) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("signing module: %w", err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("signing module: %w", err)
	}
	if isCompressed(data) {
		return fmt.Errorf("signing %s: the file is compressed; sign the uncompressed .ko, then compress (strip -> sign -> compress)", path)
	}
	if len(data) < 4 || string(data[:4]) != "\x7fELF" {
		return fmt.Errorf("signing %s: not an ELF kernel module", path)
	}
	out, err := s.Sign(data, hashName)
	if err != nil {
		return fmt.Errorf("signing %s: %w", path, err)
	}
	if err := fileutil.WriteAtomic(path, out, st.Mode().Perm()); err != nil {
		return fmt.Errorf("signing %s: writing the signed module: %w", path, err)
	}
	return nil
}

func isCompressed(b []byte) bool {
	switch {
	case len(b) >= 6 && string(b[:6]) == "\xfd7zXZ\x00":
		return true
	case len(b) >= 4 && string(b[:4]) == "\x28\xb5\x2f\xfd":
		return true
	case len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b:
		return true
	}
	return false
}
