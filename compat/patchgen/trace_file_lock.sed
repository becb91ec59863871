# The file_lock_core conversion (compat/patchgen/file_lock_core.cocci) inside
# TRACE_EVENT() bodies, which Coccinelle cannot parse:
#   sed -i -f compat/patchgen/trace_file_lock.sed TREE/fs/nfs/nfs4trace.h
s/\b\([A-Za-z_][A-Za-z0-9_]*\)->fl_\(flags\|type\|owner\|pid\|file\)\b/nfsb_fl_\2(\1)/g
