// SPDX-License-Identifier: GPL-2.0-only
// a_not_self_contained: <linux/mnt_idmapping.h> of 6.1 does not compile on
// its own; first in a unit it fails inside the header, where no probe is
// named, so the engine must redo the unit probe by probe.
// Changed in: v5.17, commit ("fs: move mapping helpers")
// probe: compile
// define: HAVE_A

#include <linux/mnt_idmapping.h>
