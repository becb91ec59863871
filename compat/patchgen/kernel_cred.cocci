// v6.2 stopped prepare_kernel_cred(NULL) from meaning init's credentials:
// it warns and returns NULL. Every kernel of the range takes &init_task
// for the same credentials, as upstream's callers pass since then.
// Generate: spatch --sp-file kernel_cred.cocci --in-place --include-headers --dir TREE
@@
@@
- prepare_kernel_cred(NULL)
+ prepare_kernel_cred(&init_task)
