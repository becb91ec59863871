/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The v6.7 shrinker API (shrinker_alloc, shrinker_register, shrinker_free)
 * on kernels that only have register_shrinker() on a caller-owned struct.
 * v6.7 removed register_shrinker(), and shrinker_register() refuses a
 * shrinker it did not allocate, so the tree uses the new API everywhere.
 * Reads: HAVE_SHRINKER_ALLOC, HAVE_REGISTER_SHRINKER_NAME.
 */
#ifndef NFSB_COMPAT_LINUX_SHRINKER_H
#define NFSB_COMPAT_LINUX_SHRINKER_H
#include_next <linux/shrinker.h>

#ifndef HAVE_SHRINKER_ALLOC
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/slab.h>

struct nfsb_shrinker {
	struct shrinker shrinker;	/* first: the callbacks get its address */
	char name[32];
	void *private_data;		/* v6.7's shrinker->private_data */
};

static inline struct shrinker * __printf(2, 3)
shrinker_alloc(unsigned int flags, const char *fmt, ...)
{
	struct nfsb_shrinker *s = kzalloc(sizeof(*s), GFP_KERNEL);
	va_list ap;

	if (!s)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s->name, sizeof(s->name), fmt, ap);
	va_end(ap);
	s->shrinker.flags = flags;
	return &s->shrinker;
}

/* register_shrinker() with the name shrinker_alloc() recorded. */
static inline int nfsb_register_shrinker(struct shrinker *shrinker)
{
#ifdef HAVE_REGISTER_SHRINKER_NAME
	struct nfsb_shrinker *s = container_of(shrinker, struct nfsb_shrinker, shrinker);

	return register_shrinker(shrinker, "%s", s->name);
#else
	return register_shrinker(shrinker);
#endif
}

static inline void shrinker_register(struct shrinker *shrinker)
{
	int err = nfsb_register_shrinker(shrinker);

	/* v6.7's shrinker_register() cannot fail: callers do not check. */
	if (err)
		pr_warn("nfsbundle: shrinker %s not registered: %d\n",
			container_of(shrinker, struct nfsb_shrinker, shrinker)->name, err);
}

/* unregister_shrinker() returns early for a shrinker never registered. */
static inline void shrinker_free(struct shrinker *shrinker)
{
	if (!shrinker)
		return;
	unregister_shrinker(shrinker);
	kfree(container_of(shrinker, struct nfsb_shrinker, shrinker));
}
#endif /* !HAVE_SHRINKER_ALLOC */

/* The owner's data, an lvalue: v6.7 keeps it in the shrinker itself. */
#ifdef HAVE_SHRINKER_ALLOC
#define nfsb_shrinker_private(s)	((s)->private_data)
#else
#define nfsb_shrinker_private(s) \
	(container_of(s, struct nfsb_shrinker, shrinker)->private_data)
#endif
#endif
