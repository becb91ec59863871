// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package sign

import (
	"crypto"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"math/big"
	"strings"
)

// Object identifiers used by module signatures (RFC 5652, RFC 5754, RFC 5758).
var (
	oidData          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidSignedData    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidRSAEncryption = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidMessageDigest = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidCommonName    = asn1.ObjectIdentifier{2, 5, 4, 3}
)

// hashAlgo describes one CONFIG_MODULE_SIG_HASH choice.
type hashAlgo struct {
	name  string // kernel/openssl name: "sha256"
	hash  crypto.Hash
	oid   asn1.ObjectIdentifier
	ecdsa asn1.ObjectIdentifier // ecdsa-with-<hash>
}

var hashAlgos = []hashAlgo{
	{"sha1", crypto.SHA1, asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}, asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 1}},
	{"sha224", crypto.SHA224, asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 4}, asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 1}},
	{"sha256", crypto.SHA256, asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}, asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}},
	{"sha384", crypto.SHA384, asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}, asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 3}},
	{"sha512", crypto.SHA512, asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}, asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 4}},
}

// DefaultHash is used when no CONFIG_MODULE_SIG_HASH is known.
const DefaultHash = "sha256"

// lookupHash accepts "sha256", "SHA256", "sha-256" and the quoted Kconfig
// form "\"sha256\"".
func lookupHash(name string) (hashAlgo, error) {
	n := strings.ToLower(strings.Trim(strings.TrimSpace(name), `"`))
	n = strings.ReplaceAll(n, "-", "")
	if n == "" {
		n = DefaultHash
	}
	for _, h := range hashAlgos {
		if h.name == n {
			return h, nil
		}
	}
	return hashAlgo{}, fmt.Errorf("unsupported module signature hash %q: use one of %s (CONFIG_MODULE_SIG_HASH of the target kernel)",
		name, strings.Join(HashNames(), ", "))
}

// HashNames lists the supported CONFIG_MODULE_SIG_HASH values.
func HashNames() []string {
	var out []string
	for _, h := range hashAlgos {
		out = append(out, h.name)
	}
	return out
}

func hashByOID(oid asn1.ObjectIdentifier) (hashAlgo, bool) {
	for _, h := range hashAlgos {
		if h.oid.Equal(oid) {
			return h, true
		}
	}
	return hashAlgo{}, false
}

func hashByECDSAOID(oid asn1.ObjectIdentifier) (hashAlgo, bool) {
	for _, h := range hashAlgos {
		if h.ecdsa.Equal(oid) {
			return h, true
		}
	}
	return hashAlgo{}, false
}

// ASN.1 structures (RFC 5652). Parameters is omitted when empty, which is
// how OpenSSL writes SHA-2 digest algorithm identifiers.
type algorithmIdentifier struct {
	Algorithm  asn1.ObjectIdentifier
	Parameters asn1.RawValue `asn1:"optional"`
}

type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"explicit,tag:0"`
}

type encapContentInfo struct {
	EContentType asn1.ObjectIdentifier
	EContent     asn1.RawValue `asn1:"optional,explicit,tag:0"`
}

// signedDataOut is what we write: no certificates, no CRLs.
type signedDataOut struct {
	Version          int
	DigestAlgorithms []algorithmIdentifier `asn1:"set"`
	EncapContentInfo encapContentInfo
	SignerInfos      []signerInfoOut `asn1:"set"`
}

type signerInfoOut struct {
	Version            int
	SID                asn1.RawValue // IssuerAndSerialNumber
	DigestAlgorithm    algorithmIdentifier
	SignatureAlgorithm algorithmIdentifier
	Signature          []byte
}

type issuerAndSerial struct {
	Issuer asn1.RawValue
	Serial *big.Int
}

// signedDataIn is what we accept when reading.
type signedDataIn struct {
	Version          int
	DigestAlgorithms []algorithmIdentifier `asn1:"set"`
	EncapContentInfo encapContentInfo
	Certificates     asn1.RawValue  `asn1:"optional,tag:0"`
	CRLs             asn1.RawValue  `asn1:"optional,tag:1"`
	SignerInfos      []signerInfoIn `asn1:"set"`
}

type signerInfoIn struct {
	Version            int
	SID                asn1.RawValue
	DigestAlgorithm    algorithmIdentifier
	SignedAttrs        asn1.RawValue `asn1:"optional,tag:0"`
	SignatureAlgorithm algorithmIdentifier
	Signature          []byte
	UnsignedAttrs      asn1.RawValue `asn1:"optional,tag:1"`
}

type attribute struct {
	Type   asn1.ObjectIdentifier
	Values []asn1.RawValue `asn1:"set"`
}

// buildCMS encodes the SignedData that sign-file produces for the given
// raw issuer Name, serial number, hash and signature value.
func buildCMS(rawIssuer []byte, serial *big.Int, h hashAlgo, sigAlg algorithmIdentifier, signature []byte) ([]byte, error) {
	sid, err := asn1.Marshal(issuerAndSerial{Issuer: asn1.RawValue{FullBytes: rawIssuer}, Serial: serial})
	if err != nil {
		return nil, fmt.Errorf("encoding signer identifier: %w", err)
	}
	sd := signedDataOut{
		Version:          1,
		DigestAlgorithms: []algorithmIdentifier{{Algorithm: h.oid}},
		EncapContentInfo: encapContentInfo{EContentType: oidData},
		SignerInfos: []signerInfoOut{{
			Version:            1,
			SID:                asn1.RawValue{FullBytes: sid},
			DigestAlgorithm:    algorithmIdentifier{Algorithm: h.oid},
			SignatureAlgorithm: sigAlg,
			Signature:          signature,
		}},
	}
	inner, err := asn1.Marshal(sd)
	if err != nil {
		return nil, fmt.Errorf("encoding SignedData: %w", err)
	}
	return asn1.Marshal(contentInfo{
		ContentType: oidSignedData,
		Content:     asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: inner},
	})
}

// Info describes a module signature.
type Info struct {
	// ContentLen is the number of module bytes the signature covers.
	ContentLen int
	// SigLen is the length of the CMS blob (module_signature.sig_len).
	SigLen int
	// Signer is the issuer's common name (what modinfo prints as signer).
	Signer string
	// Issuer is the full issuer distinguished name.
	Issuer string
	// Serial is the signer certificate's serial number (nil when the signer
	// is identified by subject key identifier).
	Serial *big.Int
	// KeyID is the serial number bytes (modinfo sig_key), or the subject
	// key identifier.
	KeyID []byte
	// HashAlgo is the digest name, e.g. "sha256" (modinfo sig_hashalgo).
	HashAlgo string
	// KeyAlgo is "rsa" or "ecdsa".
	KeyAlgo string
	// Signature is the raw signature value.
	Signature []byte
	// SignedAttrs is true when the signer info carries signed attributes
	// (sign-file never writes them; the kernel accepts them).
	SignedAttrs bool

	rawIssuer   []byte
	skid        []byte
	hash        hashAlgo
	signedAttrs []byte // DER of [0] IMPLICIT SET, if any
}

// KeyIDString formats KeyID as modinfo does: "1B:98:14:...".
func (i *Info) KeyIDString() string {
	return colonHex(i.KeyID)
}

func colonHex(b []byte) string {
	var sb strings.Builder
	for k, c := range b {
		if k > 0 {
			sb.WriteByte(':')
		}
		fmt.Fprintf(&sb, "%02X", c)
	}
	return sb.String()
}

// Parse reads the signature appended to module. Errors wrap ErrNotSigned,
// ErrTruncated or ErrCorrupt.
func Parse(module []byte) (*Info, error) {
	content, blob, err := splitSigned(module)
	if err != nil {
		return nil, err
	}
	info, err := parseCMS(blob)
	if err != nil {
		return nil, err
	}
	info.ContentLen = len(content)
	info.SigLen = len(blob)
	return info, nil
}

func corrupt(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, a...))
}

// derLen returns the total length the DER header at b declares, or -1 if
// the header itself cannot be read.
func derLen(b []byte) int {
	if len(b) < 2 {
		return -1
	}
	l := int(b[1])
	if l < 0x80 {
		return 2 + l
	}
	n := l & 0x7f
	if n == 0 || n > 4 || len(b) < 2+n {
		return -1
	}
	l = 0
	for _, c := range b[2 : 2+n] {
		l = l<<8 | int(c)
	}
	if l < 0 {
		return -1
	}
	return 2 + n + l
}

func parseCMS(blob []byte) (*Info, error) {
	if len(blob) == 0 || blob[0] != 0x30 {
		return nil, corrupt("signature does not start with a DER SEQUENCE")
	}
	if n := derLen(blob); n < 0 {
		return nil, corrupt("unreadable DER length in signature")
	} else if n > len(blob) {
		return nil, fmt.Errorf("%w: CMS structure declares %d bytes, only %d present", ErrTruncated, n, len(blob))
	} else if n < len(blob) {
		return nil, corrupt("%d trailing bytes after the CMS structure", len(blob)-n)
	}
	var ci contentInfo
	rest, err := asn1.Unmarshal(blob, &ci)
	if err != nil {
		return nil, corrupt("CMS ContentInfo: %v", err)
	}
	if len(rest) != 0 {
		return nil, corrupt("%d trailing bytes after the CMS structure", len(rest))
	}
	if !ci.ContentType.Equal(oidSignedData) {
		return nil, corrupt("content type %v is not signedData", ci.ContentType)
	}
	var sd signedDataIn
	rest, err = asn1.Unmarshal(ci.Content.Bytes, &sd)
	if err != nil {
		return nil, corrupt("CMS SignedData: %v", err)
	}
	if len(rest) != 0 {
		return nil, corrupt("trailing bytes after SignedData")
	}
	if !sd.EncapContentInfo.EContentType.Equal(oidData) {
		return nil, corrupt("encapsulated content type %v is not data", sd.EncapContentInfo.EContentType)
	}
	if len(sd.EncapContentInfo.EContent.Bytes) != 0 || len(sd.EncapContentInfo.EContent.FullBytes) != 0 {
		return nil, corrupt("signature is not detached (it embeds content)")
	}
	if len(sd.SignerInfos) != 1 {
		return nil, corrupt("%d signer infos, want exactly 1", len(sd.SignerInfos))
	}
	si := sd.SignerInfos[0]
	info := &Info{Signature: si.Signature}
	h, ok := hashByOID(si.DigestAlgorithm.Algorithm)
	if !ok {
		return nil, corrupt("unsupported digest algorithm %v", si.DigestAlgorithm.Algorithm)
	}
	info.hash, info.HashAlgo = h, h.name
	switch {
	case si.SignatureAlgorithm.Algorithm.Equal(oidRSAEncryption):
		info.KeyAlgo = "rsa"
	default:
		eh, ok := hashByECDSAOID(si.SignatureAlgorithm.Algorithm)
		if !ok {
			return nil, corrupt("unsupported signature algorithm %v", si.SignatureAlgorithm.Algorithm)
		}
		if eh.name != h.name {
			return nil, corrupt("signature algorithm ecdsa-with-%s does not match digest %s", eh.name, h.name)
		}
		info.KeyAlgo = "ecdsa"
	}
	if len(si.Signature) == 0 {
		return nil, corrupt("empty signature value")
	}
	switch {
	case si.SID.Class == asn1.ClassUniversal && si.SID.Tag == asn1.TagSequence:
		if si.Version != 1 {
			return nil, corrupt("signer info version %d with issuer+serial identifier, want 1", si.Version)
		}
		var ias struct {
			Issuer asn1.RawValue
			Serial asn1.RawValue
		}
		if rest, err := asn1.Unmarshal(si.SID.FullBytes, &ias); err != nil || len(rest) != 0 {
			return nil, corrupt("signer issuer+serial: %v", err)
		}
		if ias.Serial.Class != asn1.ClassUniversal || ias.Serial.Tag != asn1.TagInteger || len(ias.Serial.Bytes) == 0 {
			return nil, corrupt("signer serial number is not an INTEGER")
		}
		var issuer pkix.RDNSequence
		if rest, err := asn1.Unmarshal(ias.Issuer.FullBytes, &issuer); err != nil || len(rest) != 0 {
			return nil, corrupt("signer issuer name: %v", err)
		}
		info.rawIssuer = ias.Issuer.FullBytes
		var name pkix.Name
		name.FillFromRDNSequence(&issuer)
		info.Issuer = name.String()
		info.Signer = commonName(issuer)
		info.Serial = new(big.Int).SetBytes(ias.Serial.Bytes)
		if ias.Serial.Bytes[0]&0x80 != 0 {
			// Negative serial: keep the two's complement bytes as KeyID.
			info.Serial = nil
		}
		info.KeyID = trimLeadingZero(ias.Serial.Bytes)
	case si.SID.Class == asn1.ClassContextSpecific && si.SID.Tag == 0:
		info.skid = si.SID.Bytes
		info.KeyID = si.SID.Bytes
	default:
		return nil, corrupt("unknown signer identifier form (class %d tag %d)", si.SID.Class, si.SID.Tag)
	}
	if len(si.SignedAttrs.FullBytes) != 0 {
		info.SignedAttrs = true
		info.signedAttrs = si.SignedAttrs.FullBytes
	}
	return info, nil
}

func trimLeadingZero(b []byte) []byte {
	for len(b) > 1 && b[0] == 0 {
		b = b[1:]
	}
	return b
}

func commonName(rdns pkix.RDNSequence) string {
	for _, rdn := range rdns {
		for _, atv := range rdn {
			if atv.Type.Equal(oidCommonName) {
				if s, ok := atv.Value.(string); ok {
					return s
				}
			}
		}
	}
	return ""
}

// signedAttrsDigestInput returns what the signature covers when signed
// attributes are present (the attributes re-tagged as a SET), after checking
// their messageDigest against contentDigest.
func signedAttrsDigestInput(raw []byte, contentDigest []byte) ([]byte, error) {
	var attrs []attribute
	set := append([]byte{0x31}, raw[1:]...)
	if rest, err := asn1.UnmarshalWithParams(set, &attrs, "set"); err != nil || len(rest) != 0 {
		return nil, corrupt("signed attributes: %v", err)
	}
	for _, a := range attrs {
		if !a.Type.Equal(oidMessageDigest) {
			continue
		}
		if len(a.Values) != 1 {
			return nil, corrupt("messageDigest attribute has %d values", len(a.Values))
		}
		var md []byte
		if _, err := asn1.Unmarshal(a.Values[0].FullBytes, &md); err != nil {
			return nil, corrupt("messageDigest attribute: %v", err)
		}
		if string(md) != string(contentDigest) {
			return nil, fmt.Errorf("%w: messageDigest attribute does not match the module content", ErrMismatch)
		}
		return set, nil
	}
	return nil, corrupt("signed attributes lack a messageDigest attribute")
}
