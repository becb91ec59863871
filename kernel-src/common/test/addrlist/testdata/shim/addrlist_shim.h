/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-ins for the kernel interfaces net/sunrpc/addrlist.c uses.
 * The headers in linux/ shadow the kernel's and include this file, so
 * addrlist.c compiles unchanged.  Keep it to what addrlist.c needs.
 */
#ifndef ADDRLIST_SHIM_H
#define ADDRLIST_SHIM_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef unsigned int gfp_t;

#define GFP_KERNEL 0U

#define EXPORT_SYMBOL_GPL(sym) extern int addrlist_shim_exported

#define cpu_to_be32(x) htonl(x)
#define be32_to_cpu(x) ntohl(x)

#define struct_size(p, member, n) \
	(sizeof(*(p)) + (size_t)(n) * sizeof((p)->member[0]))

/* Set by the test to make the next allocations fail. */
extern int shim_fail_alloc;
extern long shim_live_allocs;

static inline void *kmalloc(size_t size, gfp_t gfp)
{
	void *p;

	(void)gfp;
	if (shim_fail_alloc)
		return NULL;
	p = malloc(size);
	if (p)
		shim_live_allocs++;
	return p;
}

static inline void kfree(const void *p)
{
	if (p)
		shim_live_allocs--;
	free((void *)p);
}

static inline void *kmemdup(const void *src, size_t len, gfp_t gfp)
{
	void *p = kmalloc(len, gfp);

	if (p)
		memcpy(p, src, len);
	return p;
}

#endif /* ADDRLIST_SHIM_H */
