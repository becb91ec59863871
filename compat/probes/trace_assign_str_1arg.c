// SPDX-License-Identifier: GPL-2.0-only
// trace_assign_str_1arg: __assign_str(dst) takes one argument; before it was __assign_str(dst, src).
// The invocation is expanded inside a stringification so only its arity matters.
// Changed in: v6.10, commit 2c92ca849fcc ("tracing/treewide: Remove second parameter of __assign_str()")
// probe: compile
// define: HAVE_TRACE_ASSIGN_STR_1ARG

#include <linux/tracepoint.h>
#include <trace/stages/stage6_event_callback.h>

#define NFSB_ASSIGN_STR_STR(x) #x
#define NFSB_ASSIGN_STR_XSTR(x) NFSB_ASSIGN_STR_STR(x)
static const char nfsb_trace_assign_str_1arg[] __attribute__((unused)) =
	NFSB_ASSIGN_STR_XSTR(__assign_str(name));
