// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package rpm

import (
	"bytes"
	"crypto"
	"fmt"
	"os"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// SignKeyEnv names an ASCII-armored OpenPGP private key (no passphrase) to
// sign RPM headers with; cmd/build reads it into pkg.RPMOptions.SignKey.
const SignKeyEnv = "NFSBUNDLE_RPM_SIGN_KEY"

// OpenPGPSigner loads an armored, unencrypted OpenPGP private key and
// returns a function producing detached binary signatures dated t. RSA
// signatures (PKCS#1 v1.5) are deterministic: same key, time and input give
// the same bytes, which keeps signed packages reproducible.
func OpenPGPSigner(keyFile string, t time.Time) (func([]byte) ([]byte, error), error) {
	f, err := os.Open(keyFile)
	if err != nil {
		return nil, fmt.Errorf("RPM signing key: %w", err)
	}
	defer f.Close()
	ring, err := openpgp.ReadArmoredKeyRing(f)
	if err != nil {
		return nil, fmt.Errorf("RPM signing key %s: %w (want an ASCII-armored OpenPGP private key: gpg --armor --export-secret-keys KEYID)", keyFile, err)
	}
	var signer *openpgp.Entity
	for _, e := range ring {
		if e.PrivateKey != nil {
			signer = e
			break
		}
	}
	if signer == nil {
		return nil, fmt.Errorf("RPM signing key %s holds no private key", keyFile)
	}
	if signer.PrivateKey.Encrypted {
		return nil, fmt.Errorf("RPM signing key %s is passphrase-protected: export an unprotected copy for the build, or sign afterwards with rpmsign --addsign", keyFile)
	}
	// A signature may not predate its key: when SOURCE_DATE_EPOCH is older
	// than the key, date the signature when the key became valid (still a
	// fixed value, so builds stay reproducible).
	if kt := keyValidFrom(signer); t.Before(kt) {
		t = kt
	}
	no := false
	cfg := &packet.Config{
		DefaultHash:                           crypto.SHA256,
		Time:                                  func() time.Time { return t },
		NonDeterministicSignaturesViaNotation: &no,
	}
	return func(data []byte) ([]byte, error) {
		var sig bytes.Buffer
		if err := openpgp.DetachSign(&sig, signer, bytes.NewReader(data), cfg); err != nil {
			return nil, err
		}
		return sig.Bytes(), nil
	}, nil
}

func keyValidFrom(e *openpgp.Entity) time.Time {
	t := e.PrimaryKey.CreationTime
	later := func(u time.Time) {
		if u.After(t) {
			t = u
		}
	}
	for _, id := range e.Identities {
		if id.SelfSignature != nil {
			later(id.SelfSignature.CreationTime)
		}
	}
	for _, sk := range e.Subkeys {
		later(sk.PublicKey.CreationTime)
		if sk.Sig != nil {
			later(sk.Sig.CreationTime)
		}
	}
	return t
}
