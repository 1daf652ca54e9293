/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the test modules need from kernels older than 6.12 (make check-6.1
 * builds them against 6.1).
 */
#ifndef _ALLOCFAIL_TEST_COMPAT_H
#define _ALLOCFAIL_TEST_COMPAT_H

#include <linux/mmzone.h>
#include <linux/version.h>

/* Highest page order, inclusive: 6.8 renamed MAX_ORDER, exclusive before 6.4. */
#ifndef MAX_PAGE_ORDER
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define MAX_PAGE_ORDER	MAX_ORDER
#else
#define MAX_PAGE_ORDER	(MAX_ORDER - 1)
#endif
#endif

#endif /* _ALLOCFAIL_TEST_COMPAT_H */
