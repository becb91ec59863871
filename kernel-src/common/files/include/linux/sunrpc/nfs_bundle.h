/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nfsbundle additions to sunrpc: version reporting and mountstats ids.
 */
#ifndef _LINUX_SUNRPC_NFS_BUNDLE_H
#define _LINUX_SUNRPC_NFS_BUNDLE_H

struct seq_file;
struct rpc_clnt;

/*
 * Print "\n\tsunrpc-id:\t<id>" for @clnt into a mountstats record when the
 * sunrpc parameter expose_id_in_mountstats is set; prints nothing otherwise.
 */
void rpc_clnt_show_bundle_id(struct seq_file *m, struct rpc_clnt *clnt);

#endif /* _LINUX_SUNRPC_NFS_BUNDLE_H */
