/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kvsnprintf: the runtime's integer-only formatter (see <internal/format.h>).
 * One pass over fmt; every byte goes through put(), which counts it and
 * stores it only while it fits, so a short buffer never changes the result.
 * Letters are looked up in strings rather than tested one by one: GCC turns
 * chains of character tests into jump tables, 1.6 KB of them here.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include <internal/format.h>

struct out {
    char *buf;
    size_t size;
    size_t len;
};

/* The flags, in the order of their letters in "-0#+ ". */
enum { F_LEFT = 1, F_ZERO = 2, F_ALT = 4, F_PLUS = 8, F_SPACE = 16 };

/* The lengths, in the order of their letters in "hlzjt", then hh and ll. */
enum length { LEN_H, LEN_L, LEN_Z, LEN_J, LEN_T, LEN_HH, LEN_LL, LEN_INT };

struct spec {
    unsigned int flags;
    size_t width;
    int prec; /* -1: none given */
    enum length length;
};

/* Where c is in set, or -1 (never for '\0'). */
static int index_of(const char *set, char c)
{
    for (int i = 0; c && set[i]; i++)
        if (set[i] == c)
            return i;
    return -1;
}

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void put_n(struct out *o, char c, size_t n)
{
    while (n--)
        put(o, c);
}

static void put_s(struct out *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put(o, s[i]);
}

static size_t str_len(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

/* prefix, then `zeros` zeros, then body, padded to the width. */
static void put_field(struct out *o, const struct spec *s, const char *prefix, size_t zeros,
                      const char *body, size_t n)
{
    size_t plen = str_len(prefix, 2);
    size_t total = plen + zeros + n;
    size_t fill = s->width > total ? s->width - total : 0;
    bool left = s->flags & F_LEFT;
    bool zero_fill = !left && (s->flags & F_ZERO) && s->prec < 0;

    if (!left && !zero_fill)
        put_n(o, ' ', fill);
    put_s(o, prefix, plen);
    put_n(o, '0', (zero_fill ? fill : 0) + zeros);
    put_s(o, body, n);
    if (left)
        put_n(o, ' ', fill);
}

static void put_int(struct out *o, const struct spec *s, uintmax_t v, bool neg, char conv)
{
    const char *set = conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    unsigned int base = conv == 'o' ? 8 : conv == 'x' || conv == 'X' || conv == 'p' ? 16 : 10;
    char digits[24]; /* 22 octal digits for 64 bits */
    size_t n = 0, zeros;
    const char *prefix = "";

    for (uintmax_t x = v; x; x /= base)
        digits[sizeof(digits) - ++n] = set[x % base];
    if (n == 0 && s->prec != 0)
        digits[sizeof(digits) - ++n] = '0';
    zeros = s->prec > 0 && (size_t)s->prec > n ? (size_t)s->prec - n : 0;
    if (conv == 'd' || conv == 'i')
        prefix = neg ? "-" : s->flags & F_PLUS ? "+" : s->flags & F_SPACE ? " " : "";
    else if (conv == 'p' || (s->flags & F_ALT && v && conv != 'o'))
        prefix = conv == 'X' ? "0X" : "0x"; /* %p as newlib does: 0x0 for NULL */
    else if (s->flags & F_ALT && conv == 'o' && zeros == 0 &&
             (n == 0 || digits[sizeof(digits) - n] != '0'))
        zeros = 1;
    put_field(o, s, prefix, zeros, digits + sizeof(digits) - n, n);
}

static intmax_t arg_signed(const struct spec *s, va_list *ap)
{
    switch (s->length) {
    case LEN_HH:
        return (signed char)va_arg(*ap, int);
    case LEN_H:
        return (short)va_arg(*ap, int);
    case LEN_L:
        return va_arg(*ap, long);
    case LEN_LL:
        return va_arg(*ap, long long);
    case LEN_Z:
    case LEN_T:
        return va_arg(*ap, ptrdiff_t); /* the signed type of size_t's width */
    case LEN_J:
        return va_arg(*ap, intmax_t);
    default:
        return va_arg(*ap, int);
    }
}

static uintmax_t arg_unsigned(const struct spec *s, va_list *ap)
{
    switch (s->length) {
    case LEN_HH:
        return (unsigned char)va_arg(*ap, unsigned int);
    case LEN_H:
        return (unsigned short)va_arg(*ap, unsigned int);
    case LEN_L:
        return va_arg(*ap, unsigned long);
    case LEN_LL:
        return va_arg(*ap, unsigned long long);
    case LEN_Z:
    case LEN_T:
        return va_arg(*ap, size_t);
    case LEN_J:
        return va_arg(*ap, uintmax_t);
    default:
        return va_arg(*ap, unsigned int);
    }
}

/* A width or precision: digits, or * for the next int argument. */
static const char *parse_number(const char *f, int *n, va_list *ap)
{
    if (*f == '*') {
        *n = va_arg(*ap, int);
        return f + 1;
    }
    for (*n = 0; *f >= '0' && *f <= '9'; f++)
        *n = *n > (INT_MAX - 9) / 10 ? INT_MAX : *n * 10 + (*f - '0');
    return f;
}

/* Flags, width, precision, length; returns where the conversion letter is. */
static const char *parse_spec(const char *f, struct spec *s, va_list *ap)
{
    int i, w;

    *s = (struct spec){.prec = -1, .length = LEN_INT};
    for (; (i = index_of("-0#+ ", *f)) >= 0; f++)
        s->flags |= 1u << i;
    f = parse_number(f, &w, ap);
    if (w < 0)
        s->flags |= F_LEFT;
    s->width = w < 0 ? -(size_t)w : (size_t)w;
    if (*f == '.') {
        f = parse_number(f + 1, &s->prec, ap);
        if (s->prec < 0)
            s->prec = -1;
    }
    if ((f[0] == 'h' || f[0] == 'l') && f[1] == f[0]) {
        s->length = f[0] == 'h' ? LEN_HH : LEN_LL;
        f += 2;
    } else if ((i = index_of("hlzjt", *f)) >= 0) {
        s->length = (enum length)i;
        f++;
    }
    return f;
}

/* One conversion, its letter `conv`; false when it is not one of ours. */
static bool convert(struct out *o, struct spec *s, char conv, va_list *ap)
{
    int k = index_of("diuoxXpcs%", conv);

    if (k < 0)
        return false;
    if (k < 2) {
        intmax_t v = arg_signed(s, ap);

        put_int(o, s, v < 0 ? -(uintmax_t)v : (uintmax_t)v, v < 0, conv);
    } else if (k < 6) {
        put_int(o, s, arg_unsigned(s, ap), false, conv);
    } else if (conv == 'p') {
        put_int(o, s, (uintptr_t)va_arg(*ap, void *), false, conv);
    } else if (conv == 'c') {
        char c = (char)va_arg(*ap, int);

        s->prec = -1;
        put_field(o, s, "", 0, &c, 1);
    } else if (conv == 's') {
        const char *str = va_arg(*ap, const char *);

        if (!str)
            str = "(null)";
        put_field(o, s, "", 0, str, str_len(str, s->prec < 0 ? SIZE_MAX : (size_t)s->prec));
    } else {
        put(o, '%');
    }
    return true;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = {buf, size, 0};
    struct spec s;
    va_list aq;
    const char *f = fmt;

    /* A copy, so that the helpers can take its address whatever va_list is. */
    va_copy(aq, ap);
    while (*f) {
        const char *start = f;

        if (*f != '%') {
            put(&o, *f++);
            continue;
        }
        f = parse_spec(f + 1, &s, &aq);
        if (!convert(&o, &s, *f, &aq)) {
            put_s(&o, start, str_len(start, SIZE_MAX));
            break;
        }
        f++;
    }
    va_end(aq);
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return o.len > INT_MAX ? -1 : (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
