// v6.3 passes idmapped-mount state as struct mnt_idmap where 6.1 passed the
// mount's user namespace (inode operations, permission and attribute
// helpers, the vfs_* calls nfsd makes). The tree is written against
// nfsb_idmap and NFSB_NOP_IDMAP; compat/include/linux/fs.h maps them to
// the target's types. User namespaces used for uid/gid mapping
// (from_kuid, make_kgid, ...) are left alone.
// Generate: spatch --sp-file idmap.cocci --in-place --include-headers --dir TREE

// Parameters: 6.1 names the idmapping parameter mnt_userns everywhere.
@@
identifier fn;
type T;
typedef nfsb_idmap;
@@
 T fn(...,
- struct user_namespace *mnt_userns
+ nfsb_idmap *mnt_userns
  , ...) { ... }

@@
identifier fn;
type T;
typedef nfsb_idmap;
@@
 T fn(...,
- struct user_namespace *mnt_userns
+ nfsb_idmap *mnt_userns
  , ...);

// The no-op idmapping nfsd and the client pass to the VFS.
@@
identifier f = {vfs_create, vfs_mkdir, vfs_mknod, vfs_symlink, vfs_unlink,
		vfs_rmdir, vfs_getxattr, __vfs_setxattr_locked,
		__vfs_removexattr_locked, inode_permission, generic_permission,
		notify_change, setattr_prepare, setattr_should_drop_sgid,
		generic_fillattr};
@@
 f(
- &init_user_ns
+ NFSB_NOP_IDMAP
  , ...)

@@
expression E;
@@
 vfs_link(E,
- &init_user_ns
+ NFSB_NOP_IDMAP
  , ...)

// Prototypes that leave the idmapping parameter unnamed (it comes first).
@@
identifier fn;
type T;
typedef nfsb_idmap;
@@
 T fn(
- struct user_namespace *
+ nfsb_idmap *
  , ...);
