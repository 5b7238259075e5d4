/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The runtime's own snprintf: integers, characters, strings and pointers,
 * no floating point. Everything the runtime formats goes through it, so an
 * app that never prints a float does not carry newlib's floating-point
 * vfprintf and dtoa (about 25 KB). Apps keep newlib's printf family.
 */
#ifndef INTERNAL_FORMAT_H
#define INTERNAL_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * C99 snprintf for the conversions d i u o x X c s p %, the flags - 0 # + and
 * space, a width and a precision (digits or *), and the lengths hh h l ll z j t.
 * Returns the length the whole output would have; writes at most size bytes,
 * NUL included. At a conversion it does not know (%f, %n, ...) it stops
 * converting: that and the rest of fmt are copied as they are, so that no
 * argument is ever read as the wrong type.
 */
__attribute__((format(printf, 3, 0))) int kvsnprintf(char *buf, size_t size, const char *fmt,
                                                     va_list ap);
__attribute__((format(printf, 3, 4))) int ksnprintf(char *buf, size_t size, const char *fmt, ...);

#endif
