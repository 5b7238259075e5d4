/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The boot sequence: kernel_start, from the CPU set up by arch/ to the
 * app's main() (console, memory, scheduler, init calls, argv), then exit()
 * with main's result; and kernel_exit, the way out. Memory bring-up is
 * mem_init.c, the boot report's phases boot_report.c.
 */
#include <stdlib.h>

#include <internal/arch.h>
#include <internal/cmdline.h>
#include <internal/console.h>
#include <internal/hypercall.h>
#include <internal/kernel.h>
#include <internal/ksyms.h>
#include <internal/sched.h>
#include <uk/sched.h>
#include <uk/shutdown.h>
#include <xen/sched.h>

#include "boot_private.h"

#define ARGV_MAX 64

/* The application's entry point. */
int main(int argc, char **argv);

/* Set by the app's build (mk/app.mk): its name is argv[0]. */
extern const char uk_app_name[];

static char argbuf[BOOT_CMDLINE_MAX];
static char *argv[ARGV_MAX];
static const struct boot_info *boot;

const struct boot_info *kernel_boot_info(void)
{
    return boot;
}

/* net/ and blk/ each take their keys; room for a few more. */
#define CLAIMERS_MAX 4
static bool (*cmdline_claim[CLAIMERS_MAX])(const char *word);
static unsigned int nclaimers;

const char *kernel_cmdline(void)
{
    return boot ? boot->cmdline : NULL;
}

void kernel_cmdline_claim(bool (*claim)(const char *word))
{
    if (nclaimers == CLAIMERS_MAX)
        uk_panic("boot: more than %d subsystems claim command-line keys", CLAIMERS_MAX);
    cmdline_claim[nclaimers++] = claim;
}

static bool claimed(const char *word)
{
    for (unsigned int i = 0; i < nclaimers; i++)
        if (cmdline_claim[i](word))
            return true;
    return false;
}

/* Leaves out the words a subsystem took as its own (kernel_cmdline_claim). */
static int drop_claimed(int argc)
{
    int n = 1;

    if (!nclaimers)
        return argc;
    for (int i = 1; i < argc; i++)
        if (!claimed(argv[i]))
            argv[n++] = argv[i];
    argv[n] = NULL;
    return n;
}

static int build_argv(const struct boot_info *bi)
{
    struct cmdline_args a;

    argv[0] = (char *)uk_app_name;
    a = cmdline_parse(bi->cmdline, argbuf, sizeof(argbuf), argv, ARGV_MAX, 1);
    if (bi->cmdline_truncated || a.truncated)
        uk_printf("warning: command line too long: truncated to %d arguments\n", a.argc);
    return drop_claimed(a.argc);
}

extern const initcall_t __initcall_start[], __initcall_end[];

static void run_initcalls(void)
{
    for (const initcall_t *c = __initcall_start; c < __initcall_end; c++) {
        int rc = (*c)();
        uintptr_t off;
        const char *name = ksym_lookup((uintptr_t)*c, &off);

        if (!name)
            name = "an init call";
        if (rc)
            uk_panic("boot: %s failed: %d", name, rc);
        /* The phase is named after the init call (its symbol). */
        kernel_boot_mark(name);
    }
}

void kernel_start(const struct boot_info *bi)
{
    int rc, argc;

    boot = bi;
    boot_report_start(bi);
    rc = console_init();
    if (rc) {
        static const char msg[] = "warning: no PV console; output goes to port 0xE9 only\n";

        arch_debug_write(msg, sizeof(msg) - 1);
    }
    kernel_boot_mark("console");
    memory_init(bi);
    sched_init();
    kernel_boot_mark("scheduler");
    run_initcalls();
    argc = build_argv(bi);
    kernel_boot_mark("argv");
    boot_report_enter_main();
    exit(main(argc, argv));
}

void kernel_exit(int status)
{
    static bool exiting;

    /*
     * Two threads on the way out (a shutdown request's exit(0) and main's
     * own return): the first ends the domain, the other waits for that,
     * rather than print and flush a second time.
     */
    if (exiting) {
        struct uk_waitq never;

        uk_waitq_init(&never);
        for (;;)
            uk_waitq_wait(&never, "another thread's exit");
    }
    exiting = true;
    uk_printf("exit status %d\n", status);
    console_flush();
    if (status != 0)
        xen_shutdown(SHUTDOWN_crash);
    xen_shutdown(kernel_shutdown_reason() == UK_SHUTDOWN_REBOOT ? SHUTDOWN_reboot
                                                                : SHUTDOWN_poweroff);
}
