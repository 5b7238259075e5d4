/*
 * kvsnprintf: the runtime's integer-only formatter (see <uk/format.h>).
 * One pass over fmt; every byte goes through put(), which counts it and
 * stores it only while it fits, so a short buffer never changes the result.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include <uk/format.h>

struct out {
    char *buf;
    size_t size;
    size_t len;
};

struct spec {
    bool left, zero, alt, plus, space;
    size_t width;
    int prec;    /* -1: none given */
    char length; /* 'H' hh, 'h', 'l', 'L' ll, 'z', 'j', 't', 0: none */
};

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

    if (!s->left && !(s->zero && s->prec < 0))
        put_n(o, ' ', fill);
    put_s(o, prefix, plen);
    if (!s->left && s->zero && s->prec < 0)
        put_n(o, '0', fill);
    put_n(o, '0', zeros);
    put_s(o, body, n);
    if (s->left)
        put_n(o, ' ', fill);
}

static void put_int(struct out *o, const struct spec *s, uintmax_t v, bool neg, char conv)
{
    const char *set = conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    unsigned int base = conv == 'o' ? 8 : conv == 'x' || conv == 'X' || conv == 'p' ? 16 : 10;
    char digits[24]; /* 22 octal digits for 64 bits */
    size_t n = 0, zeros;
    const char *prefix = "";
    bool is_signed = conv == 'd' || conv == 'i';

    for (uintmax_t x = v; x; x /= base)
        digits[sizeof(digits) - ++n] = set[x % base];
    if (n == 0 && s->prec != 0)
        digits[sizeof(digits) - ++n] = '0';
    zeros = s->prec > 0 && (size_t)s->prec > n ? (size_t)s->prec - n : 0;
    if (is_signed)
        prefix = neg ? "-" : s->plus ? "+" : s->space ? " " : "";
    else if (conv == 'p' || (s->alt && v && conv != 'o'))
        prefix = conv == 'X' ? "0X" : "0x"; /* %p as newlib does: 0x0 for NULL */
    else if (s->alt && conv == 'o' && zeros == 0 && (n == 0 || digits[sizeof(digits) - n] != '0'))
        zeros = 1;
    put_field(o, s, prefix, zeros, digits + sizeof(digits) - n, n);
}

static intmax_t arg_signed(const struct spec *s, va_list *ap)
{
    switch (s->length) {
    case 'H':
        return (signed char)va_arg(*ap, int);
    case 'h':
        return (short)va_arg(*ap, int);
    case 'l':
        return va_arg(*ap, long);
    case 'L':
        return va_arg(*ap, long long);
    case 'z':
    case 't':
        return va_arg(*ap, ptrdiff_t); /* the signed type of size_t's width */
    case 'j':
        return va_arg(*ap, intmax_t);
    default:
        return va_arg(*ap, int);
    }
}

static uintmax_t arg_unsigned(const struct spec *s, va_list *ap)
{
    switch (s->length) {
    case 'H':
        return (unsigned char)va_arg(*ap, unsigned int);
    case 'h':
        return (unsigned short)va_arg(*ap, unsigned int);
    case 'l':
        return va_arg(*ap, unsigned long);
    case 'L':
        return va_arg(*ap, unsigned long long);
    case 'z':
    case 't':
        return va_arg(*ap, size_t);
    case 'j':
        return va_arg(*ap, uintmax_t);
    default:
        return va_arg(*ap, unsigned int);
    }
}

/* Flags, width, precision, length; returns where the conversion letter is. */
static const char *parse_spec(const char *f, struct spec *s, va_list *ap)
{
    *s = (struct spec){.prec = -1};
    for (;; f++) {
        if (*f == '-')
            s->left = true;
        else if (*f == '0')
            s->zero = true;
        else if (*f == '#')
            s->alt = true;
        else if (*f == '+')
            s->plus = true;
        else if (*f == ' ')
            s->space = true;
        else
            break;
    }
    if (*f == '*') {
        int w = va_arg(*ap, int);

        s->left |= w < 0;
        s->width = w < 0 ? -(size_t)w : (size_t)w;
        f++;
    }
    for (; *f >= '0' && *f <= '9'; f++)
        s->width = s->width * 10 + (size_t)(*f - '0');
    if (*f == '.') {
        f++;
        s->prec = 0;
        if (*f == '*') {
            int p = va_arg(*ap, int);

            s->prec = p < 0 ? -1 : p;
            f++;
        }
        for (; *f >= '0' && *f <= '9'; f++)
            s->prec = s->prec * 10 + (*f - '0');
    }
    if ((f[0] == 'h' || f[0] == 'l') && f[1] == f[0]) {
        s->length = f[0] == 'h' ? 'H' : 'L';
        f += 2;
    } else if (*f == 'h' || *f == 'l' || *f == 'z' || *f == 'j' || *f == 't') {
        s->length = *f++;
    }
    return f;
}

/* One conversion, its letter `conv`; false when it is not one of ours. */
static bool convert(struct out *o, struct spec *s, char conv, va_list *ap)
{
    char c;
    const char *str;

    switch (conv) {
    case 'd':
    case 'i': {
        intmax_t v = arg_signed(s, ap);

        put_int(o, s, v < 0 ? -(uintmax_t)v : (uintmax_t)v, v < 0, conv);
        return true;
    }
    case 'u':
    case 'o':
    case 'x':
    case 'X':
        put_int(o, s, arg_unsigned(s, ap), false, conv);
        return true;
    case 'p':
        put_int(o, s, (uintptr_t)va_arg(*ap, void *), false, 'p');
        return true;
    case 'c':
        c = (char)va_arg(*ap, int);
        s->prec = -1;
        put_field(o, s, "", 0, &c, 1);
        return true;
    case 's':
        str = va_arg(*ap, const char *);
        if (!str)
            str = "(null)";
        put_field(o, s, "", 0, str, str_len(str, s->prec < 0 ? SIZE_MAX : (size_t)s->prec));
        return true;
    case '%':
        put(o, '%');
        return true;
    default:
        return false;
    }
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
