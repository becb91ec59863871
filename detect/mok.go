// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package detect

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/nfsbundle/nfsbundle/internal/modinfo"
)

// Whether Secure Boot will load our modules is a question about one key:
// the one that signed them. shim trusts the keys of its MokList (copied to
// MokListRT, `mokutil --list-enrolled`); `mokutil --import` only queues a
// key in MokNew (`mokutil --list-new`) until MokManager confirms it at the
// next boot. `mokutil --test-key` is not used: it exits 1 when the key *is*
// enrolled, and it also counts a pending key as enrolled.

// KeyState says whether shim trusts the key that signed our modules.
type KeyState string

const (
	KeyEnrolled KeyState = "enrolled" // in MokListRT
	KeyPending  KeyState = "pending"  // in MokNew: confirm in MokManager at the next boot
	KeyAbsent   KeyState = "absent"   // in neither list
	KeyUnsigned KeyState = "unsigned" // the module carries no signature
	KeyUnknown  KeyState = "unknown"  // no module, no mokutil, or no EFI variables (Reason says)
)

// ModuleKey identifies the key that signed a module, as modinfo prints it.
type ModuleKey struct {
	Path   string `json:"path"`
	Signer string `json:"signer,omitempty"` // issuer common name (modinfo signer)
	// KeyID is modinfo's sig_key: the signer certificate's serial number
	// when the signature names issuer and serial (sign-file's default, and
	// ours), else its subject key identifier (sign-file -k).
	KeyID    string `json:"sig_key,omitempty"`
	BySKID   bool   `json:"by_subject_key_id,omitempty"`
	HashAlgo string `json:"sig_hashalgo,omitempty"`
	keyID    []byte
}

// NewModuleKey describes the signature of the module at path (sign's
// Info: issuer common name, key id bytes, whether the id is a subject key
// identifier, hash); a nil keyID is an unsigned module.
func NewModuleKey(path, signer string, keyID []byte, bySKID bool, hashAlgo string) ModuleKey {
	k := ModuleKey{Path: path}
	if len(keyID) == 0 {
		return k
	}
	k.Signer, k.KeyID, k.BySKID, k.HashAlgo, k.keyID = signer, colonHex(keyID), bySKID, hashAlgo, bytes.Clone(keyID)
	return k
}

// ReadKeyFunc reads the signature of a module file (sign.ModuleKey: detect
// cannot import sign, whose tests build through detect).
type ReadKeyFunc func(path string) (ModuleKey, error)

// MOKCert is one certificate of a mokutil listing.
type MOKCert struct {
	SHA1     string `json:"sha1"` // fingerprint of the DER, as mokutil prints it
	Subject  string `json:"subject,omitempty"`
	IssuerCN string `json:"issuer_cn,omitempty"`
	Serial   string `json:"serial,omitempty"` // colon hex, modinfo's form
	SKID     string `json:"subject_key_id,omitempty"`
	serial   []byte
	skid     []byte
}

// signed reports whether k names this certificate: by serial number (and
// issuer name, since serials are only unique per issuer) or by subject key
// identifier.
func (c MOKCert) signed(k ModuleKey) bool {
	if len(k.keyID) == 0 {
		return false
	}
	if k.BySKID {
		return bytes.Equal(c.skid, k.keyID)
	}
	return bytes.Equal(c.serial, k.keyID) && (c.IssuerCN == "" || k.Signer == "" || c.IssuerCN == k.Signer)
}

// Matches reports whether cert is the certificate k names (see MOKCert).
func (k ModuleKey) Matches(serial *big.Int, issuerCN string, skid []byte) bool {
	c := MOKCert{IssuerCN: issuerCN, skid: skid}
	if serial != nil {
		c.serial = serial.Bytes()
	}
	return c.signed(k)
}

var (
	cnRE = regexp.MustCompile(`(?:^|[,/] ?)CN ?= ?(.*?)(?:, ?[A-Za-z][A-Za-z0-9.]* ?= ?|$)`)
	// The one-line serial form, used for serials that fit in a long:
	// "Serial Number: 4660 (0x1234)".
	shortSerialRE = regexp.MustCompile(`\(-?0x([0-9a-fA-F]+)\)`)
)

// ParseMokutilList reads `mokutil --list-enrolled` or `--list-new` output:
// per key "[key N]", "SHA1 Fingerprint: ..." and the certificate in
// OpenSSL's X509_print form. Hash entries ("[SHA256]" lines) are no
// certificates and are skipped; "MokNew is empty" gives none.
func ParseMokutilList(out string) []MOKCert {
	var certs []MOKCert
	lines := strings.Split(out, "\n")
	for i := 0; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		next := ""
		if i+1 < len(lines) {
			next = strings.TrimSpace(lines[i+1])
		}
		switch {
		case strings.HasPrefix(l, "SHA1 Fingerprint:"):
			certs = append(certs, MOKCert{SHA1: strings.ToLower(strings.TrimSpace(strings.TrimPrefix(l, "SHA1 Fingerprint:")))})
		case len(certs) == 0:
		case strings.HasPrefix(l, "Serial Number:"):
			c := &certs[len(certs)-1]
			if m := shortSerialRE.FindStringSubmatch(l); m != nil {
				c.serial = hexBytes(m[1])
			} else {
				c.serial = hexBytes(next)
			}
			c.Serial = colonHex(c.serial)
		case strings.HasPrefix(l, "Issuer:"):
			certs[len(certs)-1].IssuerCN = commonNameOf(strings.TrimPrefix(l, "Issuer:"))
		case strings.HasPrefix(l, "Subject:"):
			certs[len(certs)-1].Subject = strings.TrimSpace(strings.TrimPrefix(l, "Subject:"))
		case strings.HasPrefix(l, "X509v3 Subject Key Identifier:"):
			c := &certs[len(certs)-1]
			c.skid = hexBytes(next)
			c.SKID = colonHex(c.skid)
		}
	}
	return certs
}

// hexBytes decodes "b9:41:24:a0" or "1234"; an odd digit count (the short
// serial form) gets its leading zero. Leading zero bytes are dropped, as
// in big.Int.Bytes and modinfo's sig_key.
func hexBytes(s string) []byte {
	s = strings.ReplaceAll(strings.TrimSpace(s), ":", "")
	if len(s)%2 == 1 {
		s = "0" + s
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil
	}
	return bytes.TrimLeft(b, "\x00")
}

func colonHex(b []byte) string {
	parts := make([]string, len(b))
	for i, c := range b {
		parts[i] = fmt.Sprintf("%02X", c)
	}
	return strings.Join(parts, ":")
}

// commonNameOf is the CN of a distinguished name as OpenSSL prints it
// ("C=GB, O=x, CN=y" in mokutil's compat form, "C = GB, CN = y" in
// OpenSSL 3's default one).
func commonNameOf(dn string) string {
	m := cnRE.FindAllStringSubmatch(strings.TrimSpace(dn), -1)
	if m == nil {
		return ""
	}
	return strings.TrimSpace(m[len(m)-1][1])
}

// MOK is what Secure Boot will make of our installed modules.
type MOK struct {
	Module *ModuleKey `json:"module,omitempty"` // nil: no module found
	State  KeyState   `json:"state"`
	Reason string     `json:"reason,omitempty"` // why the state is unknown
	// Cert is the enrolled or pending certificate that matches.
	Cert *MOKCert `json:"certificate,omitempty"`
	// CertFile is a certificate on disk that matches the module's key
	// (DKMS's), named in the enrolment steps.
	CertFile string `json:"cert_file,omitempty"`
}

// MOKQuery says which module to check and how to run mokutil.
type MOKQuery struct {
	Root string // "/" except in tests: where CertFiles are looked up
	// Module is the installed module to read the signer of ("" = none).
	Module string
	// ReadKey reads its signature (nil: not read, the state is unknown).
	ReadKey ReadKeyFunc
	// Run runs mokutil and returns its output (nil: mokutil is absent).
	Run func(ctx context.Context, name string, args ...string) (string, error)
}

// CertFiles are certificates that may be the modules' signer: the key
// DKMS signs with on Debian and Ubuntu.
var CertFiles = []string{"var/lib/dkms/mok.pub"}

// CheckMOK reads the signer of q.Module and looks for it in the enrolled,
// then the pending MOK list.
func CheckMOK(ctx context.Context, q MOKQuery) MOK {
	if q.Module == "" {
		return MOK{State: KeyUnknown, Reason: "no nfsbundle module installed for this kernel"}
	}
	if q.ReadKey == nil {
		return MOK{State: KeyUnknown, Reason: "the module signature was not read"}
	}
	k, err := q.ReadKey(q.Module)
	if err != nil {
		return MOK{State: KeyUnknown, Reason: fmt.Sprintf("%s: %v", q.Module, err)}
	}
	m := MOK{Module: &k}
	if len(k.keyID) == 0 {
		m.State = KeyUnsigned
		return m
	}
	m.CertFile = matchingCertFile(q.Root, k)
	if q.Run == nil {
		m.State, m.Reason = KeyUnknown, "mokutil is not installed"
		return m
	}
	for _, l := range []struct {
		flag  string
		state KeyState
	}{{"--list-enrolled", KeyEnrolled}, {"--list-new", KeyPending}} {
		out, err := q.Run(ctx, "mokutil", l.flag)
		if err != nil {
			m.State, m.Reason = KeyUnknown, "mokutil "+l.flag+": "+firstLine(out, err)
			return m
		}
		for _, c := range ParseMokutilList(out) {
			if c.signed(k) {
				m.State, m.Cert = l.state, &c
				return m
			}
		}
	}
	m.State = KeyAbsent
	return m
}

func matchingCertFile(root string, k ModuleKey) string {
	if root == "" {
		root = "/"
	}
	for _, f := range CertFiles {
		p := filepath.Join(root, f)
		c, err := readCert(p)
		if err == nil && k.Matches(c.SerialNumber, c.Issuer.CommonName, c.SubjectKeyId) {
			return "/" + f
		}
	}
	return ""
}

// readCert reads a DER or PEM certificate (DKMS writes mok.pub as DER).
func readCert(path string) (*x509.Certificate, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if blk, _ := pem.Decode(b); blk != nil {
		b = blk.Bytes
	}
	return x509.ParseCertificate(b)
}

// firstLine is the first non-empty line of out ("EFI variables are not
// supported on this system"), else err.
func firstLine(out string, err error) string {
	for _, l := range strings.Split(out, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return err.Error()
}

// Describe is the one-line summary: the key and its state.
func (m MOK) Describe() string {
	switch {
	case m.Module == nil:
		return fmt.Sprintf("%s (%s)", m.State, m.Reason)
	case m.State == KeyUnsigned:
		return "modules unsigned (" + m.Module.Path + ")"
	}
	s := fmt.Sprintf("signer %q key %s: %s", m.Module.Signer, m.Module.KeyID, m.State)
	if m.Reason != "" {
		s += " (" + m.Reason + ")"
	}
	return s
}

// SecureBootLines are the Secure Boot facts for people (build.sh detect,
// nfsbundle-ctl status): the state, our modules' signer and its state, and
// the steps to take when they are needed.
func SecureBootLines(sb SecureBoot, m MOK) []string {
	lines := []string{
		fmt.Sprintf("secure boot: %s (%s)", sb.State, sb.Source),
		"module signer: " + m.Describe(),
	}
	for _, s := range m.Steps(sb) {
		lines = append(lines, "  to do: "+s)
	}
	return lines
}

// Steps are what the admin must do before Secure Boot loads our modules,
// or nil when nothing is needed: Secure Boot is off, or the key is
// enrolled.
func (m MOK) Steps(sb SecureBoot) []string {
	if sb.State != "enabled" {
		return nil
	}
	cert := m.CertFile
	if cert == "" {
		cert = "CERT.der"
	}
	switch m.State {
	case KeyUnsigned:
		return []string{"Secure Boot refuses unsigned modules: build signed ones (MODULE_SIGN_PRIV_KEY and MODULE_SIGN_PUB_KEY; ./build.sh keygen makes a key), then enrol its certificate"}
	case KeyPending:
		return []string{"the key is queued for enrolment: reboot, and in MokManager choose Enroll MOK, Continue, Yes, and type the password given to mokutil --import"}
	case KeyAbsent:
		steps := []string{"sudo mokutil --import " + cert + "   (choose a one-time password)",
			"reboot; in MokManager choose Enroll MOK, Continue, Yes, and type that password"}
		if m.CertFile == "" {
			steps[0] += "; CERT.der is the certificate the modules were signed with (the build's MODULE_SIGN_PUB_KEY; its key id is " + m.Module.KeyID + ")"
		}
		return steps
	}
	return nil
}

// InstalledModule is the path of our installed module name for release
// under root, or "": the first file of that module below the module tree's
// updates/ or extra/ (where depmod gives out-of-tree modules priority over
// the kernel's own kernel/; our packages and DKMS install there).
func InstalledModule(root, release, name string) string {
	for _, under := range []string{"updates", "extra"} {
		found := ""
		dir := filepath.Join(root, "lib/modules", release, under)
		_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil // an unreadable part holds nothing we can check
			}
			if found != "" {
				return fs.SkipAll
			}
			if !d.IsDir() && modinfo.NameFromFile(p) == name && strings.Contains(d.Name(), ".ko") {
				found = p
			}
			return nil
		})
		if found != "" {
			return found
		}
	}
	return ""
}
