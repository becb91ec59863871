// v6.8 renamed address_space->private_lock to i_private_lock. The tree uses
// the new name; compat/include/linux/fs.h maps it back on older kernels.
// Generate: spatch --sp-file i_private_lock.cocci --in-place --include-headers --dir TREE
@@
struct address_space *M;
@@
- M->private_lock
+ M->i_private_lock
@@
struct address_space M;
@@
- M.private_lock
+ M.i_private_lock
