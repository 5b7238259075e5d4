/* SPDX-License-Identifier: BSD-2-Clause */
/* Host tests for xenstore/xs_wire.c: ring arithmetic and reply parsing. */
#include <errno.h>
#include <string.h>

#include "../../xenstore/xs_wire.h"
#include "check.h"

TEST(ring_indices_including_wraparound)
{
    CHECK_EQ(xs_ring_readable(0, 0), 0);
    CHECK_EQ(xs_ring_readable(10, 30), 20);
    CHECK_EQ(xs_ring_readable(0xfffffff0u, 0x10u), 0x20); /* the u32 indices wrap */
    CHECK_EQ(xs_ring_readable(0, XENSTORE_RING_SIZE), XENSTORE_RING_SIZE);
    CHECK_EQ(xs_ring_readable(0, XENSTORE_RING_SIZE + 1), -EIO);
    CHECK_EQ(xs_ring_readable(100, 50), -EIO); /* producer behind consumer */
    CHECK_EQ(xs_ring_writable(0, 0), XENSTORE_RING_SIZE);
    CHECK_EQ(xs_ring_writable(0xffffffffu, 0xffffffffu + 1024u), 0);
    CHECK_EQ(xs_ring_writable(5, 4), -EIO);
}

TEST(headers_are_checked)
{
    struct xsd_sockmsg h = {.type = XS_READ, .len = XENSTORE_PAYLOAD_MAX};

    CHECK_EQ(xs_check_header(&h), 0);
    h.len = XENSTORE_PAYLOAD_MAX + 1;
    CHECK_EQ(xs_check_header(&h), -EIO);
    h.len = 0;
    h.type = XS_TYPE_COUNT + 5;
    CHECK_EQ(xs_check_header(&h), -EIO);
}

TEST(errors_map_to_errno)
{
    CHECK_EQ(xs_parse_error("ENOENT", 7), -ENOENT);
    CHECK_EQ(xs_parse_error("EACCES", 7), -EACCES);
    CHECK_EQ(xs_parse_error("EAGAIN", 7), -EAGAIN);
    CHECK_EQ(xs_parse_error("E2BIG", 6), -E2BIG);
    CHECK_EQ(xs_parse_error("ENOENT", 6), -EIO); /* no terminating NUL */
    CHECK_EQ(xs_parse_error("EWHATEVER", 10), -EIO);
    CHECK_EQ(xs_parse_error("", 0), -EIO);
}

TEST(string_lists_need_their_nul)
{
    const char *s[4];

    CHECK_EQ(xs_parse_strings("a\0bc\0", 5, s, 4), 2);
    CHECK(strcmp(s[1], "bc") == 0);
    CHECK_EQ(xs_parse_strings("a\0bc", 4, s, 4), -EIO);
    CHECK_EQ(xs_parse_strings("", 0, s, 4), 0);
    CHECK_EQ(xs_parse_strings("a\0b\0c\0", 6, s, 2), 3); /* counted, only 2 stored */
}

TEST(watch_events_have_path_and_token)
{
    const char *path, *token;

    CHECK_EQ(xs_parse_watch_event("/a/b\0tok\0", 9, &path, &token), 0);
    CHECK(strcmp(path, "/a/b") == 0 && strcmp(token, "tok") == 0);
    CHECK_EQ(xs_parse_watch_event("/a/b\0", 5, &path, &token), -EIO);
    CHECK_EQ(xs_parse_watch_event("/a/b\0tok", 8, &path, &token), -EIO);
}

TEST(numbers)
{
    unsigned long v;

    CHECK_EQ(xs_parse_uint("42", 2, &v), 0);
    CHECK_EQ(v, 42);
    CHECK_EQ(xs_parse_uint("42\0", 3, &v), 0);
    CHECK_EQ(xs_parse_uint("", 0, &v), -EIO);
    CHECK_EQ(xs_parse_uint("4x", 2, &v), -EIO);
    CHECK_EQ(xs_parse_uint("12345678901", 11, &v), -EIO);
}

TEST(directory_parts_as_xenstored_sends_them)
{
    const char *gen, *ch;
    uint32_t clen;
    bool last;

    /* A middle part: children, no closing empty string. */
    CHECK_EQ(xs_parse_directory_part("7\0a\0bb\0", 7, &gen, &ch, &clen, &last), 0);
    CHECK(strcmp(gen, "7") == 0 && !last);
    CHECK_EQ(clen, 5);
    /* A part that ends the list. */
    CHECK_EQ(xs_parse_directory_part("7\0c\0\0", 5, &gen, &ch, &clen, &last), 0);
    CHECK(last);
    CHECK_EQ(clen, 2);
    /* Offset past the end: only the empty string. */
    CHECK_EQ(xs_parse_directory_part("7\0\0", 3, &gen, &ch, &clen, &last), 0);
    CHECK(last);
    CHECK_EQ(clen, 0);
    /* Broken ones. */
    CHECK_EQ(xs_parse_directory_part("7", 1, &gen, &ch, &clen, &last), -EIO);
    CHECK_EQ(xs_parse_directory_part("x\0a\0", 4, &gen, &ch, &clen, &last), -EIO);
    CHECK_EQ(xs_parse_directory_part("7\0ab", 4, &gen, &ch, &clen, &last), -EIO);
    CHECK_EQ(xs_parse_directory_part("\0a\0", 3, &gen, &ch, &clen, &last), -EIO);
}
