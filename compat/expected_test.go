// Copyright 2026 The nfsbundle Authors
// SPDX-License-Identifier: Apache-2.0

package compat

// want is a probe's expected value on the Debian kernels of each series:
// 5.10 (bullseye, 5.10.0-32-amd64), 6.1 (bookworm, 6.1.0-56-amd64) and
// 6.12 (trixie, the current 6.12.x+deb13-amd64). Debian's stable updates
// carry backports, so a value can differ from the upstream release that
// introduced an API (MSG_SPLICE_PAGES, bvec_set_page() and timer_shutdown_sync() are in 6.1.y,
// the ctime accessors are in 5.10.y and therefore not probed).
type want struct{ v510, v61, v612 bool }

const (
	n = false
	y = true
)

var expected = map[string]want{
	"aops_dirty_folio":              {n, y, y},
	"aops_invalidate_folio":         {n, y, y},
	"aops_migrate_folio":            {n, y, y},
	"aops_read_folio":               {n, y, y},
	"aops_write_begin_folio":        {n, n, y},
	"asm_unaligned_h":               {y, y, n},
	"bdev_file_open_by_dev":         {n, n, y},
	"blkdev_get_by_dev":             {y, y, n},
	"ctl_table_const_handler":       {n, n, y},
	"file_lease":                    {n, n, y},
	"file_lock_core":                {n, n, y},
	"filemap_invalidate_lock":       {n, y, y},
	"filemap_splice_read":           {n, n, y},
	"filldir_bool":                  {n, y, y},
	"folio":                         {n, y, y},
	"fops_iterate":                  {y, y, n},
	"fscache_volume":                {n, y, y},
	"generic_file_splice_read":      {y, y, n},
	"generic_fillattr_request_mask": {n, n, y},
	"get_random_u32_below":          {n, y, y},
	"i_private_lock":                {n, n, y},
	"inode_get_mtime":               {n, n, y},
	"inode_i_mtime":                 {y, y, n},
	"inode_permission_userns":       {n, y, n},
	"iops_fileattr_get":             {n, y, y},
	"iops_get_acl_rcu":              {n, y, n},
	"iops_get_inode_acl":            {n, n, y},
	"iops_setattr_mnt_idmap":        {n, n, y},
	"iops_setattr_userns":           {n, y, n},
	"iter_source":                   {n, y, y},
	"kernel_sendpage":               {y, y, n},
	"kmap_local_page":               {n, y, y},
	"kobj_type_const_namespace":     {n, n, y},
	"linux_filelock_h":              {n, n, y},
	"linux_math_h":                  {n, y, y},
	"linux_mnt_idmapping_h":         {n, y, y},
	"linux_unaligned_h":             {n, n, y},
	"list_lru_add_obj":              {n, n, y},
	"msg_splice_pages":              {n, y, y},
	"netfs_inode":                   {n, y, y},
	"netns_tracker":                 {n, y, y},
	"no_llseek":                     {y, y, n},
	"pde_data":                      {n, y, y},
	"pde_data_upper":                {y, n, n},
	"prandom_u32_max":               {y, y, n},
	"proto_ops_sendpage":            {y, y, n},
	"register_shrinker_name":        {n, y, n},
	"register_sysctl_sz":            {n, n, y},
	"register_sysctl_table":         {y, y, n},
	"shrinker_alloc":                {n, n, y},
	"slab_mem_spread":               {y, y, n},
	"strlcpy":                       {y, y, n},
	"task_freezable":                {n, y, y},
	"timer_shutdown_sync":           {n, y, y},
	"trace_assign_str_1arg":         {n, n, y},
	"trace_sockaddr":                {n, y, y},
	"trace_string_len":              {n, y, y},
	"iov_iter_get_pages2":           {n, y, y},
	"aops_swap_rw":                  {n, y, y},
	"aops_launder_folio":            {n, y, y},
	"kmap_local_folio":              {n, y, y},
	"locks_inode":                   {y, y, n},
	"bvec_set_page":                 {n, y, y},
	"folio_start_fscache":           {n, y, n},
}
