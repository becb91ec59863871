// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package rpm

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"testing"

	"github.com/nfsbundle/nfsbundle/pkg"
	"github.com/nfsbundle/nfsbundle/pkg/internal/pkgtest"
)

func TestRPMPayloadIsRelative(t *testing.T) {
	in := pkgtest.Input(t, Packager{})
	in.RPM.SignKey = "testdata/rpm-signing-key.asc"
	out, err := pkg.Build(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(out.Path)
	sigLen, err := headerLen(raw[96:])
	if err != nil {
		t.Fatal(err)
	}
	hOff := 96 + sigLen + (8-sigLen%8)%8
	hLen, err := headerLen(raw[hOff:])
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw[hOff+hLen:]))
	if err != nil {
		t.Fatal(err)
	}
	archive, _ := io.ReadAll(zr)
	if bytes.Contains(archive, []byte("/lib/modules")) && !bytes.Contains(archive, []byte("./lib/modules/6.1.0-56-amd64/extra/nfsbundle/fs/b.ko\x00")) {
		t.Error("payload member names are not ./-relative")
	}
	if bytes.Contains(archive, []byte("\x00/lib/")) || bytes.Contains(archive, []byte("00000000/lib")) {
		t.Error("payload has an absolute member name")
	}
	if !bytes.Contains(raw[96:96+sigLen], []byte{0x00, 0x00, 0x01, 0x0c}) {
		t.Error("signature header has no RSA header signature (tag 268)")
	}
}

func TestRelativeCpioRejectsGarbage(t *testing.T) {
	if _, err := relativeCpio([]byte("not a cpio archive at all, clearly not one of those things....................................................................")); err == nil {
		t.Error("want an error")
	}
}
