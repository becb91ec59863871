// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"github.com/nfsbundle/nfsbundle/compat"
	"github.com/nfsbundle/nfsbundle/detect"
	"github.com/nfsbundle/nfsbundle/finish"
	"github.com/nfsbundle/nfsbundle/internal/cli"
	"github.com/nfsbundle/nfsbundle/internal/fileutil"
)

// binReport is `build.sh bin --json`: one object on stdout when the build
// ends, read from the stages' results (build). Fields of stages that did
// not run are null or empty; on failure error and exit_code say why.
type binReport struct {
	OK        bool            `json:"ok"`
	ExitCode  int             `json:"exit_code"`
	Error     string          `json:"error,omitempty"`
	Version   string          `json:"version"`
	Target    *detect.Target  `json:"target"`
	BuildRoot string          `json:"build_root,omitempty"` // suite; "" on the host
	Tree      *treeReport     `json:"tree"`
	Upstream  *upstreamReport `json:"upstream"`
	Probes    *probesReport   `json:"probes"`
	Files     *filesReport    `json:"kbuild_files"` // compiled by this run, of a clean build's total
	Modules   []finish.Module `json:"modules"`
	Signer    *signerReport   `json:"signer"` // null: unsigned
	Packages  []packageReport `json:"packages"`
	Installed []string        `json:"installed_packages,omitempty"` // by the preflight
	Cache     cacheReport     `json:"cache"`
	Stages    []stageTiming   `json:"stages"`
}

type treeReport struct {
	Name   string `json:"name"`
	Legacy bool   `json:"legacy"`
	Reason string `json:"reason"`
}

type upstreamReport struct {
	Version string `json:"version"`
	SHA256  string `json:"sha256"` // of the imported subset
	Tarball string `json:"tarball"`
}

type probesReport struct {
	Total   int                  `json:"total"`
	Defined int                  `json:"defined"`
	Mode    string               `json:"mode"`
	Results []compat.ProbeResult `json:"results"`
}

type filesReport struct {
	Compiled int `json:"compiled"`
	Total    int `json:"total"` // 0: the tree's Makefiles could not be counted
}

type signerReport struct {
	KeyID   string `json:"key_id"` // the certificate serial, as modinfo prints sig_key
	Subject string `json:"subject"`
}

type packageReport struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// cacheReport says which stages reused a cached result.
type cacheReport struct {
	Compat  bool `json:"compat"`
	Import  bool `json:"import"`
	Package bool `json:"package"`
}

// report gathers what the stages produced; err is the pipeline's error.
func (b *build) report(err error) binReport {
	r := binReport{OK: err == nil, ExitCode: cli.ExitCode(err), Version: b.version, Stages: b.timings, Installed: b.installed}
	if err != nil {
		r.Error = err.Error()
	}
	if b.target.Kernel.Release != "" {
		t := b.target
		r.Target = &t
	}
	if b.env != nil {
		r.BuildRoot = b.env.Suite
	}
	if b.sel.Tree != nil {
		r.Tree = &treeReport{Name: b.sel.Tree.Name, Legacy: b.sel.Tree.Legacy, Reason: b.sel.Reason}
	}
	if c := b.compatR; c != nil {
		r.Probes = &probesReport{Total: len(c.Probes), Defined: c.Available(), Mode: c.Mode, Results: c.Probes}
		r.Cache.Compat = c.CacheHit
	}
	if im := b.imported; im != nil && im.Upstream != nil {
		r.Upstream = &upstreamReport{Version: im.Upstream.UpstreamVersion, SHA256: im.Upstream.SHA256, Tarball: im.Tarball}
		r.Cache.Import = im.Upstream.CacheHit
	}
	if b.kb != nil {
		r.Files = &filesReport{Compiled: b.kb.Compiled, Total: b.kb.Total}
	}
	if b.staged != nil {
		r.Modules = b.staged.Modules
	}
	if b.signer != nil {
		r.Signer = &signerReport{KeyID: b.signer.Serial(), Subject: b.signer.Subject()}
	}
	if p := b.packaged; p != nil {
		pr := packageReport{Path: p.Path}
		pr.SHA256, _ = fileutil.SHA256(p.Path) // "" if it vanished since
		r.Packages = []packageReport{pr}
		r.Cache.Package = p.UpToDate
	}
	return r
}
