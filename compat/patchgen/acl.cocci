// v6.2 moved the POSIX ACL API to dentries: set_posix_acl() takes the
// dentry and get_acl() became get_inode_acl(). The tree passes
// nfsb_acl_target_of(dentry) and calls nfsb_get_inode_acl();
// compat/include/linux/posix_acl.h maps both back on older kernels. Run
// with idmap.cocci: the idmapping argument becomes NFSB_NOP_IDMAP here
// too.
// Generate: spatch --sp-file acl.cocci --in-place --include-headers --dir TREE

// nfsd sets ACLs on the inode of a dentry it holds: pass that dentry.
@ exists @
expression D, T, A;
identifier inode;
@@
 inode = d_inode(D);
 ...
- set_posix_acl(&init_user_ns, inode, T, A)
+ set_posix_acl(NFSB_NOP_IDMAP, nfsb_acl_target_of(D), T, A)

@@
expression I, T;
@@
- get_acl(I, T)
+ nfsb_get_inode_acl(I, T)
