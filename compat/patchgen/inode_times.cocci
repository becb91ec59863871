// v6.7 hid the inode timestamps behind accessors (i_atime/i_mtime became
// __i_atime/__i_mtime, i_ctime __i_ctime in v6.6). The tree uses the
// accessors; compat/include/linux/fs.h provides them where the kernel lacks
// them. Every ->i_[amc]time in the imported tree is a struct inode's.
// Generate: spatch --sp-file inode_times.cocci --in-place --dir TREE

@@
expression I;
@@
- I->i_atime = I->i_mtime = I->i_ctime = current_time(I);
+ simple_inode_init_ts(I);

@@
expression I;
@@
(
- memset(&I->i_atime, 0, sizeof(I->i_atime));
+ inode_set_atime_to_ts(I, (struct timespec64){});
|
- memset(&I->i_mtime, 0, sizeof(I->i_mtime));
+ inode_set_mtime_to_ts(I, (struct timespec64){});
|
- memset(&I->i_ctime, 0, sizeof(I->i_ctime));
+ inode_set_ctime_to_ts(I, (struct timespec64){});
)

@@
expression I, E;
@@
- I->i_atime = E
+ inode_set_atime_to_ts(I, E)

@@
expression I, E;
@@
- I->i_mtime = E
+ inode_set_mtime_to_ts(I, E)

@@
expression I, E;
@@
- I->i_ctime = E
+ inode_set_ctime_to_ts(I, E)

@@
expression I;
@@
- I->i_atime
+ inode_get_atime(I)

@@
expression I;
@@
- I->i_mtime
+ inode_get_mtime(I)

@@
expression I;
@@
- I->i_ctime
+ inode_get_ctime(I)
