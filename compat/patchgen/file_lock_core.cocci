// v6.9 moved the fields that locks and leases share into struct
// file_lock_core (fl->c.flc_flags, ...), and leases into struct file_lease.
// The tree reaches those fields through accessors that
// compat/include/linux/fs.h defines per kernel: nfsb_fl_flags(fl), ...
// (lvalues), and NFSB_FL_LIST as the list member name.
// Generate: spatch --sp-file file_lock_core.cocci --in-place --include-headers --dir TREE

@@
expression E;
@@
(
- E->fl_flags
+ nfsb_fl_flags(E)
|
- E->fl_type
+ nfsb_fl_type(E)
|
- E->fl_owner
+ nfsb_fl_owner(E)
|
- E->fl_pid
+ nfsb_fl_pid(E)
|
- E->fl_file
+ nfsb_fl_file(E)
|
- E->fl_wait
+ nfsb_fl_wait(E)
|
- E->fl_blocked_requests
+ nfsb_fl_blocked_requests(E)
|
- E->fl_blocked_member
+ nfsb_fl_blocked_member(E)
)

@@
expression E;
@@
(
- E.fl_flags
+ nfsb_fl_flags(&E)
|
- E.fl_type
+ nfsb_fl_type(&E)
|
- E.fl_owner
+ nfsb_fl_owner(&E)
|
- E.fl_pid
+ nfsb_fl_pid(&E)
|
- E.fl_file
+ nfsb_fl_file(&E)
)

@@
expression E, H;
iterator name list_for_each_entry;
statement S;
@@
- list_for_each_entry(E, H, fl_list)
+ list_for_each_entry(E, H, NFSB_FL_LIST)
  S

@@
expression H;
@@
- list_first_entry(H, struct file_lock, fl_list)
+ list_first_entry(H, struct file_lock, NFSB_FL_LIST)
