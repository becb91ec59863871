// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package sign

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzParse feeds arbitrary module tails to Parse, Strip and Verify. Run
// with: go test ./sign -run '^$' -fuzz FuzzParse -fuzztime 60s
// The seed corpus is the signed fixtures plus testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"tiny.ko.rsa-sha256", "tiny.ko.rsa-sha1", "tiny.ko.ec256-sha256", "tiny.ko.rsa-keyid"} {
		mod := readTD(f, name)
		// Keep the seeds small: the interesting part is the tail.
		f.Add(mod[len(mod)-700:])
		f.Add(mod[len(mod)-300:])
		f.Add(mod[:len(mod)-3])
	}
	f.Add([]byte(Magic))
	f.Add(append(trailer(3), Magic...))
	f.Add(append([]byte{0x30, 0x80, 0, 0}, append(trailer(4), Magic...)...))
	cert := mustCert(f, "rsa.der")
	ecCert := mustCert(f, "ec256.der")

	f.Fuzz(func(t *testing.T, in []byte) {
		info, err := Parse(in)
		stripped := Strip(in)
		if !bytes.HasPrefix(in, stripped) {
			t.Fatal("Strip result is not a prefix of its input")
		}
		if err != nil {
			n := 0
			for _, e := range []error{ErrNotSigned, ErrTruncated, ErrCorrupt} {
				if errors.Is(err, e) {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("error %v matches %d of the sentinel errors", err, n)
			}
			if errors.Is(err, ErrNotSigned) && len(stripped) != len(in) {
				t.Fatal("Strip cut an unsigned module")
			}
			return
		}
		if info.ContentLen+info.SigLen+trailerLen+len(Magic) != len(in) {
			t.Fatalf("lengths %d+%d+%d != %d", info.ContentLen, info.SigLen, trailerLen+len(Magic), len(in))
		}
		if !bytes.Equal(Assemble(in[:info.ContentLen], in[info.ContentLen:info.ContentLen+info.SigLen]), in) {
			t.Fatal("re-assembling the parsed parts does not give the input")
		}
		if len(stripped) > info.ContentLen {
			t.Fatal("Strip kept a parsable signature")
		}
		if info.HashAlgo == "" || info.KeyAlgo == "" || len(info.Signature) == 0 {
			t.Fatalf("incomplete info %+v", info)
		}
		_ = info.KeyIDString()
		_ = Verify(in, cert)
		_ = Verify(in, ecCert)
	})
}
