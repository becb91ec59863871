# v6.10 dropped the source argument of __assign_str() and __assign_str_len()
# (the source given to __string()/__string_len() is used). The tree calls
# nfsb_assign_str(dst, src) and nfsb_assign_str_len(dst, src, len), defined
# per kernel in compat/include/linux/tracepoint.h. Coccinelle cannot parse
# TRACE_EVENT() bodies, so this rename is a sed rule:
#   sed -i -f compat/patchgen/trace_assign_str.sed $(grep -rl __assign_str TREE)
s/\b__assign_str(/nfsb_assign_str(/g
s/\b__assign_str_len(/nfsb_assign_str_len(/g
