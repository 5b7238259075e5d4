/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Small compiler helpers shared by every subsystem.
 */
#ifndef UK_COMPILER_H
#define UK_COMPILER_H

/* One real load or store of memory another domain may change under us. */
#define UK_READ_ONCE(x)     (*(const volatile __typeof__(x) *)&(x))
#define UK_WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

/*
 * Ordering against another domain sharing a page: data before the index that
 * publishes it (wmb), the index before the data it covers (rmb), and both
 * (mb). Compiler builtins, so no arch knowledge here.
 */
#define uk_smp_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define uk_smp_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define uk_smp_mb()  __atomic_thread_fence(__ATOMIC_SEQ_CST)

#define UK_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
