/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nfsbundle: address lists (IP-SPEC) and transport placement for multipath
 * mounts.  Pure functions: no locks, no I/O, one allocation per parse.
 *
 * NOT BUILT YET: net/sunrpc/addrlist.c is laid into the imported tree but no
 * Makefile names addrlist.o, so kbuild does not compile it.  The patch that
 * adds the remoteports=/localports= mount options adds it to
 * net/sunrpc/Makefile, the way 0002 added nfs_bundle.o.  Until then the code
 * is exercised only by kernel-src/common/test/addrlist (userspace, in CI).
 *
 * IP-SPEC grammar
 * ---------------
 *   spec  := item *( "~" item )
 *   item  := addr | addr "-" addr | name
 *   addr  := IPv4 dotted quad | IPv6 text form (RFC 4291 section 2.2)
 *
 * A range "a-b" is inclusive and means a, a+1, ..., b, stepping the whole
 * 32-bit (IPv4) or 128-bit (IPv6) value, so ::ffff:ffff-::1:0:1 is the three
 * addresses ::ffff:ffff, ::1:0:0 and ::1:0:1.  The list is a sequence, not a
 * set: order is kept and duplicates or overlaps are allowed (each copy
 * counts toward the cap).  Not accepted: IPv4 octets with leading zeros
 * (010 could mean 8 or 10), IPv6 zone ids ("%eth0"), brackets, whitespace.
 *
 * An item with no ':' and some character other than digits, '.' and '-'
 * is a name.  The whole item, '-' included (br-lan is one name, and so is
 * eth0-eth3), goes to the caller's resolver (struct rpc_addrlist_names),
 * called in the caller's context, which returns one address.  This is the
 * hook for localports= interface names: the mount-option code resolves a
 * netdev name to its address at mount time; this file knows nothing about
 * devices.  Without a resolver a name is rejected as an unknown token.
 *
 * Cap: RPC_ADDRLIST_MAX_ADDRS addresses in total, counted with
 * repetitions.  Ranges are stored, not addresses, so the structure is
 * small: the parser allocates one rpc_addrlist_range per item, up front.
 *
 * Canonical print
 * ---------------
 * The user's order is kept.  Consecutive items whose addresses continue one
 * another by +1 are merged into one range (parse does this, so
 * 10.0.0.1~10.0.0.2-10.0.0.3 prints as 10.0.0.1-10.0.0.3); nothing else is
 * merged or reordered (10.0.0.2~10.0.0.1 and 10.0.0.1~10.0.0.1 stay).  A
 * range of one address prints as the address alone.  IPv4 is dotted
 * decimal; IPv6 follows RFC 5952: lowercase hex without leading zeros, the
 * longest run of two or more zero groups (the first on a tie) written "::",
 * and ::ffff:a.b.c.d for IPv4-mapped addresses.
 *
 * Equality and hash
 * -----------------
 * Two lists are equal iff they have the same family and expand to the same
 * address sequence; the hash is computed over that sequence's maximal runs,
 * so equal lists hash equally however their ranges are split.
 *
 * Placement
 * ---------
 * Transport i (0 <= i < N, N = nconnect) gets remote index rpc_mp_place():
 *
 *   L = list length, o = offset % L, q = N / L, r = N % L.
 *   Walking the list from o, the first r addresses get q + 1 transports
 *   and the others q; transports fill them in order, a block of
 *   consecutive transports per address:
 *     k = i / (q + 1)                   if i < r * (q + 1)
 *     k = r + (i - r * (q + 1)) / q     otherwise
 *     remote(i) = (o + k) % L
 *
 * So transport 0 (the primary) always goes to address o, no address has
 * more than one transport more than another, with N < L exactly N
 * consecutive addresses (wrapping) are used, and with N >= L all are.
 * Worked example, L = 4 addresses A0..A3, offset o = 1:
 *   N = 3  (N < L):  t0..t2 -> A1 A2 A3                         (A0 unused)
 *   N = 4  (N = L):  t0..t3 -> A1 A2 A3 A0
 *   N = 10 (N > L):  q = 2, r = 2:
 *                    t0-t2 -> A1, t3-t5 -> A2, t6-t7 -> A3, t8-t9 -> A0
 * Blocks rather than i % L so that a local list walked round-robin
 * (local(i) = i % nr_local, a later patch) pairs each remote with several
 * local ports: with 4 remotes, 2 locals and N = 8, i % L would pair A0
 * only ever with the first local port.
 *
 * The default offset is rpc_mp_default_offset(id, L): a fixed mix of a
 * client identity value, modulo L.  The caller builds the identity with
 * rpc_mp_client_id() from stable inputs (the nodename, and the client's
 * source address if it wants cloned hosts with one name to differ), so a
 * client starts at the same address on every mount and boot while
 * different clients start at different points of the server's list.
 * Changing the mix moves every client: treat it as fixed.
 */
#ifndef _LINUX_SUNRPC_ADDRLIST_H
#define _LINUX_SUNRPC_ADDRLIST_H

#include <linux/types.h>
#include <linux/socket.h>

/*
 * At most this many addresses in one list, repetitions included.  Four
 * times the largest nconnect (64), so an explicit or hashed offset can
 * spread clients over a large server address pool; small enough that
 * every walk over the list is trivially bounded.
 */
#define RPC_ADDRLIST_MAX_ADDRS	256

/* Seed for rpc_mp_client_id() (the FNV-1a offset basis). */
#define RPC_MP_CLIENT_ID_INIT	2166136261U

/* @count addresses from (@hi:@lo), a 128-bit value; IPv4 uses @lo only. */
struct rpc_addrlist_range {
	u64		hi;
	u64		lo;
	u32		count;
};

struct rpc_addrlist {
	unsigned short	family;		/* AF_INET or AF_INET6 */
	unsigned int	count;		/* addresses, 1..RPC_ADDRLIST_MAX_ADDRS */
	unsigned int	nr_ranges;
	struct rpc_addrlist_range ranges[];
};

/*
 * Resolver for name items (see above).  @name is not NUL-terminated.
 * Return 0 with the address in @out (family and address only), or a
 * negative errno with a static reason in *@why.
 */
struct rpc_addrlist_names {
	int	(*resolve)(void *priv, const char *name, size_t len,
			   struct sockaddr_storage *out, const char **why);
	void	*priv;
};

/*
 * Parse the NUL-terminated @spec.  On success return 0 and a list in *@out
 * (free it with rpc_addrlist_free()).  On failure return a negative errno,
 * set *@out to NULL and *@why to a short static reason for the mount error:
 *   -ENODATA       empty item (or empty spec)
 *   -EINVAL        unknown token or bad syntax
 *   -EAFNOSUPPORT  IPv4 and IPv6 mixed
 *   -ERANGE        range end before its start
 *   -E2BIG         more than RPC_ADDRLIST_MAX_ADDRS addresses
 *   -ENOMEM        allocation failed
 * or whatever the resolver returned.  @names may be NULL.
 */
int rpc_addrlist_parse(const char *spec, const struct rpc_addrlist_names *names,
		       gfp_t gfp, struct rpc_addrlist **out, const char **why);
void rpc_addrlist_free(struct rpc_addrlist *list);
size_t rpc_addrlist_size(const struct rpc_addrlist *list);
struct rpc_addrlist *rpc_addrlist_dup(const struct rpc_addrlist *list,
				      gfp_t gfp);

/*
 * Canonical form into @buf (always NUL-terminated when @size > 0).
 * Returns the length the full text needs, excluding the NUL, as snprintf.
 */
int rpc_addrlist_print(const struct rpc_addrlist *list, char *buf,
		       size_t size);

bool rpc_addrlist_equal(const struct rpc_addrlist *a,
			const struct rpc_addrlist *b);
u32 rpc_addrlist_hash(const struct rpc_addrlist *list);

/*
 * The @n-th address (0-based) into @out with port, flowinfo and scope 0.
 * Returns the address length (sizeof(struct sockaddr_in) or _in6), or
 * -ERANGE when @n >= list->count.
 */
int rpc_addrlist_nth(const struct rpc_addrlist *list, unsigned int n,
		     struct sockaddr_storage *out);

/*
 * Remote index for transport @i of @nconnect over @nr_remote addresses
 * starting at @offset (reduced modulo @nr_remote).  @i is reduced modulo
 * @nconnect; @nconnect 0 counts as 1; @nr_remote 0 gives 0.
 */
unsigned int rpc_mp_place(unsigned int i, unsigned int nconnect,
			  unsigned int nr_remote, unsigned int offset);
u32 rpc_mp_client_id(u32 id, const void *data, size_t len);
unsigned int rpc_mp_default_offset(u32 client_id, unsigned int nr_remote);

#endif /* _LINUX_SUNRPC_ADDRLIST_H */
