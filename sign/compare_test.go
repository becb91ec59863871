// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package sign

import (
	"bytes"
	"encoding/asn1"
	"fmt"
)

// sigFields splits a signed module into the fields scripts/sign-file
// writes, each as raw DER (or raw bytes), so two signatures can be compared
// field by field.
func sigFields(module []byte) ([][2]string, error) {
	content, blob, err := splitSigned(module)
	if err != nil {
		return nil, err
	}
	t := module[len(module)-len(Magic)-trailerLen : len(module)-len(Magic)]
	fields := [][2]string{
		{"content (module bytes signed)", fmt.Sprintf("%d bytes, sha-prefix %x", len(content), firstN(content, 16))},
		{"module_signature struct", fmt.Sprintf("% x", t)},
	}
	var ci contentInfo
	if _, err := asn1.Unmarshal(blob, &ci); err != nil {
		return nil, err
	}
	fields = append(fields,
		[2]string{"ContentInfo header", fmt.Sprintf("% x", blob[:len(blob)-len(ci.Content.FullBytes)])},
		[2]string{"ContentInfo.contentType", ci.ContentType.String()},
		[2]string{"[0] header", fmt.Sprintf("% x", ci.Content.FullBytes[:len(ci.Content.FullBytes)-len(ci.Content.Bytes)])},
	)
	// Walk the SignedData elements generically.
	var elems []asn1.RawValue
	rest := ci.Content.Bytes
	var hdr asn1.RawValue
	if _, err := asn1.Unmarshal(rest, &hdr); err != nil {
		return nil, err
	}
	fields = append(fields, [2]string{"SignedData header", fmt.Sprintf("% x", hdr.FullBytes[:len(hdr.FullBytes)-len(hdr.Bytes)])})
	rest = hdr.Bytes
	for len(rest) > 0 {
		var e asn1.RawValue
		var err error
		rest, err = asn1.Unmarshal(rest, &e)
		if err != nil {
			return nil, err
		}
		elems = append(elems, e)
	}
	names := []string{"SignedData.version", "SignedData.digestAlgorithms", "SignedData.encapContentInfo"}
	for i, e := range elems {
		name := fmt.Sprintf("SignedData element %d", i)
		if i < len(names) {
			name = names[i]
		}
		if i == len(elems)-1 {
			// signerInfos SET -> one SignerInfo SEQUENCE -> fields
			fields = append(fields, [2]string{"SignedData.signerInfos header", fmt.Sprintf("% x", e.FullBytes[:len(e.FullBytes)-len(e.Bytes)])})
			var si asn1.RawValue
			if _, err := asn1.Unmarshal(e.Bytes, &si); err != nil {
				return nil, err
			}
			fields = append(fields, [2]string{"SignerInfo header", fmt.Sprintf("% x", si.FullBytes[:len(si.FullBytes)-len(si.Bytes)])})
			sn := []string{"SignerInfo.version", "SignerInfo.sid (issuer+serial)", "SignerInfo.digestAlgorithm", "SignerInfo.signatureAlgorithm", "SignerInfo.signature"}
			r := si.Bytes
			for k := 0; len(r) > 0; k++ {
				var f asn1.RawValue
				if r, err = asn1.Unmarshal(r, &f); err != nil {
					return nil, err
				}
				n := fmt.Sprintf("SignerInfo element %d", k)
				if k < len(sn) {
					n = sn[k]
				}
				fields = append(fields, [2]string{n, fmt.Sprintf("% x", f.FullBytes)})
			}
			continue
		}
		fields = append(fields, [2]string{name, fmt.Sprintf("% x", e.FullBytes)})
	}
	return fields, nil
}

func firstN(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

// explainDiff lists the fields that differ between two signed modules; it
// returns nil when both are byte-identical.
func explainDiff(ours, theirs []byte) []string {
	if bytes.Equal(ours, theirs) {
		return nil
	}
	a, errA := sigFields(ours)
	b, errB := sigFields(theirs)
	if errA != nil || errB != nil {
		return []string{fmt.Sprintf("cannot parse: ours: %v, sign-file: %v", errA, errB)}
	}
	var out []string
	for i := 0; i < len(a) || i < len(b); i++ {
		switch {
		case i >= len(a):
			out = append(out, fmt.Sprintf("%s: only in sign-file output: %s", b[i][0], b[i][1]))
		case i >= len(b):
			out = append(out, fmt.Sprintf("%s: only in ours: %s", a[i][0], a[i][1]))
		case a[i] != b[i]:
			out = append(out, fmt.Sprintf("%s differs:\n  ours:      %s\n  sign-file: %s", a[i][0], a[i][1], b[i][1]))
		}
	}
	if len(out) == 0 {
		out = append(out, "no field differs but the bytes do (outer framing)")
	}
	return out
}
