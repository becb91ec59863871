// SPDX-License-Identifier: GPL-2.0-only
// trace_string_len: The TRACE_EVENT stage headers provide __string_len().
// Changed in: v5.13, commit ("tracing: Add trace_event helper macros __string_len() and __assign_str_len()"); the stage headers are v5.18
// probe: compile
// define: HAVE_TRACE_STRING_LEN

#include <linux/tracepoint.h>
#include <trace/stages/stage1_struct_define.h>

#ifndef __string_len
#error "no __string_len"
#endif
