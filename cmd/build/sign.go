// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"

	"github.com/nfsbundle/nfsbundle/internal/cli"
	"github.com/nfsbundle/nfsbundle/sign"
)

func init() { rootCmd.AddCommand(newSignCmd(), newVerifySigCmd()) }

// newSignCmd is `sign`: append module signatures with a key pair.
func newSignCmd() *cobra.Command {
	var keyPath, certPath, hash string
	cmd := &cobra.Command{
		Use:   "sign [--sign-key KEY --sign-cert CERT] [--hash sha256] FILE.ko...",
		Short: "Sign kernel modules for Secure Boot (replaces an existing signature)",
		Long: `Append a Linux module signature to each uncompressed FILE.ko, in the format
of the kernel's scripts/sign-file, without needing sign-file. The key and
certificate come from --sign-key/--sign-cert or MODULE_SIGN_PRIV_KEY/
MODULE_SIGN_PUB_KEY (PEM or DER); an encrypted key's passphrase from
KBUILD_SIGN_PIN. --hash is the target's CONFIG_MODULE_SIG_HASH.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			s, err := sign.Resolve(keyPath, certPath, environ.sign)
			if err != nil {
				return fmt.Errorf("sign: %w", err)
			}
			if s == nil {
				return errors.New("sign: no signing key: pass --sign-key and --sign-cert, or set " +
					sign.EnvPrivKey + " and " + sign.EnvPubKey + " (./build.sh keygen makes a key pair)")
			}
			s.Hash = hash
			logrus.Infof("sign: signing with key %s", s.Describe())
			for _, f := range files {
				if err := s.SignFile(f, ""); err != nil {
					return fmt.Errorf("sign: %w (%d of %d modules signed before this one)", err, s.Signed(), len(files))
				}
				logrus.Debugf("sign: signed %s", f)
			}
			logrus.Infof("sign: signed %d modules with key %q serial %s (hash %s)", s.Signed(), s.Subject(), s.Serial(), hash)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&keyPath, "sign-key", "", "private key, PEM or DER (default $"+sign.EnvPrivKey+")")
	f.StringVar(&certPath, "sign-cert", "", "X.509 certificate, DER or PEM (default $"+sign.EnvPubKey+")")
	f.StringVar(&hash, "hash", sign.DefaultHash, "digest: the target kernel's CONFIG_MODULE_SIG_HASH")
	return cmd
}

// newVerifySigCmd is `verify-sig`: show and check module signatures.
func newVerifySigCmd() *cobra.Command {
	var verifyCert string
	cmd := &cobra.Command{
		Use:   "verify-sig [--cert CERT] FILE.ko...",
		Short: "Show and check the signatures of kernel modules",
		Long: `Print each module's signer, key id (certificate serial) and hash, and check
the signature against --cert (default $` + sign.EnvPubKey + `). Without a
certificate only the structure is checked. Exits non-zero when any module is
unsigned, truncated, corrupt or does not verify.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			certFile := verifyCert
			if certFile == "" {
				certFile = environ.sign.Cert
			}
			var cert *x509.Certificate
			if certFile != "" {
				c, err := sign.LoadCertificate(certFile)
				if err != nil {
					return fmt.Errorf("verify-sig: %w", err)
				}
				cert = c
			}
			out := cmd.OutOrStdout()
			failed := 0
			for _, f := range files {
				info, err := sign.VerifyFile(f, cert)
				if info != nil {
					fmt.Fprintf(out, "%s: signer %q, key id %s, hash %s, %s, %d signature bytes\n",
						f, info.Signer, info.KeyIDString(), info.HashAlgo, info.KeyAlgo, info.SigLen)
				}
				switch {
				case err != nil:
					failed++
					fmt.Fprintf(out, "%s: FAIL: %v\n", f, err)
				case cert == nil:
					fmt.Fprintf(out, "%s: OK (well formed; not checked against a certificate: pass --cert)\n", f)
				default:
					fmt.Fprintf(out, "%s: OK (verified against %q serial %s)\n", f, cert.Subject.String(), sign.CertSerial(cert))
				}
			}
			if failed > 0 {
				return &cli.ExitError{Code: 1, Err: fmt.Errorf("verify-sig: %d of %d modules failed", failed, len(files))}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&verifyCert, "cert", "", "certificate to verify against, DER or PEM (default $"+sign.EnvPubKey+")")
	return cmd
}
