// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package sign

import (
	"bytes"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/pbkdf2"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"hash"
	"os"
	"strings"
)

// ErrPINRequired: the private key is encrypted and no passphrase was given.
var ErrPINRequired = errors.New("private key is encrypted and KBUILD_SIGN_PIN is not set")

// ErrWrongPIN: the passphrase did not decrypt the private key.
var ErrWrongPIN = errors.New("private key could not be decrypted: wrong KBUILD_SIGN_PIN")

// readPrivateKey loads a private key from PEM (PKCS#8, PKCS#1, SEC1,
// encrypted PKCS#8 or legacy OpenSSL-encrypted) or DER (same forms). A
// certificate or public key given instead is reported as such.
func readPrivateKey(path, pin string) (crypto.Signer, error) {
	if strings.HasPrefix(path, "pkcs11:") {
		return nil, fmt.Errorf("private key %q: PKCS#11 URIs are not supported by the native signer; export the key to a PEM file", path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading private key: %w", err)
	}
	defer wipe(data)
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("private key %s is empty", path)
	}
	if bytes.Contains(data, []byte("-----BEGIN ")) {
		rest := data
		var seen []string
		for {
			var b *pem.Block
			b, rest = pem.Decode(rest)
			if b == nil {
				break
			}
			seen = append(seen, b.Type)
			switch b.Type {
			case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY":
			default:
				continue
			}
			der := b.Bytes
			//lint:ignore SA1019 legacy "Proc-Type: 4,ENCRYPTED" keys are still written by openssl rsa -aes256.
			if x509.IsEncryptedPEMBlock(b) { //nolint:staticcheck
				if pin == "" {
					return nil, fmt.Errorf("%s: %w; export KBUILD_SIGN_PIN with the key's passphrase", path, ErrPINRequired)
				}
				//lint:ignore SA1019 see above
				d, err := x509.DecryptPEMBlock(b, []byte(pin)) //nolint:staticcheck
				if err != nil {
					return nil, fmt.Errorf("%s: %w", path, ErrWrongPIN)
				}
				defer wipe(d)
				k, err := parseKeyDER(d, "", path)
				if err != nil {
					// Legacy PEM encryption has no integrity check: a wrong
					// passphrase can decrypt to garbage.
					return nil, fmt.Errorf("%s: %w", path, ErrWrongPIN)
				}
				return k, nil
			}
			return parseKeyDER(der, pin, path)
		}
		if len(seen) == 0 {
			return nil, fmt.Errorf("private key %s: PEM armour found but no block could be decoded", path)
		}
		if contains(seen, "CERTIFICATE") {
			return nil, fmt.Errorf("private key %s holds a certificate, not a private key: were the key and certificate swapped? (pass the private key as --sign-key/MODULE_SIGN_PRIV_KEY)", path)
		}
		return nil, fmt.Errorf("private key %s holds no private key (PEM blocks: %s)", path, strings.Join(seen, ", "))
	}
	if _, err := x509.ParseCertificate(data); err == nil {
		return nil, fmt.Errorf("private key %s is a DER certificate, not a private key: were the key and certificate swapped? (pass the private key as --sign-key/MODULE_SIGN_PRIV_KEY)", path)
	}
	return parseKeyDER(data, pin, path)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func wipe(b []byte) {
	for i := range b {
		b[i] = 0
	}
}

// parseKeyDER tries every DER private key form.
func parseKeyDER(der []byte, pin, path string) (crypto.Signer, error) {
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		return asSigner(k, path)
	}
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return k, nil
	}
	if k, err := x509.ParseECPrivateKey(der); err == nil {
		return k, nil
	}
	var epki encryptedPrivateKeyInfo
	if rest, err := asn1.Unmarshal(der, &epki); err == nil && len(rest) == 0 && len(epki.EncryptedData) > 0 {
		if pin == "" {
			return nil, fmt.Errorf("%s: %w; export KBUILD_SIGN_PIN with the key's passphrase", path, ErrPINRequired)
		}
		plain, err := decryptPKCS8(&epki, pin)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		defer wipe(plain)
		k, err := x509.ParsePKCS8PrivateKey(plain)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, ErrWrongPIN)
		}
		return asSigner(k, path)
	}
	if _, err := x509.ParsePKIXPublicKey(der); err == nil {
		return nil, fmt.Errorf("private key %s is a public key: pass the private key as --sign-key/MODULE_SIGN_PRIV_KEY", path)
	}
	return nil, fmt.Errorf("private key %s: not a PEM or DER private key (PKCS#8, PKCS#1 or SEC1)", path)
}

func asSigner(k any, path string) (crypto.Signer, error) {
	switch k := k.(type) {
	case *rsa.PrivateKey:
		return k, nil
	case *ecdsa.PrivateKey:
		return k, nil
	case ed25519.PrivateKey:
		return nil, fmt.Errorf("private key %s is Ed25519: Linux module signatures need an RSA or ECDSA key", path)
	default:
		return nil, fmt.Errorf("private key %s has unsupported type %T: Linux module signatures need an RSA or ECDSA key", path, k)
	}
}

// checkKeyType rejects keys the kernel cannot verify.
func checkKeyType(k crypto.Signer, path string) (desc string, err error) {
	switch k := k.(type) {
	case *rsa.PrivateKey:
		bits := k.N.BitLen()
		if bits < 2048 {
			return "", fmt.Errorf("private key %s is RSA-%d: use an RSA key of at least 2048 bits (./build.sh keygen makes one)", path, bits)
		}
		return fmt.Sprintf("RSA-%d", bits), nil
	case *ecdsa.PrivateKey:
		switch k.Curve {
		case elliptic.P256(), elliptic.P384():
			return "ECDSA-" + k.Curve.Params().Name, nil
		}
		return "", fmt.Errorf("private key %s is ECDSA on %s: kernels verify module signatures only on P-256 and P-384",
			path, k.Curve.Params().Name)
	}
	return "", fmt.Errorf("private key %s has unsupported type %T: Linux module signatures need an RSA or ECDSA key", path, k)
}

// readCertificate loads an X.509 certificate in DER or PEM (first
// CERTIFICATE block), whatever the file name says.
func readCertificate(path string) (*x509.Certificate, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading certificate: %w", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("certificate %s is empty", path)
	}
	if bytes.Contains(data, []byte("-----BEGIN ")) {
		rest := data
		var seen []string
		for {
			var b *pem.Block
			b, rest = pem.Decode(rest)
			if b == nil {
				break
			}
			seen = append(seen, b.Type)
			if b.Type == "CERTIFICATE" {
				c, err := x509.ParseCertificate(b.Bytes)
				if err != nil {
					return nil, fmt.Errorf("certificate %s: %w", path, err)
				}
				return c, nil
			}
		}
		for _, t := range seen {
			if strings.Contains(t, "PRIVATE KEY") {
				return nil, fmt.Errorf("certificate %s holds a private key, not a certificate: were the key and certificate swapped? (pass the certificate as --sign-cert/MODULE_SIGN_PUB_KEY)", path)
			}
		}
		if contains(seen, "PUBLIC KEY") {
			return nil, fmt.Errorf("certificate %s holds a bare public key: module signing needs the X.509 certificate (e.g. MOK.der)", path)
		}
		return nil, fmt.Errorf("certificate %s holds no CERTIFICATE PEM block", path)
	}
	c, err := x509.ParseCertificate(data)
	if err == nil {
		return c, nil
	}
	if _, kerr := parseKeyDER(data, "", path); kerr == nil || errors.Is(kerr, ErrPINRequired) {
		return nil, fmt.Errorf("certificate %s is a DER private key, not a certificate: were the key and certificate swapped? (pass the certificate as --sign-cert/MODULE_SIGN_PUB_KEY)", path)
	}
	return nil, fmt.Errorf("certificate %s: not a DER or PEM X.509 certificate: %v", path, err)
}

// PKCS#8 encryption (RFC 8018 PBES2), as written by openssl genpkey -aes256,
// openssl pkcs8 -topk8 and openssl req without -nodes.
var (
	oidPBES2      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidHMACSHA1   = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}
	oidHMACSHA224 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 8}
	oidHMACSHA256 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	oidHMACSHA384 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 10}
	oidHMACSHA512 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 11}
	oidAES128CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}
	oidAES192CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}
	oidAES256CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
	oidDESEDE3CBC = asn1.ObjectIdentifier{1, 2, 840, 113549, 3, 7}
	oidScrypt     = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11591, 4, 11}
)

type encryptedPrivateKeyInfo struct {
	Algorithm     algorithmIdentifier
	EncryptedData []byte
}

type pbes2Params struct {
	KDF algorithmIdentifier
	Enc algorithmIdentifier
}

type pbkdf2Params struct {
	Salt      []byte
	Iter      int
	KeyLength int                 `asn1:"optional"`
	PRF       algorithmIdentifier `asn1:"optional"`
}

func decryptPKCS8(e *encryptedPrivateKeyInfo, pin string) ([]byte, error) {
	if !e.Algorithm.Algorithm.Equal(oidPBES2) {
		return nil, fmt.Errorf("encrypted private key uses %v; only PBES2 is supported: re-encrypt with 'openssl pkcs8 -topk8 -v2 aes256'", e.Algorithm.Algorithm)
	}
	var p pbes2Params
	if _, err := asn1.Unmarshal(e.Algorithm.Parameters.FullBytes, &p); err != nil {
		return nil, fmt.Errorf("encrypted private key: bad PBES2 parameters: %v", err)
	}
	if p.KDF.Algorithm.Equal(oidScrypt) {
		return nil, errors.New("encrypted private key uses scrypt; re-encrypt with 'openssl pkcs8 -topk8 -v2 aes256' (PBKDF2)")
	}
	if !p.KDF.Algorithm.Equal(oidPBKDF2) {
		return nil, fmt.Errorf("encrypted private key uses key derivation %v; only PBKDF2 is supported", p.KDF.Algorithm)
	}
	var kp pbkdf2Params
	if _, err := asn1.Unmarshal(p.KDF.Parameters.FullBytes, &kp); err != nil {
		return nil, fmt.Errorf("encrypted private key: bad PBKDF2 parameters: %v", err)
	}
	var prf func() hash.Hash
	switch {
	case len(kp.PRF.Algorithm) == 0, kp.PRF.Algorithm.Equal(oidHMACSHA1):
		prf = sha1.New
	case kp.PRF.Algorithm.Equal(oidHMACSHA224):
		prf = sha256.New224
	case kp.PRF.Algorithm.Equal(oidHMACSHA256):
		prf = sha256.New
	case kp.PRF.Algorithm.Equal(oidHMACSHA384):
		prf = sha512.New384
	case kp.PRF.Algorithm.Equal(oidHMACSHA512):
		prf = sha512.New
	default:
		return nil, fmt.Errorf("encrypted private key uses unsupported PBKDF2 PRF %v", kp.PRF.Algorithm)
	}
	var keyLen int
	var newBlock func([]byte) (cipher.Block, error)
	switch {
	case p.Enc.Algorithm.Equal(oidAES128CBC):
		keyLen, newBlock = 16, aes.NewCipher
	case p.Enc.Algorithm.Equal(oidAES192CBC):
		keyLen, newBlock = 24, aes.NewCipher
	case p.Enc.Algorithm.Equal(oidAES256CBC):
		keyLen, newBlock = 32, aes.NewCipher
	case p.Enc.Algorithm.Equal(oidDESEDE3CBC):
		keyLen, newBlock = 24, des.NewTripleDESCipher
	default:
		return nil, fmt.Errorf("encrypted private key uses unsupported cipher %v (supported: AES-CBC, DES-EDE3-CBC)", p.Enc.Algorithm)
	}
	if kp.KeyLength != 0 && kp.KeyLength != keyLen {
		return nil, fmt.Errorf("encrypted private key: PBKDF2 key length %d does not match the cipher", kp.KeyLength)
	}
	var iv []byte
	if _, err := asn1.Unmarshal(p.Enc.Parameters.FullBytes, &iv); err != nil {
		return nil, fmt.Errorf("encrypted private key: bad cipher IV: %v", err)
	}
	if kp.Iter <= 0 || kp.Iter > 1<<24 {
		return nil, fmt.Errorf("encrypted private key: implausible PBKDF2 iteration count %d", kp.Iter)
	}
	key, err := pbkdf2.Key(prf, pin, kp.Salt, kp.Iter, keyLen)
	if err != nil {
		return nil, fmt.Errorf("encrypted private key: deriving the key: %v", err)
	}
	defer wipe(key)
	block, err := newBlock(key)
	if err != nil {
		return nil, err
	}
	bs := block.BlockSize()
	if len(iv) != bs || len(e.EncryptedData)%bs != 0 || len(e.EncryptedData) == 0 {
		return nil, errors.New("encrypted private key: ciphertext or IV has the wrong size")
	}
	plain := make([]byte, len(e.EncryptedData))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(plain, e.EncryptedData)
	pad := int(plain[len(plain)-1])
	if pad == 0 || pad > bs || pad > len(plain) {
		wipe(plain)
		return nil, ErrWrongPIN
	}
	for _, c := range plain[len(plain)-pad:] {
		if int(c) != pad {
			wipe(plain)
			return nil, ErrWrongPIN
		}
	}
	return plain[:len(plain)-pad], nil
}
