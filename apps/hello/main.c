/*
 * hello: the smallest useful app. Prints with printf (integers, strings,
 * floats) and echoes its command line.
 */
#include <stdio.h>

int main(int argc, char **argv)
{
    printf("Hello from libunikernel!\n");
    printf("int %d, negative %d, hex %#x, long long %lld\n", 42, -7, 0xbeef,
           1234567890123ll);
    printf("string '%s', float %.3f, exp %g\n", "xen", 3.14159, 6.02e23);
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("argv[%d]=%s\n", i, argv[i]);
    return 0;
}
