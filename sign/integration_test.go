// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package sign

import (
	"bytes"
	"context"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nfsbundle/nfsbundle/finish"
	"github.com/nfsbundle/nfsbundle/internal/run"
)

// Integration tests: real modules, the kernel's sign-file, openssl and
// modinfo. They run when NFSBUNDLE_INTEGRATION=1 (and then fail rather than
// skip when something is missing). Modules come from the staged build named
// by NFSBUNDLE_STAGE (finish.json), else from the stock Debian
// linux-image-6.1.0-56-amd64 package (apt-get download + dpkg -x into a
// cache under the temp dir).

const debianImage = "linux-image-6.1.0-56-amd64"

func integration(t *testing.T) {
	t.Helper()
	if os.Getenv("NFSBUNDLE_INTEGRATION") != "1" {
		t.Skip("integration test: set NFSBUNDLE_INTEGRATION=1 (needs openssl, kmod, linux-kbuild-6.1, dpkg, apt-get or NFSBUNDLE_STAGE)")
	}
}

func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not found: install the packages in .ci/packages.d/sign.txt", name)
	}
	return p
}

// signFileTool finds the kernel's scripts/sign-file.
func signFileTool(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("SIGN_FILE"); p != "" {
		return p
	}
	for _, pat := range []string{"/usr/lib/linux-kbuild-*/scripts/sign-file", "/usr/src/linux-headers-*/scripts/sign-file"} {
		m, _ := filepath.Glob(pat)
		for _, p := range m {
			if st, err := os.Stat(p); err == nil && st.Mode()&0o111 != 0 {
				return p
			}
		}
	}
	t.Fatal("scripts/sign-file not found: install linux-kbuild-6.1 (or set SIGN_FILE)")
	return ""
}

type testModule struct {
	name string
	data []byte // uncompressed, without signature
}

var cachedModules []testModule

// integrationModules returns the modules to test with, unsigned. They are
// read once per test binary (the stage may be rebuilt while tests run).
func integrationModules(t *testing.T) []testModule {
	t.Helper()
	if cachedModules == nil {
		cachedModules = loadIntegrationModules(t)
	}
	return cachedModules
}

func loadIntegrationModules(t *testing.T) []testModule {
	t.Helper()
	if stage := os.Getenv("NFSBUNDLE_STAGE"); stage != "" {
		return stagedModules(t, stage)
	}
	cache := filepath.Join(os.TempDir(), "nfsbundle-sign-it")
	root := filepath.Join(cache, "img", "lib", "modules", "6.1.0-56-amd64", "kernel")
	if _, err := os.Stat(filepath.Join(root, "net", "sunrpc", "sunrpc.ko")); err != nil {
		if err := os.MkdirAll(cache, 0o755); err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if _, err := run.OutputIn(ctx, cache, nil, tool(t, "apt-get"), "download", debianImage); err != nil {
			t.Fatalf("downloading %s: %v", debianImage, err)
		}
		debs, _ := filepath.Glob(filepath.Join(cache, debianImage+"_*.deb"))
		if len(debs) == 0 {
			t.Fatalf("apt-get download left no %s .deb in %s", debianImage, cache)
		}
		if _, err := run.Output(ctx, tool(t, "dpkg"), "-x", debs[0], filepath.Join(cache, "img")); err != nil {
			t.Fatal(err)
		}
		for _, d := range debs {
			os.Remove(d)
		}
	}
	var mods []testModule
	for _, rel := range []string{"net/sunrpc/sunrpc.ko", "fs/nfs/nfsv4.ko", "fs/lockd/lockd.ko"} {
		data, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		if !IsSigned(data) {
			t.Fatalf("stock %s is not signed: unexpected package content", rel)
		}
		mods = append(mods, testModule{name: rel, data: Strip(data)})
	}
	return mods
}

func stagedModules(t *testing.T, manifest string) []testModule {
	m, err := finish.Load(manifest)
	if err != nil {
		t.Fatalf("NFSBUNDLE_STAGE: %v", err)
	}
	if len(m.Modules) == 0 {
		t.Fatalf("NFSBUNDLE_STAGE %s lists no modules", manifest)
	}
	var mods []testModule
	for _, mod := range m.Modules {
		data, err := readModule(t, mod.Path)
		if err != nil {
			t.Fatalf("staged module %s: %v", mod.Name, err)
		}
		mods = append(mods, testModule{name: mod.RelPath, data: Strip(data)})
	}
	return mods
}

// readModule reads a module, decompressing .xz/.zst/.gz with the system tools.
func readModule(t *testing.T, p string) ([]byte, error) {
	var dec []string
	switch {
	case strings.HasSuffix(p, ".xz"):
		dec = []string{"xz", "-dc", p}
	case strings.HasSuffix(p, ".zst"):
		dec = []string{"zstd", "-dcq", p}
	case strings.HasSuffix(p, ".gz"):
		dec = []string{"gzip", "-dc", p}
	default:
		return os.ReadFile(p)
	}
	return run.Output(context.Background(), tool(t, dec[0]), dec[1:]...)
}

func writeFile(t *testing.T, p string, data []byte) string {
	t.Helper()
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// cmsBlob extracts the CMS DER from a signed module.
func cmsBlob(t *testing.T, signed []byte) []byte {
	t.Helper()
	_, blob, err := splitSigned(signed)
	if err != nil {
		t.Fatal(err)
	}
	return blob
}

func TestIntegrationSignLikeSignFile(t *testing.T) {
	integration(t)
	signFile := signFileTool(t)
	openssl := tool(t, "openssl")
	modinfo := tool(t, "modinfo")
	ctx := context.Background()
	dir := t.TempDir()
	// A key made exactly as ./build.sh keygen makes it.
	keyPath, certPath, err := GenerateKey(filepath.Join(dir, "mok"), "nfsbundle integration MOK", 2048)
	if err != nil {
		t.Fatal(err)
	}
	s, err := LoadSigner(keyPath, certPath, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("key: %s", s.Describe())
	for i, mod := range integrationModules(t) {
		t.Run(mod.name, func(t *testing.T) {
			base := filepath.Join(dir, strings.ReplaceAll(mod.name, "/", "_"))
			plain := writeFile(t, base+".plain", mod.data)
			ours := writeFile(t, base+".ours.ko", mod.data)
			theirs := writeFile(t, base+".signfile.ko", mod.data)
			if err := s.SignFile(ours, "sha256"); err != nil {
				t.Fatal(err)
			}
			if _, err := run.Output(ctx, signFile, "sha256", keyPath, certPath, theirs); err != nil {
				t.Fatal(err)
			}
			a, _ := os.ReadFile(ours)
			b, _ := os.ReadFile(theirs)
			if diff := explainDiff(a, b); diff != nil {
				t.Fatalf("our signature differs from sign-file's:\n%s", strings.Join(diff, "\n"))
			}

			// openssl accepts the detached signature over the unsigned module.
			sig := writeFile(t, base+".p7s", cmsBlob(t, a))
			if _, err := run.Output(ctx, openssl, "cms", "-verify", "-binary", "-inform", "DER", "-noverify",
				"-in", sig, "-content", plain, "-certfile", certPath, "-out", os.DevNull); err != nil {
				t.Fatalf("openssl cms -verify rejected our signature: %v", err)
			}
			// ... and rejects it over altered content (the check is real).
			alt := bytes.Clone(mod.data)
			alt[len(alt)/2] ^= 1
			altPath := writeFile(t, base+".altered", alt)
			if _, err := run.Output(ctx, openssl, "cms", "-verify", "-binary", "-inform", "DER", "-noverify",
				"-in", sig, "-content", altPath, "-certfile", certPath, "-out", os.DevNull); err == nil {
				t.Fatal("openssl cms -verify accepted a signature over altered content")
			}

			// modinfo reads the signature like the kernel's tooling does.
			out, err := run.Output(ctx, modinfo, ours)
			if err != nil {
				t.Fatal(err)
			}
			fields := map[string]string{}
			for _, line := range strings.Split(string(out), "\n") {
				if k, v, ok := strings.Cut(line, ":"); ok {
					if _, seen := fields[k]; !seen {
						fields[k] = strings.TrimSpace(v)
					}
				}
			}
			want := map[string]string{
				"sig_id":       "PKCS#7",
				"signer":       "nfsbundle integration MOK",
				"sig_key":      s.Serial(),
				"sig_hashalgo": "sha256",
			}
			for k, v := range want {
				if fields[k] != v {
					t.Errorf("modinfo %s = %q, want %q", k, fields[k], v)
				}
			}

			// Our parser and verifier agree; re-signing is idempotent.
			if err := Verify(b, s.Certificate()); err != nil {
				t.Errorf("Verify(sign-file output): %v", err)
			}
			if err := s.SignFile(ours, "sha256"); err != nil {
				t.Fatal(err)
			}
			if again, _ := os.ReadFile(ours); !bytes.Equal(again, a) {
				t.Error("re-signing changed the module")
			}
			if i == 0 {
				// Re-signing a module signed by another key (Debian's) replaces it.
				stock := Assemble(mod.data, cmsBlob(t, a))
				redo, err := s.Sign(stock, "sha512")
				if err != nil || bytes.Count(redo, []byte(Magic)) != 1 {
					t.Fatalf("re-sign: %v", err)
				}
			}
		})
	}
}

// ECDSA: sign-file's ECDSA signatures verify with ours and ours with
// openssl (the values differ run to run, so no byte comparison).
func TestIntegrationECDSA(t *testing.T) {
	integration(t)
	signFile := signFileTool(t)
	openssl := tool(t, "openssl")
	ctx := context.Background()
	dir := t.TempDir()
	mod := integrationModules(t)[0]
	s, err := LoadSigner(td("ec256.key"), td("ec256.der"), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"sha256", "sha384"} {
		theirs := writeFile(t, filepath.Join(dir, "sf-"+h+".ko"), mod.data)
		if _, err := run.Output(ctx, signFile, h, td("ec256.key"), td("ec256.der"), theirs); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(theirs)
		if err := Verify(b, s.Certificate()); err != nil {
			t.Errorf("%s: Verify(sign-file ECDSA): %v", h, err)
		}
		a, err := s.Sign(mod.data, h)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range explainDiff(a, b) {
			if !strings.HasPrefix(d, "SignerInfo.signature ") && !strings.Contains(d, "header differs") &&
				!strings.HasPrefix(d, "module_signature struct") {
				t.Errorf("%s: unexpected difference: %s", h, d)
			}
		}
		sig := writeFile(t, filepath.Join(dir, "ours-"+h+".p7s"), cmsBlob(t, a))
		plain := writeFile(t, filepath.Join(dir, "plain.ko"), mod.data)
		certPEM := writeFile(t, filepath.Join(dir, "ec.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw}))
		if _, err := run.Output(ctx, openssl, "cms", "-verify", "-binary", "-inform", "DER", "-noverify",
			"-in", sig, "-content", plain, "-certfile", certPEM, "-out", os.DevNull); err != nil {
			t.Errorf("%s: openssl rejected our ECDSA signature: %v", h, err)
		}
	}
}

// An encrypted key with KBUILD_SIGN_PIN gives the same bytes as sign-file
// given the same key and pin.
func TestIntegrationEncryptedKey(t *testing.T) {
	integration(t)
	signFile := signFileTool(t)
	dir := t.TempDir()
	mod := integrationModules(t)[0]
	theirs := writeFile(t, filepath.Join(dir, "sf.ko"), mod.data)
	cmd := exec.Command(signFile, "sha256", td("rsa-enc.key"), td("rsa.der"), theirs)
	cmd.Env = append(os.Environ(), EnvPIN+"="+testPIN)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sign-file: %v\n%s", err, out)
	}
	t.Setenv(EnvPrivKey, td("rsa-enc.key"))
	t.Setenv(EnvPubKey, td("rsa.der"))
	t.Setenv(EnvPIN, testPIN)
	s, err := fromEnv()
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.Sign(mod.data, "")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(theirs)
	if diff := explainDiff(a, b); diff != nil {
		t.Fatalf("differs from sign-file:\n%s", strings.Join(diff, "\n"))
	}
}
