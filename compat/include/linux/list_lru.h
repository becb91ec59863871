/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * list_lru across v6.7 and v6.8. v6.8 gave list_lru_add()/list_lru_del() a
 * node and memcg argument and kept the old behaviour as the *_obj()
 * variants, which the tree calls. Reads: HAVE_LIST_LRU_ADD_OBJ,
 * HAVE_SHRINKER_ALLOC.
 */
#ifndef NFSB_COMPAT_LINUX_LIST_LRU_H
#define NFSB_COMPAT_LINUX_LIST_LRU_H
#include_next <linux/list_lru.h>
#include <linux/shrinker.h>

#ifndef HAVE_LIST_LRU_ADD_OBJ
#define list_lru_add_obj(lru, item) list_lru_add(lru, item)
#define list_lru_del_obj(lru, item) list_lru_del(lru, item)
#endif

/*
 * Set up a memcg-aware list_lru for shrinker and make the shrinker live.
 * The order differs: since v6.7 the shrinker id is assigned by
 * shrinker_alloc(), so the lru is set up before the shrinker can run;
 * before, the id was assigned by registration, and the lru records it.
 */
static inline int nfsb_shrinker_register_memcg_lru(struct shrinker *shrinker,
						   struct list_lru *lru)
{
	int err;

#ifdef HAVE_SHRINKER_ALLOC
	err = list_lru_init_memcg(lru, shrinker);
	if (!err)
		shrinker_register(shrinker);
#else
	err = nfsb_register_shrinker(shrinker);
	if (err)
		return err;
	err = list_lru_init_memcg(lru, shrinker);
	if (err)
		unregister_shrinker(shrinker);
#endif
	return err;
}
#endif
