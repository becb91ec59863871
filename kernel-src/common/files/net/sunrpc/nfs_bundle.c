// SPDX-License-Identifier: GPL-2.0-only
/*
 * nfsbundle: version parameters of the bundled NFS stack and the optional
 * sunrpc-id line in /proc/self/mountstats.
 *
 * /sys/module/sunrpc/parameters/nfs_bundle_version      (read-only)
 * /sys/module/sunrpc/parameters/nfs_bundle_git_version  (read-only)
 * /sys/module/sunrpc/parameters/nfs_bundle_compiled_out (read-only)
 * /sys/module/sunrpc/parameters/expose_id_in_mountstats (read-write bool)
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/seq_file.h>
#include <linux/sunrpc/clnt.h>
#include <linux/sunrpc/nfs_bundle.h>
#include <linux/nfs_bundle_version.h>

static char nfs_bundle_version[] = NFS_BUNDLE_VERSION;
module_param_string(nfs_bundle_version, nfs_bundle_version,
		    sizeof(nfs_bundle_version), 0444);
MODULE_PARM_DESC(nfs_bundle_version, "nfsbundle release of this NFS stack");

static char nfs_bundle_git_version[] = NFS_BUNDLE_GIT_VERSION;
module_param_string(nfs_bundle_git_version, nfs_bundle_git_version,
		    sizeof(nfs_bundle_git_version), 0444);
MODULE_PARM_DESC(nfs_bundle_git_version,
		 "git describe of the nfsbundle tree this stack was built from");

/*
 * The features of the tree compiled out for this kernel, by name, separated
 * by spaces (compat/features; empty when nothing is). Generated into the
 * probe header, so it is the build's own record.
 */
static char nfs_bundle_compiled_out[] = NFSB_COMPILED_OUT;
module_param_string(nfs_bundle_compiled_out, nfs_bundle_compiled_out,
		    sizeof(nfs_bundle_compiled_out), 0444);
MODULE_PARM_DESC(nfs_bundle_compiled_out,
		 "features of this NFS stack compiled out for this kernel");

static bool expose_id_in_mountstats;
module_param(expose_id_in_mountstats, bool, 0644);
MODULE_PARM_DESC(expose_id_in_mountstats,
		 "show a sunrpc-id line per NFS mount in /proc/self/mountstats");

void rpc_clnt_show_bundle_id(struct seq_file *m, struct rpc_clnt *clnt)
{
	if (READ_ONCE(expose_id_in_mountstats) && clnt)
		seq_printf(m, "\n\tsunrpc-id:\t%u", clnt->cl_clid);
}
EXPORT_SYMBOL_GPL(rpc_clnt_show_bundle_id);
