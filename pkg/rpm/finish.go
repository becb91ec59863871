// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package rpm

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strconv"

	"github.com/klauspost/compress/gzip"
)

// rpmpack writes payload (cpio) member names as absolute paths
// ("/lib/modules/..."). rpm itself takes the paths from the header, but every
// tool that unpacks the payload directly (rpm2cpio | cpio -id, as rpmlint
// does) then writes into the real root. finishRPM rewrites the payload with
// rpmbuild's "./"-relative names, recompresses it, updates the header's
// payload digest in place and writes a fresh signature header (SHA-1,
// SHA-256 and MD5 digests like rpmbuild, plus an OpenPGP header signature
// when a signer is given).

const (
	rpmTypeInt32  = 4
	rpmTypeString = 6
	rpmTypeBin    = 7

	rpmSigRSA         = 268
	rpmSigSHA1        = 269
	rpmSigSHA256      = 273
	rpmSigSize        = 1000
	rpmSigMD5         = 1004
	rpmSigPayloadSize = 1007
	rpmTagPayloadDig  = 5092
	rpmSigRegion      = 62
)

var rpmHeaderMagic = []byte{0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0}

// headerLen returns the length of the header structure at b.
func headerLen(b []byte) (int, error) {
	if len(b) < 16 || !bytes.Equal(b[:8], rpmHeaderMagic) {
		return 0, fmt.Errorf("not an RPM header")
	}
	n := int(binary.BigEndian.Uint32(b[8:12]))
	size := int(binary.BigEndian.Uint32(b[12:16]))
	l := 16 + 16*n + size
	if l > len(b) {
		return 0, fmt.Errorf("truncated RPM header")
	}
	return l, nil
}

func finishRPM(raw []byte, signer func([]byte) ([]byte, error)) ([]byte, error) {
	const leadLen = 96
	if len(raw) < leadLen {
		return nil, fmt.Errorf("rpm too short")
	}
	sigLen, err := headerLen(raw[leadLen:])
	if err != nil {
		return nil, fmt.Errorf("signature header: %w", err)
	}
	hOff := leadLen + sigLen + (8-sigLen%8)%8
	hLen, err := headerLen(raw[hOff:])
	if err != nil {
		return nil, fmt.Errorf("main header: %w", err)
	}
	hdr := append([]byte(nil), raw[hOff:hOff+hLen]...)
	zr, err := gzip.NewReader(bytes.NewReader(raw[hOff+hLen:]))
	if err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	archive, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	archive, err = relativeCpio(archive)
	if err != nil {
		return nil, err
	}
	var payload bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&payload, gzip.DefaultCompression)
	if _, err := zw.Write(archive); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(payload.Bytes())
	if err := setHeaderString(hdr, rpmTagPayloadDig, hex.EncodeToString(sum[:])); err != nil {
		return nil, err
	}

	sig := map[int]rpmEntry{}
	s1 := sha1.Sum(hdr)
	s256 := sha256.Sum256(hdr)
	m := md5.New()
	m.Write(hdr)
	m.Write(payload.Bytes())
	sig[rpmSigSHA1] = rpmEntry{rpmTypeString, 1, append([]byte(hex.EncodeToString(s1[:])), 0)}
	sig[rpmSigSHA256] = rpmEntry{rpmTypeString, 1, append([]byte(hex.EncodeToString(s256[:])), 0)}
	sig[rpmSigSize] = int32Entry(uint32(len(hdr) + payload.Len()))
	sig[rpmSigMD5] = rpmEntry{rpmTypeBin, 16, m.Sum(nil)}
	sig[rpmSigPayloadSize] = int32Entry(uint32(len(archive)))
	if signer != nil {
		s, err := signer(hdr)
		if err != nil {
			return nil, fmt.Errorf("signing the RPM header: %w", err)
		}
		sig[rpmSigRSA] = rpmEntry{rpmTypeBin, len(s), s}
	}
	sigHdr := encodeHeader(rpmSigRegion, sig)

	var out bytes.Buffer
	out.Write(raw[:leadLen])
	out.Write(sigHdr)
	out.Write(make([]byte, (8-len(sigHdr)%8)%8))
	out.Write(hdr)
	out.Write(payload.Bytes())
	return out.Bytes(), nil
}

type rpmEntry struct {
	typ, count int
	data       []byte
}

func int32Entry(v uint32) rpmEntry {
	b := make([]byte, 4)
	binary.BigEndian.PutUint32(b, v)
	return rpmEntry{rpmTypeInt32, 1, b}
}

// encodeHeader writes a header structure with a region tag.
func encodeHeader(region int, entries map[int]rpmEntry) []byte {
	tags := make([]int, 0, len(entries))
	for t := range entries {
		tags = append(tags, t)
	}
	sort.Ints(tags)
	var store bytes.Buffer
	offs := make([]int, len(tags))
	for i, t := range tags {
		e := entries[t]
		if e.typ == rpmTypeInt32 {
			for store.Len()%4 != 0 {
				store.WriteByte(0)
			}
		}
		offs[i] = store.Len()
		store.Write(e.data)
	}
	n := len(tags) + 1
	trailer := make([]byte, 16)
	binary.BigEndian.PutUint32(trailer[0:], uint32(region))
	binary.BigEndian.PutUint32(trailer[4:], rpmTypeBin)
	binary.BigEndian.PutUint32(trailer[8:], uint32(int32(-16*n)))
	binary.BigEndian.PutUint32(trailer[12:], 16)
	trailerOff := store.Len()
	store.Write(trailer)

	var b bytes.Buffer
	b.Write(rpmHeaderMagic)
	binary.Write(&b, binary.BigEndian, []uint32{uint32(n), uint32(store.Len())})
	binary.Write(&b, binary.BigEndian, []uint32{uint32(region), rpmTypeBin, uint32(trailerOff), 16})
	for i, t := range tags {
		e := entries[t]
		binary.Write(&b, binary.BigEndian, []uint32{uint32(t), uint32(e.typ), uint32(offs[i]), uint32(e.count)})
	}
	b.Write(store.Bytes())
	return b.Bytes()
}

// setHeaderString overwrites the first string of tag in hdr with v, which
// must have the same length as the old value.
func setHeaderString(hdr []byte, tag int, v string) error {
	n := int(binary.BigEndian.Uint32(hdr[8:12]))
	store := 16 + 16*n
	for i := 0; i < n; i++ {
		e := hdr[16+16*i:]
		if int(binary.BigEndian.Uint32(e[0:4])) != tag {
			continue
		}
		off := store + int(binary.BigEndian.Uint32(e[8:12]))
		end := bytes.IndexByte(hdr[off:], 0)
		if end != len(v) {
			return fmt.Errorf("header tag %d: value length %d, new %d", tag, end, len(v))
		}
		copy(hdr[off:], v)
		return nil
	}
	return fmt.Errorf("header tag %d not found", tag)
}

// relativeCpio rewrites a newc cpio archive so member names are "./"-relative.
func relativeCpio(a []byte) ([]byte, error) {
	var out bytes.Buffer
	out.Grow(len(a) + 4096)
	pad4 := func(n int) int { return (4 - n%4) % 4 }
	for off := 0; ; {
		if off+110 > len(a) || string(a[off:off+6]) != "070701" {
			return nil, fmt.Errorf("payload: bad cpio header at offset %d", off)
		}
		h := a[off : off+110]
		field := func(i int) (int, error) {
			v, err := strconv.ParseUint(string(h[6+8*i:14+8*i]), 16, 32)
			return int(v), err
		}
		size, err1 := field(6)
		nameSize, err2 := field(11)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("payload: bad cpio header at offset %d", off)
		}
		nameOff := off + 110
		name := string(a[nameOff : nameOff+nameSize-1])
		dataOff := nameOff + nameSize + pad4(110+nameSize)
		next := dataOff + size + pad4(size)
		if next > len(a) {
			return nil, fmt.Errorf("payload: truncated cpio member %s", name)
		}
		if len(name) > 0 && name[0] == '/' {
			name = "." + name
		}
		out.Write(h[:6+8*11])
		fmt.Fprintf(&out, "%08X", len(name)+1)
		out.Write(h[6+8*12 : 110])
		out.WriteString(name)
		out.WriteByte(0)
		out.Write(make([]byte, pad4(110+len(name)+1)))
		out.Write(a[dataOff : dataOff+size])
		out.Write(make([]byte, pad4(size)))
		off = next
		if name == "TRAILER!!!" {
			return out.Bytes(), nil
		}
	}
}
