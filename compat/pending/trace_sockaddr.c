// SPDX-License-Identifier: GPL-2.0-only
// trace_sockaddr: The TRACE_EVENT stage headers provide __sockaddr()/__get_sockaddr() (sunrpc tracepoints use them).
// Changed in: v6.0/v6.1 cycle, commit ("tracing: Add __sockaddr() and __get_sockaddr() helpers")
// probe: compile
// define: HAVE_TRACE_SOCKADDR

#include <linux/tracepoint.h>
#include <trace/stages/stage1_struct_define.h>
#include <trace/stages/stage6_event_callback.h>

#if !defined(__sockaddr) || !defined(__get_sockaddr)
#error "no __sockaddr"
#endif
