// SPDX-License-Identifier: GPL-2.0-only
// kobj_type_const_namespace: kobj_type ->namespace() and ->child_ns_type() take a const struct kobject *.
// Changed in: v6.2, commit ("kobject: make kobj_type::namespace() and child_ns_type() take a const pointer")
// (the subject is recalled, not checked against the kernel's git history; the v6.2 boundary is measured: Debian 6.1.y has the non-const form)
// probe: compile
// define: HAVE_KOBJ_TYPE_CONST_NAMESPACE
// werror

#include <linux/kobject.h>

static const void *nfsb_kobj_ns_fn(const struct kobject *kobj)
{
	return NULL;
}
static struct kobj_type nfsb_kobj_type_const_ns __attribute__((unused)) = {
	.namespace = nfsb_kobj_ns_fn,
};
