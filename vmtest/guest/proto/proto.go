// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

// Package proto is the contract between the host harness (package vmtest)
// and the guest helper (vmtest/guest): the plan the host packs into the
// initramfs, and the events the guest writes to its report serial port.
// It has no dependencies so both sides can import it.
package proto

// Paths inside the guest.
const (
	PlanPath  = "/vmtest/plan.json" // the Plan, JSON
	ModDir    = "/vmtest/mods"      // modules, uncompressed, named <name>.ko
	ReportTTY = "/dev/ttyS1"        // second serial port: JSON events, one per line
	HelperLog = "/tmp/helper.log"   // helper log (also mirrored on the console)
	// ConsoleMarker starts the helper's first console line; the host takes
	// its arrival as the end of the boot stage.
	ConsoleMarker = "VMTEST-START"
)

// Check names: stable, printed in reports and error messages, used by tests.
const (
	CheckLoad        = "load"             // every planned module loaded
	CheckVersion     = "version"          // sunrpc nfs_bundle_version == VERSION
	CheckSrcversion  = "srcversion"       // /sys/module/X/srcversion == built file's
	CheckOurs        = "modules-ours"     // loaded modules are the packed files (build-id)
	CheckGoNFS       = "nfs3-gonfs"       // NFSv3 vs userspace go-nfs server
	CheckNconnect    = "nconnect"         // nconnect=4 -> 4 xprt lines
	CheckMountstatID = "mountstats-id"    // expose_id_in_mountstats=1 -> sunrpc-id
	CheckNfsdV41     = "nfsd-v4.1"        // kernel nfsd, NFSv4.1, no daemons
	CheckNfsdV42     = "nfsd-v4.2"        // kernel nfsd, NFSv4.2, no daemons
	CheckNfsdV4Lock  = "nfsd-v4-lock"     // POSIX lock over NFSv4
	CheckNfsdV3      = "nfsd-v3"          // kernel nfsd NFSv3 with rpcbind/mountd/statd
	CheckNfsdV3Lock  = "nfsd-v3-nlm-lock" // POSIX lock over NLM
)

// Scenario names (groups of checks, each timed as one stage).
const (
	ScenarioGoNFS  = "gonfs"   // CheckGoNFS, CheckNconnect, CheckMountstatID
	ScenarioNfsdV4 = "nfsd-v4" // CheckNfsdV41, CheckNfsdV42, CheckNfsdV4Lock
	ScenarioNfsdV3 = "nfsd-v3" // CheckNfsdV3, CheckNfsdV3Lock
	// ScenarioServe: kernel nfsd (with rpcbind, mountd, statd) exporting
	// ServeExport for NFSv3, 4.0, 4.1 and 4.2 to any address, insecure;
	// then the Serve plan's fio checks, then (Serve.Wait) it stays up for a
	// host-side suite until the host says "stop" on Serve.ControlPort.
	ScenarioServe = "serve"
)

// The serve scenario's export and its fio checks.
const (
	ServeExport     = "/srv/conf"     // the v4 root (fsid=0) and the v3 export path
	CheckFioGoNFS   = "fio-gonfs-v3"  // fio verify over NFSv3 to go-nfs
	CheckFioNfsdV3  = "fio-nfsd-v3"   // fio verify over NFSv3 to kernel nfsd
	CheckFioNfsdV42 = "fio-nfsd-v4.2" // fio verify over NFSv4.2 to kernel nfsd
	// CheckFioControl: a byte changed on the server must fail fio's verify.
	CheckFioControl = "fio-control"
	FioJobFile      = "/vmtest/fio/jobs.fio"
	// GuestAddr is the guest's address on its user-mode NIC (qemu's default
	// network 10.0.2.0/24); forwarded connections arrive from GatewayAddr.
	GuestAddr   = "10.0.2.15/24"
	GatewayAddr = "10.0.2.2"
	// CheckNet: eth0 is up, and the guest cannot reach the host.
	CheckNet = "net"
)

// AllScenarios is the default scenario list, in run order.
var AllScenarios = []string{ScenarioGoNFS, ScenarioNfsdV4, ScenarioNfsdV3}

// Phases at which extra checks run.
const (
	PhaseBeforeLoad = "before-load" // before any module is loaded
	PhaseAfterLoad  = "after-load"  // after load and the version checks
	PhaseEnd        = "end"         // after the scenarios (default)
)

// Plan is what the guest does.
type Plan struct {
	KVer     string   `json:"kver"`
	Version  string   `json:"version"`   // expected nfs_bundle_version
	Modules  []Module `json:"modules"`   // in load order
	SkipLoad bool     `json:"skip_load"` // pack but do not load (extra checks load themselves)
	// NoVerify loads the modules without the version/srcversion/ours checks.
	NoVerify  bool     `json:"no_verify,omitempty"`
	Scenarios []string `json:"scenarios"`
	Extra     []Extra  `json:"extra,omitempty"`
	// IOSizes are the file sizes written over go-nfs; NfsdIOSizes over nfsd.
	IOSizes     []int64 `json:"io_sizes"`
	NfsdIOSizes []int64 `json:"nfsd_io_sizes"`
	// Net brings up eth0 (virtio-net, loaded with the plan's modules) at
	// GuestAddr; without it the guest has loopback only.
	Net bool `json:"net,omitempty"`
	// NetProbePort is a host loopback port the guest must NOT reach at
	// GatewayAddr (restrict=on): the net check tries it.
	NetProbePort int    `json:"net_probe_port,omitempty"`
	Serve        *Serve `json:"serve,omitempty"`
}

// Serve configures ScenarioServe.
type Serve struct {
	Fio bool `json:"fio,omitempty"` // run the fio checks (FioJobFile, /usr/bin/fio)
	// Wait emits EvReady and serves until "stop" arrives on ControlPort.
	Wait        bool     `json:"wait,omitempty"`
	ControlPort int      `json:"control_port,omitempty"`
	LeaseTime   int      `json:"lease_time,omitempty"` // nfsd lease and grace seconds (default 10)
	Dirs        []string `json:"dirs,omitempty"`       // created (mode 0777) in the export before EvReady
}

// Module is one module file to load.
type Module struct {
	Name   string `json:"name"`
	File   string `json:"file"`             // path in the guest
	Params string `json:"params,omitempty"` // module parameters
	// Ours marks a module of our stack: it is verified.
	Ours bool `json:"ours"`
	// SrcVersion is the srcversion recorded for the built file (finish.json,
	// else read from the file); BuildID is the packed file's GNU build-id.
	SrcVersion string `json:"srcversion,omitempty"`
	BuildID    string `json:"build_id,omitempty"`
}

// Extra is an additional check: a program run in the guest; exit 0 = PASS.
type Extra struct {
	Name       string   `json:"name"`
	Argv       []string `json:"argv"`
	Env        []string `json:"env,omitempty"`
	Phase      string   `json:"phase"`
	TimeoutSec int      `json:"timeout_sec"`
	// NeedsMount runs the check with an NFSv3 mount (go-nfs, nconnect=2)
	// whose path is in $VMTEST_NFS_MOUNT.
	NeedsMount bool `json:"needs_mount,omitempty"`
	// MountOptions replace "nconnect=2" in that mount's options.
	MountOptions string `json:"mount_options,omitempty"`
	// NeedsNfsd also starts kernel nfsd (NFSv4.2, no daemons) and mounts
	// it at the path in $VMTEST_NFSD_MOUNT.
	NeedsNfsd bool `json:"needs_nfsd,omitempty"`
	// FullOutput sends the program's whole output (capped) and its exit
	// status with the check event, for vmtest --run.
	FullOutput bool `json:"full_output,omitempty"`
}

// OutputCap bounds Event.Output.
const OutputCap = 256 << 10

// Event kinds.
const (
	EvStart   = "start"   // helper started; Uptime = guest seconds since boot
	EvStage   = "stage"   // a timed stage ended (load, a scenario)
	EvCheck   = "check"   // a named check ended
	EvContext = "context" // failure context: Dmesg and Log tails
	EvDone    = "done"    // all done; the guest powers off next
	EvReady   = "ready"   // the serve scenario is up for host-side suites
	EvOutput  = "output"  // an extra check's whole output (Extra.FullOutput)
)

// Event is one line on the report port.
type Event struct {
	Kind   string   `json:"kind"`
	Name   string   `json:"name,omitempty"`
	OK     bool     `json:"ok,omitempty"`
	MS     int64    `json:"ms,omitempty"`
	Detail string   `json:"detail,omitempty"`
	Uptime float64  `json:"uptime,omitempty"`
	Dmesg  []string `json:"dmesg,omitempty"`
	Log    []string `json:"log,omitempty"`
	// Output and Exit: an extra check's whole output and exit status
	// (Extra.FullOutput); Exit -1 means it did not run to an exit.
	Output string `json:"output,omitempty"`
	Exit   *int   `json:"exit,omitempty"`
}
