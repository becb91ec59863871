/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Trace event helpers whose arity changed. v6.10 dropped the source argument
 * of __assign_str() and __assign_str_len(): the source given to __string()
 * or __string_len() in TP_STRUCT__entry is used. The tree's trace headers
 * call these accessors (compat/patchgen/trace_assign_str.sed); they expand
 * inside TP_fast_assign(), so they pick up whatever __assign_str the
 * current trace stage defines. Reads: HAVE_TRACE_ASSIGN_STR_1ARG.
 */
#ifndef NFSB_COMPAT_LINUX_TRACEPOINT_H
#define NFSB_COMPAT_LINUX_TRACEPOINT_H
#include_next <linux/tracepoint.h>

#ifdef HAVE_TRACE_ASSIGN_STR_1ARG
#define nfsb_assign_str(dst, src) __assign_str(dst)
#define nfsb_assign_str_len(dst, src, len) __assign_str(dst)
#else
#define nfsb_assign_str(dst, src) __assign_str(dst, src)
#define nfsb_assign_str_len(dst, src, len) __assign_str_len(dst, src, len)
#endif
#endif
