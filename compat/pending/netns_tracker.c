// SPDX-License-Identifier: GPL-2.0-only
// netns_tracker: netns_tracker and get_net_track()/put_net_track().
// Changed in: v5.17, commit ("net: add networking namespace refcount tracker")
// probe: compile
// define: HAVE_NETNS_TRACKER

#include <net/net_namespace.h>

static void __attribute__((unused)) nfsb_netns_tracker(struct net *net)
{
	netns_tracker t;

	get_net_track(net, &t, GFP_KERNEL);
	put_net_track(net, &t);
}
