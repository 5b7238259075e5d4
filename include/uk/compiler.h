/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Small compiler helpers shared by every subsystem.
 */
#ifndef UK_COMPILER_H
#define UK_COMPILER_H

/* One real load or store of memory another domain may change under us. */
#define READ_ONCE(x)     (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

/*
 * Ordering against another domain sharing a page: data before the index that
 * publishes it (wmb), the index before the data it covers (rmb), and both
 * (mb). Compiler builtins, so no arch knowledge here.
 */
#define smp_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define smp_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define smp_mb()  __atomic_thread_fence(__ATOMIC_SEQ_CST)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
