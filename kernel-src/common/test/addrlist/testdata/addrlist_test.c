// SPDX-License-Identifier: GPL-2.0-only
/*
 * Userspace test of net/sunrpc/addrlist.c: the file is compiled here as it
 * is, against the shim headers in shim/.  Prints one line per failing case
 * and exits 1 if any failed.  Built and run by addrlist_test.go:
 *
 *   gcc -Wall -Wextra -Werror -Ishim -I../../../files/include \
 *       -I../../../files addrlist_test.c -o addrlist_test
 */
#include "addrlist_shim.h"
#include "net/sunrpc/addrlist.c"

#include <stdarg.h>
#include <stdio.h>

int shim_fail_alloc;
long shim_live_allocs;

static int cases, failures;

static bool check(bool ok, const char *fmt, ...)
{
	va_list ap;

	cases++;
	if (ok)
		return true;
	failures++;
	printf("FAIL ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return false;
}

static const char *print(const struct rpc_addrlist *l)
{
	static char buf[8192];

	rpc_addrlist_print(l, buf, sizeof(buf));
	return buf;
}

/* ---- the resolver hook, with a fake device table ---- */

static int fake_resolve(void *priv, const char *name, size_t len,
			struct sockaddr_storage *out, const char **why)
{
	static const struct { const char *name, *addr; } devs[] = {
		{ "dummy0", "10.77.0.1" }, { "dummy1", "10.77.1.1" },
		{ "br-lan", "10.77.2.1" }, { "v6if", "fd00::1" },
		{ "noaddr", NULL },
	};
	size_t i;

	(*(int *)priv)++;
	for (i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		if (strlen(devs[i].name) != len || memcmp(devs[i].name, name, len))
			continue;
		if (!devs[i].addr)
			return 0;	/* leaves AF_UNSPEC */
		if (strchr(devs[i].addr, ':')) {
			out->ss_family = AF_INET6;
			inet_pton(AF_INET6, devs[i].addr,
				  &((struct sockaddr_in6 *)out)->sin6_addr);
		} else {
			out->ss_family = AF_INET;
			inet_pton(AF_INET, devs[i].addr,
				  &((struct sockaddr_in *)out)->sin_addr);
		}
		return 0;
	}
	*why = "no such interface";
	return -ENODEV;
}

static int resolver_calls;
static const struct rpc_addrlist_names names = {
	.resolve = fake_resolve, .priv = &resolver_calls,
};

/* ---- valid specs and their canonical form ---- */

static const struct {
	const char *spec, *canon;
	unsigned short family;
	unsigned int count, nr_ranges;
	bool names;
} valid[] = {
	{ "10.0.0.1", "10.0.0.1", AF_INET, 1, 1, false },
	{ "0.0.0.0", "0.0.0.0", AF_INET, 1, 1, false },
	{ "255.255.255.255", "255.255.255.255", AF_INET, 1, 1, false },
	{ "10.0.0.1-10.0.0.4", "10.0.0.1-10.0.0.4", AF_INET, 4, 1, false },
	{ "10.0.0.5-10.0.0.5", "10.0.0.5", AF_INET, 1, 1, false },
	{ "10.0.0.255-10.0.1.1", "10.0.0.255-10.0.1.1", AF_INET, 3, 1, false },
	{ "10.255.255.255-11.0.0.0", "10.255.255.255-11.0.0.0", AF_INET, 2, 1, false },
	{ "255.255.255.254-255.255.255.255", "255.255.255.254-255.255.255.255",
	  AF_INET, 2, 1, false },
	/* consecutive adjacent items merge */
	{ "10.0.0.1~10.0.0.2", "10.0.0.1-10.0.0.2", AF_INET, 2, 1, false },
	{ "10.0.0.1~10.0.0.2-10.0.0.3~10.0.0.4", "10.0.0.1-10.0.0.4",
	  AF_INET, 4, 1, false },
	{ "10.0.0.1-10.0.0.2~10.0.0.3-10.0.0.4~10.0.0.9",
	  "10.0.0.1-10.0.0.4~10.0.0.9", AF_INET, 5, 2, false },
	/* nothing else merges: order, duplicates, overlaps, no wrap */
	{ "10.0.0.4~10.0.0.1-10.0.0.3", "10.0.0.4~10.0.0.1-10.0.0.3",
	  AF_INET, 4, 2, false },
	{ "10.0.0.2~10.0.0.1", "10.0.0.2~10.0.0.1", AF_INET, 2, 2, false },
	{ "10.0.0.1~10.0.0.1", "10.0.0.1~10.0.0.1", AF_INET, 2, 2, false },
	{ "10.0.0.1-10.0.0.5~10.0.0.3-10.0.0.8",
	  "10.0.0.1-10.0.0.5~10.0.0.3-10.0.0.8", AF_INET, 11, 2, false },
	{ "255.255.255.255~0.0.0.0", "255.255.255.255~0.0.0.0", AF_INET, 2, 2, false },
	/* IPv6 text forms, printed per RFC 5952 */
	{ "::1", "::1", AF_INET6, 1, 1, false },
	{ "::", "::", AF_INET6, 1, 1, false },
	{ "1::", "1::", AF_INET6, 1, 1, false },
	{ "2001:DB8:0:0:0:0:0:1", "2001:db8::1", AF_INET6, 1, 1, false },
	{ "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1",
	  AF_INET6, 1, 1, false },
	{ "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", AF_INET6, 1, 1, false },
	{ "2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1", AF_INET6, 1, 1, false },
	{ "1:0:1:0:1:0:1:0", "1:0:1:0:1:0:1:0", AF_INET6, 1, 1, false },
	{ "1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0", AF_INET6, 1, 1, false },
	{ "::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8", AF_INET6, 1, 1, false },
	{ "::ffff:10.0.0.1", "::ffff:10.0.0.1", AF_INET6, 1, 1, false },
	{ "::ffff:a00:1", "::ffff:10.0.0.1", AF_INET6, 1, 1, false },
	{ "::1.2.3.4", "::102:304", AF_INET6, 1, 1, false },
	{ "64:ff9b::192.0.2.33", "64:ff9b::c000:221", AF_INET6, 1, 1, false },
	{ "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304", AF_INET6, 1, 1, false },
	{ "fe80::1-fe80::3", "fe80::1-fe80::3", AF_INET6, 3, 1, false },
	/* stepping carries across the 32-, 64- and 96-bit word boundaries */
	{ "::ffff:ffff-::1:0:1", "::ffff:ffff-::1:0:1", AF_INET6, 3, 1, false },
	{ "::ffff:ffff:ffff-::1:0:0:1", "::ffff:255.255.255.255-::1:0:0:1",
	  AF_INET6, 3, 1, false },
	{ "::ffff:ffff:ffff:ffff-0:0:0:1::1", "::ffff:ffff:ffff:ffff-::1:0:0:0:1",
	  AF_INET6, 3, 1, false },
	{ "0:0:ffff:ffff:ffff:ffff:ffff:ffff-0:1::",
	  "::ffff:ffff:ffff:ffff:ffff:ffff-0:1::", AF_INET6, 2, 1, false },
	{ "::ffff:ffff~::1:0:0", "::ffff:ffff-::1:0:0", AF_INET6, 2, 1, false },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	  AF_INET6, 2, 1, false },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff~::",
	  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff~::", AF_INET6, 2, 2, false },
	/* names through the resolver hook */
	{ "dummy0~dummy1", "10.77.0.1~10.77.1.1", AF_INET, 2, 2, true },
	{ "10.77.0.0~dummy0", "10.77.0.0-10.77.0.1", AF_INET, 2, 1, true },
	{ "br-lan", "10.77.2.1", AF_INET, 1, 1, true },
	{ "v6if~fd00::2-fd00::3", "fd00::1-fd00::3", AF_INET6, 3, 1, true },
};

static void test_valid(void)
{
	struct rpc_addrlist *l, *again;
	const char *why = NULL;
	size_t i;
	int err;

	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		const char *s = valid[i].spec;

		err = rpc_addrlist_parse(s, valid[i].names ? &names : NULL,
					 GFP_KERNEL, &l, &why);
		if (!check(!err && l, "valid %s: error %d (%s)", s, err, why))
			continue;
		check(!strcmp(print(l), valid[i].canon),
		      "valid %s: printed %s, want %s", s, print(l),
		      valid[i].canon);
		check(l->family == valid[i].family, "valid %s: family %u", s,
		      l->family);
		check(l->count == valid[i].count, "valid %s: count %u, want %u",
		      s, l->count, valid[i].count);
		check(l->nr_ranges == valid[i].nr_ranges,
		      "valid %s: %u ranges, want %u", s, l->nr_ranges,
		      valid[i].nr_ranges);
		/* the canonical form parses back to an equal list */
		err = rpc_addrlist_parse(print(l), NULL, GFP_KERNEL, &again,
					 &why);
		if (check(!err, "valid %s: canonical %s does not parse: %s", s,
			  print(l), why)) {
			check(rpc_addrlist_equal(l, again) &&
			      rpc_addrlist_hash(l) == rpc_addrlist_hash(again),
			      "valid %s: canonical form is a different list", s);
			check(!strcmp(print(again), valid[i].canon),
			      "valid %s: canonical form is not a fixed point", s);
			rpc_addrlist_free(again);
		}
		rpc_addrlist_free(l);
	}
}

/* ---- every rejection, with its errno and reason ---- */

static const struct {
	const char *spec;
	int err;
	const char *why;
	bool names;
} invalid[] = {
	{ "", -ENODATA, "empty list", false },
	{ "~10.0.0.1", -ENODATA, "empty item", false },
	{ "10.0.0.1~", -ENODATA, "empty item", false },
	{ "10.0.0.1~~10.0.0.2", -ENODATA, "empty item", false },
	{ "~", -ENODATA, "empty item", false },
	{ "10.0.0.5-10.0.0.1", -ERANGE, "range end before its start", false },
	{ "10.0.1.0-10.0.0.255", -ERANGE, "range end before its start", false },
	{ "::2-::1", -ERANGE, "range end before its start", false },
	{ "::1:0:0-::ffff:ffff", -ERANGE, "range end before its start", false },
	{ "1::-0:ffff:ffff:ffff:ffff:ffff:ffff:ffff", -ERANGE,
	  "range end before its start", false },
	{ "10.0.0.1~::1", -EAFNOSUPPORT, "mixed IPv4 and IPv6", false },
	{ "::1~10.0.0.1", -EAFNOSUPPORT, "mixed IPv4 and IPv6", false },
	{ "10.0.0.1-::1", -EAFNOSUPPORT, "mixed IPv4 and IPv6", false },
	{ "::ffff:10.0.0.1~10.0.0.2", -EAFNOSUPPORT, "mixed IPv4 and IPv6", false },
	{ "dummy0~v6if", -EAFNOSUPPORT, "mixed IPv4 and IPv6", true },
	{ "10.0.0.0-10.0.1.0", -E2BIG, "too many addresses", false },
	{ "10.0.0.0-10.0.0.255~10.0.2.0", -E2BIG, "too many addresses", false },
	{ "10.0.0.0-10.0.0.127~10.0.0.0-10.0.0.127~10.0.0.0", -E2BIG,
	  "too many addresses", false },
	{ "::-::1:0", -E2BIG, "too many addresses", false },
	{ "::-ffff::", -E2BIG, "too many addresses", false },
	{ "::ffff:ffff:ffff:ffff-::1:0:0:0:ff", -E2BIG, "too many addresses", false },
	{ "eth0", -EINVAL, "unknown token", false },
	{ "10.0.0.1~eth0", -EINVAL, "unknown token", false },
	{ "1.2.3.4 ", -EINVAL, "unknown token", false },
	{ "10.0.0.1,10.0.0.2", -EINVAL, "unknown token", false },
	{ "0x0a000001", -EINVAL, "unknown token", false },
	{ "10.0.0", -EINVAL, "bad IPv4 address", false },
	{ "10.0.0.1.2", -EINVAL, "bad IPv4 address", false },
	{ "10.0.0.256", -EINVAL, "bad IPv4 address", false },
	{ "10.0.0.01", -EINVAL, "bad IPv4 address", false },
	{ "10.0.0.1000", -EINVAL, "bad IPv4 address", false },
	{ "10..0.1", -EINVAL, "bad IPv4 address", false },
	{ ".10.0.0.1", -EINVAL, "bad IPv4 address", false },
	{ "10.0.0.1.", -EINVAL, "bad IPv4 address", false },
	{ "4294967295", -EINVAL, "bad IPv4 address", false },
	{ "10.0.0.1-", -EINVAL, "range needs two addresses", false },
	{ "-10.0.0.1", -EINVAL, "range needs two addresses", false },
	{ "-", -EINVAL, "range needs two addresses", false },
	{ "10.0.0.1-10.0.0.2-10.0.0.3", -EINVAL, "more than one '-' in an item", false },
	{ "::1--::2", -EINVAL, "more than one '-' in an item", false },
	{ ":::", -EINVAL, "bad IPv6 address", false },
	{ "1::2::3", -EINVAL, "bad IPv6 address", false },
	{ "1:2:3:4:5:6:7:8:9", -EINVAL, "bad IPv6 address", false },
	{ "1:2:3:4:5:6:7", -EINVAL, "bad IPv6 address", false },
	{ "1:2:3:4:5:6:7:8::", -EINVAL, "bad IPv6 address", false },
	{ "1:2:3:4::5:6:7:8", -EINVAL, "bad IPv6 address", false },
	{ "12345::", -EINVAL, "bad IPv6 address", false },
	{ ":1::", -EINVAL, "bad IPv6 address", false },
	{ "1:", -EINVAL, "bad IPv6 address", false },
	{ ":", -EINVAL, "bad IPv6 address", false },
	{ "fe80::1%eth0", -EINVAL, "bad IPv6 address", false },
	{ "[::1]", -EINVAL, "bad IPv6 address", false },
	{ "::g", -EINVAL, "bad IPv6 address", false },
	{ "::ffff:1.2.3", -EINVAL, "bad IPv6 address", false },
	{ "::ffff:1.2.3.4:5", -EINVAL, "bad IPv6 address", false },
	{ "1:2:3:4:5:6:7:1.2.3.4", -EINVAL, "bad IPv6 address", false },
	{ "::1.2.3.04", -EINVAL, "bad IPv6 address", false },
	/* names: the resolver's own error, or a name without an address */
	{ "nosuch", -ENODEV, "no such interface", true },
	{ "dummy0-dummy1", -ENODEV, "no such interface", true },
	{ "noaddr", -EINVAL, "name has no IP address", true },
};

static void test_invalid(void)
{
	struct rpc_addrlist *l = (struct rpc_addrlist *)&l;
	const char *why;
	size_t i;
	int err;

	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		const char *s = invalid[i].spec;

		why = NULL;
		err = rpc_addrlist_parse(s, invalid[i].names ? &names : NULL,
					 GFP_KERNEL, &l, &why);
		check(err == invalid[i].err && !l && why &&
		      !strcmp(why, invalid[i].why),
		      "invalid \"%s\": got %d (%s), want %d (%s)", s, err,
		      why ? why : "no reason", invalid[i].err, invalid[i].why);
		if (!err)
			rpc_addrlist_free(l);
	}
}

/* ---- the cap ---- */

static void test_cap(void)
{
	char spec[RPC_ADDRLIST_MAX_ADDRS * 16 + 32], *p;
	struct rpc_addrlist *l, *again;
	const char *why;
	int i, err;

	check(RPC_ADDRLIST_MAX_ADDRS == 256, "cap is %d, documented 256",
	      RPC_ADDRLIST_MAX_ADDRS);
	err = rpc_addrlist_parse("10.0.0.0-10.0.0.255", NULL, GFP_KERNEL, &l,
				 &why);
	if (check(!err && l->count == 256, "cap: a full 256-address range"))
		rpc_addrlist_free(l);
	err = rpc_addrlist_parse("::ffff:ffff:ff80-::1:0:0:7f", NULL,
				 GFP_KERNEL, &l, &why);
	if (check(!err && l->count == 256,
		  "cap: a 256-address IPv6 range across a word: %d", err))
		rpc_addrlist_free(l);

	/* 256 items that do not merge: the largest up-front allocation */
	for (p = spec, i = 0; i < RPC_ADDRLIST_MAX_ADDRS; i++)
		p += sprintf(p, "%s10.%d.%d.1", i ? "~" : "", i / 16, i % 16);
	err = rpc_addrlist_parse(spec, NULL, GFP_KERNEL, &l, &why);
	if (check(!err, "cap: 256 single items: %d (%s)", err, why)) {
		check(l->count == 256 && l->nr_ranges == 256,
		      "cap: 256 single items give %u/%u", l->count,
		      l->nr_ranges);
		check(!strcmp(print(l), spec),
		      "cap: 256 single items print back as given");
		check(rpc_addrlist_print(l, NULL, 0) == (int)strlen(spec),
		      "cap: print length of 256 items");
		again = rpc_addrlist_dup(l, GFP_KERNEL);
		check(again && rpc_addrlist_equal(l, again) &&
		      rpc_addrlist_size(again) == struct_size(l, ranges, 256),
		      "cap: dup of 256 items");
		rpc_addrlist_free(again);
		rpc_addrlist_free(l);
	}
	strcat(spec, "~10.99.0.1");
	err = rpc_addrlist_parse(spec, NULL, GFP_KERNEL, &l, &why);
	check(err == -E2BIG && !l, "cap: 257 single items: %d", err);
	/* the item count is checked before anything is allocated */
	shim_fail_alloc = 1;
	err = rpc_addrlist_parse(spec, NULL, GFP_KERNEL, &l, &why);
	check(err == -E2BIG, "cap: 257 items rejected before allocating: %d",
	      err);
	err = rpc_addrlist_parse("10.0.0.1", NULL, GFP_KERNEL, &l, &why);
	check(err == -ENOMEM && !l && !strcmp(why, "out of memory"),
	      "allocation failure: %d", err);
	shim_fail_alloc = 0;
}

/* ---- print into short buffers (snprintf semantics) ---- */

static void test_print_buffer(void)
{
	static const char want[] = "10.0.0.1-10.0.0.4~10.0.0.9";
	struct rpc_addrlist *l;
	const char *why;
	char buf[64];
	size_t size;
	int n;

	if (!check(!rpc_addrlist_parse(want, NULL, GFP_KERNEL, &l, &why),
		   "print: parse"))
		return;
	check(rpc_addrlist_print(l, NULL, 0) == (int)strlen(want),
	      "print: size 0 returns the full length");
	for (size = 1; size <= sizeof(want) + 1; size++) {
		memset(buf, 'X', sizeof(buf));
		n = rpc_addrlist_print(l, buf, size);
		check(n == (int)strlen(want) && strlen(buf) ==
		      (size <= strlen(want) ? size - 1 : strlen(want)) &&
		      !strncmp(buf, want, strlen(buf)) && buf[size] == 'X',
		      "print: size %zu gave %d \"%s\"", size, n, buf);
	}
	rpc_addrlist_free(l);
}

/* ---- IPv6 text against glibc, on generated addresses ---- */

static u64 rng_state = 0x9e3779b97f4a7c15ULL;

static u64 rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void test_ip6_oracle(void)
{
	static const u16 pick[] = { 0, 0, 0, 1, 0xffff, 0x100, 0xabcd };
	char ours[64], theirs[INET6_ADDRSTRLEN];
	struct in6_addr a, b;
	struct al_out o;
	u64 hi, lo;
	int t, k, bad = 0;
	bool zero6;

	for (t = 0; t < 20000 && bad < 5; t++) {
		u64 r = rng();

		for (k = 0; k < 8; k++) {
			u16 g = pick[(r >> (4 * k)) % 7];

			if (((r >> (32 + k)) & 7) == 0)
				g = rng();
			a.s6_addr[2 * k] = g >> 8;
			a.s6_addr[2 * k + 1] = g;
		}
		hi = lo = 0;
		for (k = 0; k < 8; k++) {
			hi = hi << 8 | a.s6_addr[k];
			lo = lo << 8 | a.s6_addr[k + 8];
		}
		o = (struct al_out){ .buf = ours, .size = sizeof(ours) };
		al_print_ip6(&o, hi, lo);
		ours[o.len] = '\0';
		inet_ntop(AF_INET6, &a, theirs, sizeof(theirs));
		/* glibc writes ::a.b.c.d for 96 zero bits; we write hex */
		for (zero6 = true, k = 0; k < 12; k++)
			zero6 &= !a.s6_addr[k];
		if (!(zero6 && (a.s6_addr[12] || a.s6_addr[13])))
			bad += !check(!strcmp(ours, theirs),
				      "ip6 print: ours %s, glibc %s", ours,
				      theirs);
		/* both texts parse back to the address, with glibc agreeing */
		bad += !check(al_parse_ip6(ours, strlen(ours), &hi, &lo) &&
			      inet_pton(AF_INET6, ours, &b) == 1 &&
			      !memcmp(&a, &b, sizeof(a)),
			      "ip6 round trip of %s", ours);
		bad += !check(al_parse_ip6(theirs, strlen(theirs), &hi, &lo),
			      "ip6 parse of glibc's %s", theirs);
	}
}

/* accept/reject agrees with inet_pton on the address syntax cases */
static void test_pton_agrees(void)
{
	size_t i;
	u64 hi, lo;
	u32 v4;
	u8 buf[16];

	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		const char *s = valid[i].spec;

		if (valid[i].names || strchr(s, '-') || strchr(s, '~'))
			continue;
		check(inet_pton(valid[i].family, s, buf) == 1,
		      "inet_pton rejects valid %s", s);
	}
	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		const char *s = invalid[i].spec;
		bool ours;

		if (strncmp(invalid[i].why, "bad IPv", 7))
			continue;
		ours = strchr(s, ':') ? al_parse_ip6(s, strlen(s), &hi, &lo) :
			al_parse_ip4(s, strlen(s), &v4);
		check(!ours && inet_pton(strchr(s, ':') ? AF_INET6 : AF_INET,
					 s, buf) != 1,
		      "inet_pton and we disagree on %s", s);
	}
}

/* ---- equality and hash ---- */

static struct rpc_addrlist *must(const char *spec)
{
	struct rpc_addrlist *l;
	const char *why;

	if (rpc_addrlist_parse(spec, NULL, GFP_KERNEL, &l, &why)) {
		check(false, "parse %s: %s", spec, why);
		exit(1);
	}
	return l;
}

static void test_equal(void)
{
	static const char *const same[][3] = {
		{ "10.0.0.1-10.0.0.3", "10.0.0.1~10.0.0.2-10.0.0.3",
		  "10.0.0.1~10.0.0.2~10.0.0.3" },
		{ "::ffff:ffff-::1:0:1", "::ffff:ffff~::1:0:0-::1:0:1",
		  "::ffff:ffff~::1:0:0~0:0:0:0:0:1:0:1" },
		{ "10.0.0.1~10.0.0.1", "10.0.0.1-10.0.0.1~10.0.0.1",
		  "10.0.0.1~10.0.0.1-10.0.0.1" },
	};
	static const char *const differ[][2] = {
		{ "10.0.0.1-10.0.0.3", "10.0.0.3~10.0.0.1-10.0.0.2" },
		{ "10.0.0.1-10.0.0.3", "10.0.0.1-10.0.0.4" },
		{ "10.0.0.1-10.0.0.3", "10.0.0.2-10.0.0.4" },
		{ "10.0.0.1", "10.0.0.1~10.0.0.1" },
		{ "10.0.0.1~10.0.0.3", "10.0.0.1~10.0.0.2" },
		{ "0.0.0.1-0.0.0.3", "::1-::3" },
		{ "10.0.0.1", "::ffff:10.0.0.1" },
		{ "1::", "::1" },
	};
	struct rpc_addrlist *a, *b, *split;
	size_t i, j;

	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		a = must(same[i][0]);
		for (j = 1; j < 3; j++) {
			b = must(same[i][j]);
			check(rpc_addrlist_equal(a, b) &&
			      rpc_addrlist_equal(b, a) &&
			      rpc_addrlist_hash(a) == rpc_addrlist_hash(b),
			      "equal: %s and %s", same[i][0], same[i][j]);
			rpc_addrlist_free(b);
		}
		rpc_addrlist_free(a);
	}
	for (i = 0; i < sizeof(differ) / sizeof(differ[0]); i++) {
		a = must(differ[i][0]);
		b = must(differ[i][1]);
		check(!rpc_addrlist_equal(a, b) && !rpc_addrlist_equal(b, a),
		      "unequal: %s and %s", differ[i][0], differ[i][1]);
		check(rpc_addrlist_hash(a) != rpc_addrlist_hash(b),
		      "hash collides: %s and %s", differ[i][0], differ[i][1]);
		rpc_addrlist_free(a);
		rpc_addrlist_free(b);
	}

	/* a list built by hand with a run split in three, as a future
	 * builder (remoteports=dns) might: still equal, same hash */
	a = must("10.0.0.1-10.0.0.6~10.0.0.9");
	split = malloc(struct_size(split, ranges, 4));
	split->family = AF_INET;
	split->count = 7;
	split->nr_ranges = 4;
	split->ranges[0] = (struct rpc_addrlist_range){ 0, 0x0a000001, 2 };
	split->ranges[1] = (struct rpc_addrlist_range){ 0, 0x0a000003, 1 };
	split->ranges[2] = (struct rpc_addrlist_range){ 0, 0x0a000004, 3 };
	split->ranges[3] = (struct rpc_addrlist_range){ 0, 0x0a000009, 1 };
	check(rpc_addrlist_equal(a, split) && rpc_addrlist_equal(split, a) &&
	      rpc_addrlist_hash(a) == rpc_addrlist_hash(split),
	      "equal: a hand-split list and its parsed form");
	split->ranges[3].lo = 0x0a00000a;
	check(!rpc_addrlist_equal(a, split) && !rpc_addrlist_equal(split, a),
	      "unequal: a hand-split list differing in its last address");
	free(split);
	rpc_addrlist_free(a);

	a = must("10.0.0.1-10.0.0.3");
	check(rpc_addrlist_hash(a) == rpc_addrlist_hash(a),
	      "hash is deterministic");
	rpc_addrlist_free(a);
}

/* ---- nth ---- */

static void test_nth(void)
{
	static const struct {
		const char *spec;
		const char *addrs[6];
	} lists[] = {
		{ "10.0.0.254-10.0.1.1~192.168.1.1",
		  { "10.0.0.254", "10.0.0.255", "10.0.1.0", "10.0.1.1",
		    "192.168.1.1" } },
		{ "::ffff:ffff-::1:0:1~::ffff:ffff:ffff:ffff-0:0:0:1::",
		  { "::ffff:ffff", "::1:0:0", "::1:0:1", "::ffff:ffff:ffff:ffff",
		    "0:0:0:1::" } },
		{ "10.0.0.3~10.0.0.1~10.0.0.3",
		  { "10.0.0.3", "10.0.0.1", "10.0.0.3" } },
	};
	struct sockaddr_storage ss;
	struct rpc_addrlist *l;
	unsigned int n;
	size_t i;
	int len;

	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		l = must(lists[i].spec);
		for (n = 0; n < 6 && lists[i].addrs[n]; n++) {
			char got[INET6_ADDRSTRLEN] = "?";
			u8 want[16];
			bool ok;

			memset(&ss, 0xa5, sizeof(ss));
			len = rpc_addrlist_nth(l, n, &ss);
			if (l->family == AF_INET) {
				struct sockaddr_in *sin = (void *)&ss;

				inet_pton(AF_INET, lists[i].addrs[n], want);
				inet_ntop(AF_INET, &sin->sin_addr, got,
					  sizeof(got));
				ok = len == sizeof(*sin) &&
				     sin->sin_family == AF_INET &&
				     !sin->sin_port &&
				     !memcmp(&sin->sin_addr, want, 4);
			} else {
				struct sockaddr_in6 *sin6 = (void *)&ss;

				inet_pton(AF_INET6, lists[i].addrs[n], want);
				inet_ntop(AF_INET6, &sin6->sin6_addr, got,
					  sizeof(got));
				ok = len == sizeof(*sin6) &&
				     sin6->sin6_family == AF_INET6 &&
				     !sin6->sin6_port && !sin6->sin6_flowinfo &&
				     !sin6->sin6_scope_id &&
				     !memcmp(&sin6->sin6_addr, want, 16);
			}
			check(ok, "nth %s [%u]: got %s (len %d), want %s",
			      lists[i].spec, n, got, len, lists[i].addrs[n]);
		}
		check(n == l->count, "nth %s: count %u, want %u",
		      lists[i].spec, l->count, n);
		check(rpc_addrlist_nth(l, l->count, &ss) == -ERANGE &&
		      rpc_addrlist_nth(l, ~0U, &ss) == -ERANGE,
		      "nth %s: past the end is -ERANGE", lists[i].spec);
		rpc_addrlist_free(l);
	}
}

/* ---- placement ---- */

static void test_place_table(void)
{
	static const struct {
		unsigned int nconnect, nr_remote, offset;
		unsigned int want[16];
	} t[] = {
		/* the header's worked example: L = 4, offset 1 */
		{ 3, 4, 1, { 1, 2, 3 } },
		{ 4, 4, 1, { 1, 2, 3, 0 } },
		{ 10, 4, 1, { 1, 1, 1, 2, 2, 2, 3, 3, 0, 0 } },
		/* the study's VM check: 8 remotes, offset 5 -> the 6th-8th */
		{ 3, 8, 5, { 5, 6, 7 } },
		{ 8, 8, 0, { 0, 1, 2, 3, 4, 5, 6, 7 } },
		{ 8, 4, 0, { 0, 0, 1, 1, 2, 2, 3, 3 } },
		{ 5, 8, 6, { 6, 7, 0, 1, 2 } },
		{ 4, 1, 0, { 0, 0, 0, 0 } },
		{ 1, 4, 3, { 3 } },
		/* explicit offsets at or past L wrap */
		{ 3, 4, 9, { 1, 2, 3 } },
		{ 3, 4, 4, { 0, 1, 2 } },
		{ 7, 3, 2, { 2, 2, 2, 0, 0, 1, 1 } },
	};
	size_t i;
	unsigned int n;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		for (n = 0; n < t[i].nconnect; n++) {
			unsigned int got = rpc_mp_place(n, t[i].nconnect,
							t[i].nr_remote,
							t[i].offset);

			check(got == t[i].want[n],
			      "place N=%u L=%u o=%u: t%u -> %u, want %u",
			      t[i].nconnect, t[i].nr_remote, t[i].offset, n,
			      got, t[i].want[n]);
		}

	/* 64 transports over 3 remotes from 2: 22, 21 and 21 */
	for (n = 0; n < 64; n++)
		check(rpc_mp_place(n, 64, 3, 2) == (n < 22 ? 2 : n < 43 ? 0 : 1),
		      "place N=64 L=3 o=2: t%u -> %u", n,
		      rpc_mp_place(n, 64, 3, 2));
	check(rpc_mp_place(0, 4, 0, 3) == 0 && rpc_mp_place(5, 4, 0, 0) == 0,
	      "place: no remotes gives 0");
	check(rpc_mp_place(0, 0, 4, 2) == 2 && rpc_mp_place(3, 0, 4, 2) == 2,
	      "place: nconnect 0 counts as 1");
	check(rpc_mp_place(13, 10, 4, 1) == rpc_mp_place(3, 10, 4, 1),
	      "place: i is reduced modulo nconnect");
}

/* The documented properties, over every shape up to L = 40, N = 64. */
static void test_place_properties(void)
{
	unsigned int L, N, o, i, per[40], used, prev_k, r, k;
	int bad = 0;

	for (L = 1; L <= 40 && bad < 5; L++)
		for (N = 1; N <= 64 && bad < 5; N++)
			for (o = 0; o < L + 3 && bad < 5; o++) {
				unsigned int lo = ~0U, hi = 0;
				bool ok = true;

				memset(per, 0, sizeof(per));
				prev_k = 0;
				for (i = 0; i < N; i++) {
					r = rpc_mp_place(i, N, L, o);
					if (r >= L) {
						ok = false;
						break;
					}
					per[r]++;
					/* position relative to the offset */
					k = (r + L - o % L) % L;
					if (!i ? k != 0 : k < prev_k ||
					    k > prev_k + 1)
						ok = false;
					if (N <= L && k != i)
						ok = false;
					prev_k = k;
				}
				for (used = 0, i = 0; ok && i < L; i++) {
					used += per[i] > 0;
					if (N >= L || per[i]) {
						lo = per[i] < lo ? per[i] : lo;
						hi = per[i] > hi ? per[i] : hi;
					}
				}
				ok = ok && hi - lo <= 1 &&
				     used == (N < L ? N : L);
				bad += !check(ok, "place properties: N=%u L=%u o=%u",
					      N, L, o);
			}
}

/* The reason for blocks: with locals round-robin, remotes see them all. */
static void test_place_local_pairing(void)
{
	unsigned int i, seen[4] = { 0 };

	for (i = 0; i < 8; i++)
		seen[rpc_mp_place(i, 8, 4, 0)] |= 1U << (i % 2);
	for (i = 0; i < 4; i++)
		check(seen[i] == 3, "place: remote %u sees local mask %x with "
		      "N=8, 4 remotes, 2 locals", i, seen[i]);
}

/* ---- default offset ---- */

static void test_default_offset(void)
{
	unsigned int bucket[8] = { 0 }, L, i, distinct, max;
	char name[32];
	u32 id;

	/* FNV-1a reference vectors */
	check(rpc_mp_client_id(RPC_MP_CLIENT_ID_INIT, "", 0) == 0x811c9dc5,
	      "client id: FNV-1a of \"\"");
	check(rpc_mp_client_id(RPC_MP_CLIENT_ID_INIT, "a", 1) == 0xe40c292c,
	      "client id: FNV-1a of \"a\"");
	check(rpc_mp_client_id(RPC_MP_CLIENT_ID_INIT, "foobar", 6) ==
	      0xbf9cf968, "client id: FNV-1a of \"foobar\"");
	id = rpc_mp_client_id(RPC_MP_CLIENT_ID_INIT, "foo", 3);
	check(rpc_mp_client_id(id, "bar", 3) == 0xbf9cf968,
	      "client id: continues across calls");

	/* pinned: a change here moves every client's starting address */
	id = rpc_mp_client_id(RPC_MP_CLIENT_ID_INIT, "client01", 8);
	check(rpc_mp_default_offset(id, 8) == 3 &&
	      rpc_mp_default_offset(id, 256) == 131 &&
	      rpc_mp_default_offset(0, 8) == 0,
	      "default offset: pinned values %u %u %u",
	      rpc_mp_default_offset(id, 8), rpc_mp_default_offset(id, 256),
	      rpc_mp_default_offset(0, 8));
	check(rpc_mp_default_offset(id, 0) == 0 &&
	      rpc_mp_default_offset(id, 1) == 0, "default offset: L 0 and 1");

	/* 32 clients named client00..client31 over 8 remotes */
	for (i = 0; i < 32; i++) {
		snprintf(name, sizeof(name), "client%02u", i);
		id = rpc_mp_client_id(RPC_MP_CLIENT_ID_INIT, name, strlen(name));
		check(rpc_mp_default_offset(id, 8) ==
		      rpc_mp_default_offset(id, 8), "default offset: stable");
		bucket[rpc_mp_default_offset(id, 8)]++;
	}
	for (distinct = 0, max = 0, i = 0; i < 8; i++) {
		distinct += bucket[i] > 0;
		max = bucket[i] > max ? bucket[i] : max;
	}
	check(distinct == 8 && max <= 8,
	      "default offset: 32 clients over 8 remotes use %u offsets, "
	      "at most %u on one", distinct, max);

	/* names differing in one byte, for several list lengths */
	for (L = 2; L <= 64; L *= 2) {
		unsigned int seen[64] = { 0 };

		for (distinct = 0, i = 0; i < 16; i++) {
			snprintf(name, sizeof(name), "nfs-client-%x", i);
			id = rpc_mp_client_id(RPC_MP_CLIENT_ID_INIT, name,
					      strlen(name));
			distinct += !seen[rpc_mp_default_offset(id, L)]++;
		}
		check(L <= 4 ? distinct == L : distinct >= (L < 16 ? L : 16) / 2,
		      "default offset: 16 clients over %u remotes use only %u",
		      L, distinct);
	}

	/* 1024 clients over 8 remotes: every offset within 25% of 128 */
	memset(bucket, 0, sizeof(bucket));
	for (i = 0; i < 1024; i++) {
		snprintf(name, sizeof(name), "host%04u.example.com", i);
		id = rpc_mp_client_id(RPC_MP_CLIENT_ID_INIT, name, strlen(name));
		bucket[rpc_mp_default_offset(id, 8)]++;
	}
	for (i = 0; i < 8; i++)
		check(bucket[i] >= 96 && bucket[i] <= 160,
		      "default offset: %u of 1024 clients start at %u", bucket[i],
		      i);
}

int main(void)
{
	test_valid();
	test_invalid();
	check(resolver_calls > 0, "the resolver hook was called");
	test_cap();
	test_print_buffer();
	test_ip6_oracle();
	test_pton_agrees();
	test_equal();
	test_nth();
	test_place_table();
	test_place_properties();
	test_place_local_pairing();
	test_default_offset();
	check(shim_live_allocs == 0, "%ld allocations not freed",
	      shim_live_allocs);
	printf("addrlist_test: %d checks, %d failed\n", cases, failures);
	return failures ? 1 : 0;
}
