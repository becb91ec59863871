// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"

	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"

	"github.com/nfsbundle/nfsbundle/sign"
)

func init() {
	var dir, cn string
	var bits int
	cmd := &cobra.Command{
		Use:   "keygen",
		Short: "Create a Machine Owner Key (MOK) pair for Secure Boot module signing",
		Long: `Create MOK.priv (RSA private key, PEM, mode 0600) and MOK.der (X.509
certificate, DER, codeSigning, valid 10 years) in --dir, like
  openssl req -new -x509 -newkey rsa:2048 -keyout MOK.priv -outform DER -out MOK.der -nodes -days 3650 -subj "/CN=..."
and print the mokutil steps to enrol it. Existing files are never overwritten.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			keyPath, certPath, err := sign.GenerateKey(dir, cn, bits)
			if err != nil {
				return fmt.Errorf("keygen: %w", err)
			}
			s, err := sign.LoadSigner(keyPath, certPath, "")
			if err != nil {
				return fmt.Errorf("keygen: the new key does not load: %w", err)
			}
			logrus.Infof("keygen: created key %s", s.Describe())
			fmt.Fprint(cmd.OutOrStdout(), sign.EnrollInstructions(keyPath, certPath))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&dir, "dir", ".", "directory for MOK.priv and MOK.der")
	f.StringVar(&cn, "cn", sign.DefaultCN, "certificate common name (shown by modinfo as signer)")
	f.IntVar(&bits, "bits", 2048, "RSA key size (2048 or more)")
	rootCmd.AddCommand(cmd)
}
