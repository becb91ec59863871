// SPDX-License-Identifier: GPL-2.0-only
/*
 * nfsbundle: IP-SPEC address lists and multipath transport placement.
 * The rules (grammar, cap, canonical form, placement) are documented in
 * include/linux/sunrpc/addrlist.h.
 *
 * NOT BUILT YET: no Makefile names addrlist.o; the mount-option patch adds
 * it to net/sunrpc/Makefile.  kernel-src/common/test/addrlist compiles this
 * file in userspace against a small shim of the kernel headers below.
 *
 * The address parser and printer are our own rather than in4_pton(),
 * in6_pton() and %pI6c: the userspace test then runs exactly the code the
 * kernel runs, instead of a libc stand-in with different corner cases
 * (in4_pton() takes leading zeros, inet_pton() does not), and the grammar
 * is defined here in one place.
 *
 * Addresses are handled as 128-bit values (hi, lo) in host order; IPv4
 * uses lo only.  Stepping and range sizes are 128-bit arithmetic, so IPv6
 * ranges carry across every 32-bit and the 64-bit word boundary.
 */
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/socket.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/sunrpc/addrlist.h>

/* -1, 0, 1 as (ahi:alo) is below, equal to or above (bhi:blo) */
static int al_cmp(u64 ahi, u64 alo, u64 bhi, u64 blo)
{
	if (ahi != bhi)
		return ahi < bhi ? -1 : 1;
	if (alo != blo)
		return alo < blo ? -1 : 1;
	return 0;
}

/* (*hi:*lo) += n; false when the sum does not fit in 128 bits */
static bool al_add(u64 *hi, u64 *lo, u64 n)
{
	u64 l = *lo + n;
	u64 h = *hi + (l < *lo);

	*lo = l;
	if (h < *hi)
		return false;
	*hi = h;
	return true;
}

static int al_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Exactly four decimal octets, no leading zeros, nothing after them. */
static bool al_parse_ip4(const char *s, size_t len, u32 *out)
{
	u32 addr = 0;
	size_t i = 0, j;
	int part;

	for (part = 0; part < 4; part++) {
		u32 v = 0;

		if (part) {
			if (i >= len || s[i] != '.')
				return false;
			i++;
		}
		for (j = i; j < len && j - i < 3 && s[j] >= '0' && s[j] <= '9'; j++)
			v = v * 10 + (s[j] - '0');
		if (j == i || v > 255 || (s[i] == '0' && j - i > 1))
			return false;
		addr = addr << 8 | v;
		i = j;
	}
	if (i != len)
		return false;
	*out = addr;
	return true;
}

/*
 * RFC 4291 text form: eight groups of 1-4 hex digits, at most one "::"
 * standing for one or more zero groups, optionally a dotted quad as the
 * last 32 bits.
 */
static bool al_parse_ip6(const char *s, size_t len, u64 *hi, u64 *lo)
{
	u16 g[8];
	int n = 0, gap = -1, k;
	size_t i = 0, j;
	u32 v4;

	if (len >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		i = 2;
	} else if (len && s[0] == ':') {
		return false;
	}
	while (i < len) {
		u32 v = 0;

		for (j = i; j < len && j - i < 5 && al_hexval(s[j]) >= 0; j++)
			v = v << 4 | al_hexval(s[j]);
		if (j < len && s[j] == '.') {
			if (n > 6 || !al_parse_ip4(s + i, len - i, &v4))
				return false;
			g[n++] = v4 >> 16;
			g[n++] = v4 & 0xffff;
			break;
		}
		if (j == i || j - i > 4 || n == 8)
			return false;
		g[n++] = v;
		i = j;
		if (i == len)
			break;
		if (s[i] != ':' || ++i == len)
			return false;
		if (s[i] == ':') {
			if (gap >= 0)
				return false;
			gap = n;
			i++;
		}
	}
	if (gap < 0 ? n != 8 : n > 7)
		return false;
	if (gap >= 0) {
		int tail = n - gap;

		for (k = 0; k < tail; k++)
			g[7 - k] = g[n - 1 - k];
		for (k = gap; k < 8 - tail; k++)
			g[k] = 0;
	}
	*hi = 0;
	*lo = 0;
	for (k = 0; k < 4; k++) {
		*hi = *hi << 16 | g[k];
		*lo = *lo << 16 | g[k + 4];
	}
	return true;
}

static int al_parse_addr(const char *s, size_t len, unsigned short *family,
			 u64 *hi, u64 *lo, const char **why)
{
	u32 v4;

	if (memchr(s, ':', len)) {
		*family = AF_INET6;
		if (al_parse_ip6(s, len, hi, lo))
			return 0;
		*why = "bad IPv6 address";
		return -EINVAL;
	}
	*family = AF_INET;
	if (al_parse_ip4(s, len, &v4)) {
		*hi = 0;
		*lo = v4;
		return 0;
	}
	*why = "bad IPv4 address";
	return -EINVAL;
}

static bool al_from_sockaddr(const struct sockaddr_storage *ss,
			     unsigned short *family, u64 *hi, u64 *lo)
{
	const struct sockaddr_in6 *sin6;
	int k;

	switch (ss->ss_family) {
	case AF_INET:
		*family = AF_INET;
		*hi = 0;
		*lo = be32_to_cpu(((const struct sockaddr_in *)ss)->sin_addr.s_addr);
		return true;
	case AF_INET6:
		sin6 = (const struct sockaddr_in6 *)ss;
		*family = AF_INET6;
		*hi = 0;
		*lo = 0;
		for (k = 0; k < 8; k++) {
			*hi = *hi << 8 | sin6->sin6_addr.s6_addr[k];
			*lo = *lo << 8 | sin6->sin6_addr.s6_addr[k + 8];
		}
		return true;
	}
	return false;
}

/* An item with no ':' and some character other than digits, '.', '-'. */
static bool al_item_is_name(const char *s, size_t len)
{
	bool other = false;
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == ':')
			return false;
		if ((s[i] < '0' || s[i] > '9') && s[i] != '.' && s[i] != '-')
			other = true;
	}
	return other;
}

static int al_parse_item(struct rpc_addrlist *list, const char *s, size_t len,
			 const struct rpc_addrlist_names *names,
			 const char **why)
{
	struct rpc_addrlist_range *prev;
	unsigned short family, efamily;
	u64 hi, lo, ehi, elo, dhi, dlo, nhi, nlo;
	const char *dash;
	size_t alen;
	int err;

	if (!len) {
		*why = "empty item";
		return -ENODATA;
	}
	if (al_item_is_name(s, len)) {
		struct sockaddr_storage ss;

		if (!names || !names->resolve) {
			*why = "unknown token";
			return -EINVAL;
		}
		memset(&ss, 0, sizeof(ss));
		err = names->resolve(names->priv, s, len, &ss, why);
		if (err)
			return err;
		if (!al_from_sockaddr(&ss, &family, &hi, &lo)) {
			*why = "name has no IP address";
			return -EINVAL;
		}
		ehi = hi;
		elo = lo;
	} else {
		dash = memchr(s, '-', len);
		if (dash && memchr(dash + 1, '-', s + len - (dash + 1))) {
			*why = "more than one '-' in an item";
			return -EINVAL;
		}
		if (dash == s || dash == s + len - 1) {
			*why = "range needs two addresses";
			return -EINVAL;
		}
		alen = dash ? (size_t)(dash - s) : len;
		err = al_parse_addr(s, alen, &family, &hi, &lo, why);
		if (err)
			return err;
		ehi = hi;
		elo = lo;
		if (dash) {
			err = al_parse_addr(dash + 1, len - alen - 1,
					    &efamily, &ehi, &elo, why);
			if (err)
				return err;
			if (efamily != family) {
				*why = "mixed IPv4 and IPv6";
				return -EAFNOSUPPORT;
			}
		}
	}
	if (list->nr_ranges && family != list->family) {
		*why = "mixed IPv4 and IPv6";
		return -EAFNOSUPPORT;
	}
	if (al_cmp(ehi, elo, hi, lo) < 0) {
		*why = "range end before its start";
		return -ERANGE;
	}
	/* count - 1 = end - start, in 128 bits */
	dlo = elo - lo;
	dhi = ehi - hi - (elo < lo);
	if (dhi || dlo >= RPC_ADDRLIST_MAX_ADDRS - list->count) {
		*why = "too many addresses";
		return -E2BIG;
	}
	list->family = family;
	list->count += dlo + 1;

	/* Merge with the previous item when this one continues it. */
	if (list->nr_ranges) {
		prev = &list->ranges[list->nr_ranges - 1];
		nhi = prev->hi;
		nlo = prev->lo;
		if (al_add(&nhi, &nlo, prev->count) &&
		    !al_cmp(nhi, nlo, hi, lo)) {
			prev->count += dlo + 1;
			return 0;
		}
	}
	list->ranges[list->nr_ranges].hi = hi;
	list->ranges[list->nr_ranges].lo = lo;
	list->ranges[list->nr_ranges].count = dlo + 1;
	list->nr_ranges++;
	return 0;
}

int rpc_addrlist_parse(const char *spec, const struct rpc_addrlist_names *names,
		       gfp_t gfp, struct rpc_addrlist **out, const char **why)
{
	struct rpc_addrlist *list;
	unsigned int items = 1;
	const char *p;
	size_t len;
	int err;

	*out = NULL;
	if (!*spec) {
		*why = "empty list";
		return -ENODATA;
	}
	for (p = spec; *p; p++)
		if (*p == '~')
			items++;
	/* Every item is at least one address. */
	if (items > RPC_ADDRLIST_MAX_ADDRS) {
		*why = "too many addresses";
		return -E2BIG;
	}
	list = kmalloc(struct_size(list, ranges, items), gfp);
	if (!list) {
		*why = "out of memory";
		return -ENOMEM;
	}
	list->family = AF_UNSPEC;
	list->count = 0;
	list->nr_ranges = 0;
	for (p = spec;; p += len + 1) {
		for (len = 0; p[len] && p[len] != '~'; len++)
			;
		err = al_parse_item(list, p, len, names, why);
		if (err) {
			kfree(list);
			return err;
		}
		if (!p[len])
			break;
	}
	*out = list;
	return 0;
}
EXPORT_SYMBOL_GPL(rpc_addrlist_parse);

void rpc_addrlist_free(struct rpc_addrlist *list)
{
	kfree(list);
}
EXPORT_SYMBOL_GPL(rpc_addrlist_free);

size_t rpc_addrlist_size(const struct rpc_addrlist *list)
{
	return struct_size(list, ranges, list->nr_ranges);
}
EXPORT_SYMBOL_GPL(rpc_addrlist_size);

struct rpc_addrlist *rpc_addrlist_dup(const struct rpc_addrlist *list,
				      gfp_t gfp)
{
	return kmemdup(list, rpc_addrlist_size(list), gfp);
}
EXPORT_SYMBOL_GPL(rpc_addrlist_dup);

/*
 * Printing: a bounded writer with snprintf semantics.  len counts every
 * character, written or not; at most size - 1 are stored.
 */
struct al_out {
	char	*buf;
	size_t	size;
	size_t	len;
};

static void al_putc(struct al_out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void al_putnum(struct al_out *o, u32 v, unsigned int base)
{
	char tmp[10];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n)
		al_putc(o, tmp[--n]);
}

static void al_print_ip4(struct al_out *o, u32 a)
{
	int shift;

	for (shift = 24; shift >= 0; shift -= 8) {
		al_putnum(o, (a >> shift) & 0xff, 10);
		if (shift)
			al_putc(o, '.');
	}
}

static void al_print_ip6(struct al_out *o, u64 hi, u64 lo)
{
	int best = -1, best_len = 0, run, i;
	u16 g[8];

	if (!hi && (lo >> 32) == 0xffff) {
		al_putc(o, ':');
		al_putc(o, ':');
		al_putnum(o, 0xffff, 16);
		al_putc(o, ':');
		al_print_ip4(o, lo & 0xffffffff);
		return;
	}
	for (i = 0; i < 4; i++) {
		g[i] = hi >> (48 - 16 * i);
		g[i + 4] = lo >> (48 - 16 * i);
	}
	/* the longest run of two or more zero groups, the first on a tie */
	for (i = 0; i < 8; i += run ? run : 1) {
		for (run = 0; i + run < 8 && !g[i + run]; run++)
			;
		if (run >= 2 && run > best_len) {
			best = i;
			best_len = run;
		}
	}
	for (i = 0; i < 8;) {
		if (i == best) {
			al_putc(o, ':');
			al_putc(o, ':');
			i += best_len;
			continue;
		}
		if (i && i != best + best_len)
			al_putc(o, ':');
		al_putnum(o, g[i], 16);
		i++;
	}
}

static void al_print_addr(struct al_out *o, unsigned short family,
			  u64 hi, u64 lo)
{
	if (family == AF_INET)
		al_print_ip4(o, lo);
	else
		al_print_ip6(o, hi, lo);
}

int rpc_addrlist_print(const struct rpc_addrlist *list, char *buf,
		       size_t size)
{
	struct al_out o = { .buf = buf, .size = size };
	unsigned int i;

	for (i = 0; i < list->nr_ranges; i++) {
		const struct rpc_addrlist_range *r = &list->ranges[i];
		u64 hi = r->hi, lo = r->lo;

		if (i)
			al_putc(&o, '~');
		al_print_addr(&o, list->family, hi, lo);
		if (r->count > 1) {
			al_add(&hi, &lo, r->count - 1);
			al_putc(&o, '-');
			al_print_addr(&o, list->family, hi, lo);
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len;
}
EXPORT_SYMBOL_GPL(rpc_addrlist_print);

/*
 * The maximal run starting at ranges[*i]: that range and every following
 * one that continues it by +1.  Advances *i past the run.  Parse already
 * merges such ranges; this keeps equality and hash right for any list.
 */
static void al_next_run(const struct rpc_addrlist *list, unsigned int *i,
			struct rpc_addrlist_range *run)
{
	u64 nhi, nlo;

	*run = list->ranges[(*i)++];
	while (*i < list->nr_ranges) {
		const struct rpc_addrlist_range *r = &list->ranges[*i];

		nhi = run->hi;
		nlo = run->lo;
		if (!al_add(&nhi, &nlo, run->count) ||
		    al_cmp(nhi, nlo, r->hi, r->lo))
			break;
		run->count += r->count;
		(*i)++;
	}
}

bool rpc_addrlist_equal(const struct rpc_addrlist *a,
			const struct rpc_addrlist *b)
{
	struct rpc_addrlist_range ra, rb;
	unsigned int i = 0, j = 0;

	if (a->family != b->family || a->count != b->count)
		return false;
	while (i < a->nr_ranges && j < b->nr_ranges) {
		al_next_run(a, &i, &ra);
		al_next_run(b, &j, &rb);
		if (ra.hi != rb.hi || ra.lo != rb.lo || ra.count != rb.count)
			return false;
	}
	return i == a->nr_ranges && j == b->nr_ranges;
}
EXPORT_SYMBOL_GPL(rpc_addrlist_equal);

static u64 al_mix64(u64 x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

u32 rpc_addrlist_hash(const struct rpc_addrlist *list)
{
	struct rpc_addrlist_range run;
	u64 h = al_mix64(list->family);
	unsigned int i = 0;

	while (i < list->nr_ranges) {
		al_next_run(list, &i, &run);
		h = al_mix64(h + run.hi);
		h = al_mix64(h + run.lo);
		h = al_mix64(h + run.count);
	}
	return h ^ (h >> 32);
}
EXPORT_SYMBOL_GPL(rpc_addrlist_hash);

static int al_to_sockaddr(unsigned short family, u64 hi, u64 lo,
			  struct sockaddr_storage *out)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)out;
	struct sockaddr_in *sin = (struct sockaddr_in *)out;
	int k;

	memset(out, 0, sizeof(*out));
	if (family == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = cpu_to_be32((u32)lo);
		return sizeof(*sin);
	}
	sin6->sin6_family = AF_INET6;
	for (k = 0; k < 8; k++) {
		sin6->sin6_addr.s6_addr[k] = hi >> (56 - 8 * k);
		sin6->sin6_addr.s6_addr[k + 8] = lo >> (56 - 8 * k);
	}
	return sizeof(*sin6);
}

int rpc_addrlist_nth(const struct rpc_addrlist *list, unsigned int n,
		     struct sockaddr_storage *out)
{
	unsigned int i;
	u64 hi, lo;

	for (i = 0; i < list->nr_ranges; i++) {
		const struct rpc_addrlist_range *r = &list->ranges[i];

		if (n < r->count) {
			hi = r->hi;
			lo = r->lo;
			al_add(&hi, &lo, n);
			return al_to_sockaddr(list->family, hi, lo, out);
		}
		n -= r->count;
	}
	return -ERANGE;
}
EXPORT_SYMBOL_GPL(rpc_addrlist_nth);

unsigned int rpc_mp_place(unsigned int i, unsigned int nconnect,
			  unsigned int nr_remote, unsigned int offset)
{
	unsigned int q, r, k;

	if (!nr_remote)
		return 0;
	if (!nconnect)
		nconnect = 1;
	i %= nconnect;
	q = nconnect / nr_remote;
	r = nconnect % nr_remote;
	/* r * (q + 1) <= nconnect; when q == 0, r == nconnect > i */
	if (i < r * (q + 1))
		k = i / (q + 1);
	else
		k = r + (i - r * (q + 1)) / q;
	return (offset % nr_remote + k) % nr_remote;
}
EXPORT_SYMBOL_GPL(rpc_mp_place);

/* FNV-1a over @data, continuing from @id (RPC_MP_CLIENT_ID_INIT at first) */
u32 rpc_mp_client_id(u32 id, const void *data, size_t len)
{
	const u8 *p = data;

	while (len--) {
		id ^= *p++;
		id *= 16777619U;
	}
	return id;
}
EXPORT_SYMBOL_GPL(rpc_mp_client_id);

unsigned int rpc_mp_default_offset(u32 client_id, unsigned int nr_remote)
{
	u32 h = client_id;

	if (!nr_remote)
		return 0;
	/* fixed finalizer: nodenames that differ in one byte land apart */
	h ^= h >> 16;
	h *= 0x85ebca6bU;
	h ^= h >> 13;
	h *= 0xc2b2ae35U;
	h ^= h >> 16;
	return h % nr_remote;
}
EXPORT_SYMBOL_GPL(rpc_mp_default_offset);
