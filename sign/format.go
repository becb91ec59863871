// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Package sign appends, reads and checks Linux kernel module signatures in
// the format scripts/sign-file writes, and makes Machine Owner Keys (MOK)
// for Secure Boot.
//
// A signed module is
//
//	module || CMS SignedData (DER) || struct module_signature (12 bytes) || "~Module signature appended~\n"
//
// The CMS blob is detached (no content), carries no certificates and no
// signed attributes, and names its signer by issuer and serial number. The
// 12-byte trailer struct is {algo=0, hash=0, id_type=2 (PKCS#7), signer_len=0,
// key_id_len=0, pad[3], sig_len (big endian)}; the kernel rejects any other
// values in the first fields.
package sign

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// Magic is the trailer the kernel looks for at the end of a signed module.
const Magic = "~Module signature appended~\n"

// trailerLen is sizeof(struct module_signature).
const trailerLen = 12

// idPKCS7 is module_signature.id_type for a PKCS#7/CMS signature.
const idPKCS7 = 2

// Errors returned by Parse and Verify (wrapped with details; test with
// errors.Is).
var (
	// ErrNotSigned: the module has no signature trailer.
	ErrNotSigned = errors.New("module is not signed")
	// ErrTruncated: a signature is present but shorter than it claims to be.
	ErrTruncated = errors.New("module signature is truncated")
	// ErrCorrupt: a signature is present but malformed.
	ErrCorrupt = errors.New("module signature is corrupt")
	// ErrMismatch: the signature is well formed but does not verify against
	// the given certificate (other signer or altered content).
	ErrMismatch = errors.New("module signature does not verify")
)

// trailer builds the 12-byte module_signature struct for a CMS blob of
// sigLen bytes.
func trailer(sigLen int) []byte {
	t := make([]byte, trailerLen)
	t[2] = idPKCS7
	binary.BigEndian.PutUint32(t[8:], uint32(sigLen))
	return t
}

// splitSigned locates the signature at the end of module. It returns the
// content that was signed, the CMS blob, or an error wrapping ErrNotSigned,
// ErrTruncated or ErrCorrupt. It checks the trailer struct exactly as the
// kernel's mod_check_sig does.
func splitSigned(module []byte) (content, cms []byte, err error) {
	if !bytes.HasSuffix(module, []byte(Magic)) {
		if n := magicPrefixSuffix(module); n > 0 {
			return nil, nil, fmt.Errorf("%w: file ends with %d of the %d bytes of %q", ErrTruncated, n, len(Magic), Magic)
		}
		if i := bytes.LastIndex(tail(module, 64<<10), []byte(Magic)); i >= 0 {
			return nil, nil, fmt.Errorf("%w: %q is followed by %d extra bytes", ErrCorrupt, Magic,
				len(tail(module, 64<<10))-i-len(Magic))
		}
		return nil, nil, ErrNotSigned
	}
	body := module[:len(module)-len(Magic)]
	if len(body) < trailerLen {
		return nil, nil, fmt.Errorf("%w: only %d bytes before the magic string, need %d for the signature header",
			ErrTruncated, len(body), trailerLen)
	}
	t := body[len(body)-trailerLen:]
	body = body[:len(body)-trailerLen]
	if t[2] != idPKCS7 {
		return nil, nil, fmt.Errorf("%w: signature id_type is %d, want %d (PKCS#7)", ErrCorrupt, t[2], idPKCS7)
	}
	if t[0] != 0 || t[1] != 0 || t[3] != 0 || t[4] != 0 || t[5] != 0 || t[6] != 0 || t[7] != 0 {
		return nil, nil, fmt.Errorf("%w: signature header has non-zero algo/hash/signer_len/key_id_len/pad fields (% x)",
			ErrCorrupt, t[:8])
	}
	sigLen := binary.BigEndian.Uint32(t[8:])
	if sigLen == 0 {
		return nil, nil, fmt.Errorf("%w: signature length is 0", ErrCorrupt)
	}
	if uint64(sigLen) > uint64(len(body)) {
		return nil, nil, fmt.Errorf("%w: header says %d signature bytes but only %d bytes precede it",
			ErrTruncated, sigLen, len(body))
	}
	cut := len(body) - int(sigLen)
	return body[:cut], body[cut:], nil
}

// magicPrefixSuffix returns n>=4 when module ends with the first n bytes of
// Magic (a file cut inside the trailer), else 0.
func magicPrefixSuffix(module []byte) int {
	for n := len(Magic) - 1; n >= 4; n-- {
		if bytes.HasSuffix(module, []byte(Magic[:n])) {
			return n
		}
	}
	return 0
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// IsSigned reports whether module ends with the signature magic string.
func IsSigned(module []byte) bool {
	return bytes.HasSuffix(module, []byte(Magic))
}

// Strip returns module without its appended signature(s). A module signed
// twice (sign-file appends blindly) loses both. A module whose trailer is
// unreadable is returned unchanged; use Parse to find out why.
func Strip(module []byte) []byte {
	for {
		content, _, err := splitSigned(module)
		if err != nil {
			return module
		}
		module = content
	}
}

// Assemble returns content || cms || trailer || Magic.
func Assemble(content, cms []byte) []byte {
	out := make([]byte, 0, len(content)+len(cms)+trailerLen+len(Magic))
	out = append(out, content...)
	out = append(out, cms...)
	out = append(out, trailer(len(cms))...)
	return append(out, Magic...)
}
