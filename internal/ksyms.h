/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The image's own symbol table, for symbolised backtraces. The build links
 * each app twice: the second link adds a table of every function's address
 * and name (generated from the first link by tools/gen-ksyms.sh), placed so
 * that no code moves between the two links.
 */
#ifndef INTERNAL_KSYMS_H
#define INTERNAL_KSYMS_H

#include <stdint.h>

/*
 * The function containing `addr`: its name, and in *offset how far into it
 * addr lies. NULL when addr is outside every known function.
 */
const char *ksym_lookup(uintptr_t addr, uintptr_t *offset);

#endif
