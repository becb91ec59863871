// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package sign

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"os"
)

// Verify checks the signature appended to module against cert: the signer
// named in the signature must be cert (issuer+serial or subject key id) and
// the signature must verify over the module content. Errors wrap
// ErrNotSigned, ErrTruncated, ErrCorrupt or ErrMismatch.
func Verify(module []byte, cert *x509.Certificate) error {
	info, err := Parse(module)
	if err != nil {
		return err
	}
	return verifyInfo(module[:info.ContentLen], info, cert)
}

func verifyInfo(content []byte, info *Info, cert *x509.Certificate) error {
	switch {
	case info.skid != nil:
		if !bytes.Equal(info.skid, cert.SubjectKeyId) {
			return fmt.Errorf("%w: signed by key id %s, certificate %q has key id %s",
				ErrMismatch, colonHex(info.skid), cert.Subject.String(), colonHex(cert.SubjectKeyId))
		}
	default:
		if !bytes.Equal(info.rawIssuer, cert.RawIssuer) || info.Serial == nil || info.Serial.Cmp(cert.SerialNumber) != 0 {
			return fmt.Errorf("%w: signed by %q serial %s, not by certificate %q serial %s",
				ErrMismatch, info.Issuer, info.KeyIDString(), cert.Issuer.String(), colonHex(cert.SerialNumber.Bytes()))
		}
	}
	d := info.hash.hash.New()
	d.Write(content)
	digest := d.Sum(nil)
	if info.signedAttrs != nil {
		in, err := signedAttrsDigestInput(info.signedAttrs, digest)
		if err != nil {
			return err
		}
		d = info.hash.hash.New()
		d.Write(in)
		digest = d.Sum(nil)
	}
	switch pub := cert.PublicKey.(type) {
	case *rsa.PublicKey:
		if info.KeyAlgo != "rsa" {
			return fmt.Errorf("%w: signature is %s but the certificate key is RSA", ErrMismatch, info.KeyAlgo)
		}
		if err := rsa.VerifyPKCS1v15(pub, info.hash.hash, digest, info.Signature); err != nil {
			return fmt.Errorf("%w: RSA %s signature check failed (module altered or signed by another key)", ErrMismatch, info.HashAlgo)
		}
	case *ecdsa.PublicKey:
		if info.KeyAlgo != "ecdsa" {
			return fmt.Errorf("%w: signature is %s but the certificate key is ECDSA", ErrMismatch, info.KeyAlgo)
		}
		if !ecdsa.VerifyASN1(pub, digest, info.Signature) {
			return fmt.Errorf("%w: ECDSA %s signature check failed (module altered or signed by another key)", ErrMismatch, info.HashAlgo)
		}
	default:
		return fmt.Errorf("certificate %q has unsupported key type %T", cert.Subject.String(), cert.PublicKey)
	}
	return nil
}

// LoadCertificate reads a DER or PEM X.509 certificate.
func LoadCertificate(path string) (*x509.Certificate, error) {
	return readCertificate(path)
}

// VerifyFile parses and, when cert is non-nil, verifies the module at path
// (plain, or compressed with xz, zstd or gzip).
// Info is returned whenever the signature could be parsed.
func VerifyFile(path string, cert *x509.Certificate) (*Info, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if data, err = Decompress(data); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	info, err := Parse(data)
	if err != nil {
		return nil, err
	}
	if cert == nil {
		return info, nil
	}
	return info, verifyInfo(data[:info.ContentLen], info, cert)
}

// CertSerial formats a certificate's serial number as modinfo prints
// sig_key ("1B:98:...").
func CertSerial(c *x509.Certificate) string { return colonHex(c.SerialNumber.Bytes()) }
