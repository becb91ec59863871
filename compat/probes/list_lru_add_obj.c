// SPDX-License-Identifier: GPL-2.0-only
// list_lru_add_obj: list_lru_add() takes nid and memcg; list_lru_add_obj() is the old behaviour.
// Changed in: v6.8, commit ("list_lru: allow explicit memcg and NUMA node selection")
// probe: compile
// define: HAVE_LIST_LRU_ADD_OBJ

#include <linux/mm.h>
#include <linux/list_lru.h>

static bool __attribute__((unused)) nfsb_list_lru_add_obj(struct list_lru *lru, struct list_head *item)
{
	return list_lru_add_obj(lru, item);
}
