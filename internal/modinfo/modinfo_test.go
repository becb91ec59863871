// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package modinfo

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// testdata/a.ko is a tiny relocatable ELF (a copy of vmtest's fixture) with
// a .modinfo section and a GNU build-id note.

func TestParse(t *testing.T) {
	info := Parse([]byte("license=GPL\x00depends=b,c\x00parm=x:int\x00parm=y:bool\x00junk\x00=noval\x00\x00"))
	if info.First("license") != "GPL" || info.First("depends") != "b,c" || info.First("missing") != "" {
		t.Errorf("Parse = %v", info)
	}
	if !slices.Equal(info["parm"], []string{"x:int", "y:bool"}) {
		t.Errorf("parm = %q", info["parm"])
	}
	if _, ok := info[""]; ok || len(info) != 3 {
		t.Errorf("junk entries kept: %v", info)
	}
}

func compressors(t *testing.T) map[string]func(io.Writer) io.WriteCloser {
	return map[string]func(io.Writer) io.WriteCloser{
		".gz": func(w io.Writer) io.WriteCloser { return gzip.NewWriter(w) },
		".xz": func(w io.Writer) io.WriteCloser {
			zw, err := xz.NewWriter(w)
			if err != nil {
				t.Fatal(err)
			}
			return zw
		},
		".zst": func(w io.Writer) io.WriteCloser {
			zw, err := zstd.NewWriter(w)
			if err != nil {
				t.Fatal(err)
			}
			return zw
		},
	}
}

func TestReadFileCompressed(t *testing.T) {
	plain, err := os.ReadFile("testdata/a.ko")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	paths := []string{"testdata/a.ko"}
	for ext, newW := range compressors(t) {
		var buf bytes.Buffer
		zw := newW(&buf)
		zw.Write(plain)
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, "a.ko"+ext)
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	for _, p := range paths {
		data, err := ReadModule(p)
		if err != nil || !bytes.Equal(data, plain) {
			t.Errorf("ReadModule(%s): %d bytes, %v", p, len(data), err)
		}
		info, err := ReadFile(p)
		if err != nil {
			t.Fatalf("ReadFile(%s): %v", p, err)
		}
		if info.First("name") != "a" || info.First("depends") != "b,c" || info.First("srcversion") != "AAA" {
			t.Errorf("ReadFile(%s) = %v", p, info)
		}
		f, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		if id := BuildID(f); len(id) != 40 {
			t.Errorf("BuildID(%s) = %q", p, id)
		}
	}
	if info, err := Read(bytes.NewReader(plain)); err != nil || info.First("name") != "a" {
		t.Errorf("Read = %v, %v", info, err)
	}
}

func TestReadFileErrors(t *testing.T) {
	dir := t.TempDir()
	notELF := filepath.Join(dir, "x.ko")
	os.WriteFile(notELF, []byte("not a module"), 0o644)
	badXZ := filepath.Join(dir, "y.ko.xz")
	os.WriteFile(badXZ, []byte("\xfd7zXZ\x00garbage"), 0o644)
	for _, p := range []string{notELF, badXZ, filepath.Join(dir, "missing.ko")} {
		if _, err := ReadFile(p); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("ReadFile(%s) error = %v, want one naming the file", p, err)
		}
	}
	if _, err := Read(bytes.NewReader([]byte("not elf"))); err == nil {
		t.Error("Read accepted a non-ELF")
	}
}

func TestDecompressPassThrough(t *testing.T) {
	in := []byte("\x7fELF...")
	if out, err := Decompress(in); err != nil || !bytes.Equal(out, in) {
		t.Errorf("Decompress(plain) = %q, %v", out, err)
	}
}

func TestNoteDesc(t *testing.T) {
	// namesz 4 ("GNU\0"), descsz 4, type 3, desc de ad be ef
	b := []byte{4, 0, 0, 0, 4, 0, 0, 0, 3, 0, 0, 0, 'G', 'N', 'U', 0, 0xde, 0xad, 0xbe, 0xef}
	if got := NoteDesc(b, binary.LittleEndian); got != "deadbeef" {
		t.Errorf("NoteDesc = %q", got)
	}
	if got := NoteDesc(b[:10], binary.LittleEndian); got != "" {
		t.Errorf("short note = %q", got)
	}
	if got := NoteDesc(b[:18], binary.LittleEndian); got != "" {
		t.Errorf("truncated desc = %q", got)
	}
}
