// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package modinfo

import (
	"debug/elf"
	"encoding/binary"
	"encoding/hex"
)

// BuildID returns the hex GNU build-id of a module (its .note.gnu.build-id
// section), or "" when it has none. The kernel shows the same note as
// /sys/module/<name>/notes/.note.gnu.build-id.
func BuildID(f *elf.File) string {
	s := f.Section(".note.gnu.build-id")
	if s == nil {
		return ""
	}
	b, err := s.Data()
	if err != nil {
		return ""
	}
	return NoteDesc(b, f.ByteOrder)
}

// NoteDesc returns the hex descriptor of the first ELF note in b (namesz,
// descsz, type, name padded to 4, desc), or "" when b is too short.
func NoteDesc(b []byte, bo binary.ByteOrder) string {
	if len(b) < 12 {
		return ""
	}
	namesz, descsz := bo.Uint32(b[0:]), bo.Uint32(b[4:])
	off := 12 + (int(namesz)+3)&^3
	if off+int(descsz) > len(b) {
		return ""
	}
	return hex.EncodeToString(b[off : off+int(descsz)])
}
