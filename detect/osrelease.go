// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package detect

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// IDOverrideEnv replaces ID= from os-release, as the seed's build allows.
const IDOverrideEnv = "ID_OVERRIDE"

// distroIDGrammar is os-release(5)'s ID=: lower-case letters, digits and
// . _ - only (we also allow upper case, which normaliseID folds).
var distroIDGrammar = regexp.MustCompile(`^[A-Za-z0-9._-]{1,40}$`)

// CheckDistroID validates an ID_OVERRIDE value before it is used or echoed;
// the error does not repeat it.
func CheckDistroID(id string) error {
	if !distroIDGrammar.MatchString(id) {
		return fmt.Errorf("%s is not a distribution id (expected one like debian or rocky: letters, digits and . _ - only)", IDOverrideEnv)
	}
	return nil
}

// distroFamily maps every distribution we know to its package family.
var distroFamily = map[string]string{
	"rhel": "rpm", "centos": "rpm", "rocky": "rpm", "almalinux": "rpm",
	"ol": "rpm", "scientific": "rpm", "fedora": "rpm",
	"sles": "rpm", "opensuse-leap": "rpm",
	"ubuntu": "deb", "debian": "deb",
}

// aliases folds IDs seen in the wild onto the ones above.
var aliases = map[string]string{
	"redhat": "rhel", "sled": "sles", "opensuse": "opensuse-leap", "suse": "sles",
}

// ParseOSRelease reads KEY=VALUE pairs, unquoting values.
func ParseOSRelease(data string) map[string]string {
	kv := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		kv[strings.TrimSpace(k)] = v
	}
	return kv
}

// DetectDistro reads root/etc/os-release (or root/usr/lib/os-release).
// idOverride, when not empty, replaces ID=.
func DetectDistro(root, idOverride string) (Distro, error) {
	if idOverride != "" {
		if err := CheckDistroID(idOverride); err != nil {
			return Distro{}, err
		}
	}
	var data []byte
	var err error
	for _, p := range []string{"etc/os-release", "usr/lib/os-release"} {
		if data, err = os.ReadFile(filepath.Join(root, p)); err == nil {
			break
		}
	}
	if err != nil {
		return Distro{}, fmt.Errorf("cannot read /etc/os-release under %s: %w; set %s=<distro id> to say which distribution this is", root, err, IDOverrideEnv)
	}
	kv := ParseOSRelease(string(data))
	d := Distro{
		RawID:     kv["ID"],
		VersionID: kv["VERSION_ID"],
		Codename:  kv["VERSION_CODENAME"],
		Name:      kv["PRETTY_NAME"],
		Like:      strings.Fields(kv["ID_LIKE"]),
	}
	if idOverride != "" {
		d.RawID = idOverride
	}
	d.ID = normaliseID(d.RawID, d.Like)
	if d.ID == "" {
		return d, fmt.Errorf("unsupported distribution %q (ID_LIKE %q); set %s to one of rhel, rocky, almalinux, centos, ol, scientific, fedora, sles, opensuse-leap, ubuntu, debian", d.RawID, kv["ID_LIKE"], IDOverrideEnv)
	}
	d.Family = distroFamily[d.ID]
	return d, nil
}

// normaliseID returns a known distribution id for id, falling back to the
// first ID_LIKE entry we know; "" when none is known.
func normaliseID(id string, like []string) string {
	for _, cand := range append([]string{id}, like...) {
		c := strings.ToLower(cand)
		if a, ok := aliases[c]; ok {
			c = a
		}
		if _, ok := distroFamily[c]; ok {
			return c
		}
	}
	return ""
}
