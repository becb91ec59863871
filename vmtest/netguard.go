// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package vmtest

import (
	"fmt"
	"net"
	"sync/atomic"
)

// CheckNetRestricted fails when the guest reached the host's loopback
// through the user-mode network, which restrict=on must prevent.
const CheckNetRestricted = "net-restricted"

// netGuard is a host listener on 127.0.0.1 that the guest is told to try
// (at the gateway address, which user-mode networking maps to the host's
// loopback): the host side of the isolation proof, independent of what the
// guest reports.
type netGuard struct {
	l        net.Listener
	port     int
	accepted atomic.Int32
}

func newNetGuard() (*netGuard, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("the network isolation probe: %w", err)
	}
	g := &netGuard{l: l, port: l.Addr().(*net.TCPAddr).Port}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			g.accepted.Add(1)
			c.Close()
		}
	}()
	return g, nil
}

func (g *netGuard) close() { g.l.Close() }

func (g *netGuard) check() Check {
	if n := g.accepted.Load(); n > 0 {
		return Check{Name: CheckNetRestricted, Detail: fmt.Sprintf("the guest opened %d connection(s) to the host's 127.0.0.1:%d: the user-mode network is not restricted", n, g.port)}
	}
	return Check{Name: CheckNetRestricted, Passed: true, Detail: fmt.Sprintf("nothing reached 127.0.0.1:%d from the guest", g.port)}
}
