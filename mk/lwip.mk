# SPDX-License-Identifier: BSD-2-Clause
# lwIP 2.1.3, from Debian's source package (`apt-get source`, deb-src from
# `make deps`), unpacked once into the build tree and never committed. Its
# core, api/ and netif/ethernet.c are compiled with the runtime's flags into
# the runtime (mk/lib.mk); the port (options, sys_arch, glue) is net/.
LWIP_VERSION := 2.1.3
LWIP_DIR := $(BUILD)/lwip-src
LWIP_STAMP := $(LWIP_DIR)/.unpacked

lwip-src: $(LWIP_STAMP)

# apt-get source unpacks into the current directory and needs no root. The
# archive's one version of lwip is taken, and checked to be $(LWIP_VERSION).
$(LWIP_STAMP):
	$(Q)echo "  LWIP    apt-get source lwip ($(LWIP_VERSION)) into $(LWIP_DIR)"
	$(Q)rm -rf $(LWIP_DIR) $(BUILD)/lwip-get && mkdir -p $(BUILD)/lwip-get
	$(Q)cd $(BUILD)/lwip-get && apt-get source -q --download-only lwip >get.log 2>&1 || \
		{ cat get.log; echo "lwip: apt-get source failed (make deps adds deb-src)"; exit 1; }
	$(Q)cd $(BUILD)/lwip-get && ls lwip_$(LWIP_VERSION)[+-]*.dsc >/dev/null 2>&1 || \
		{ ls; echo "lwip: the archive's source package is not lwIP $(LWIP_VERSION)"; exit 1; }
	$(Q)cd $(BUILD)/lwip-get && dpkg-source -x --skip-patches lwip_$(LWIP_VERSION)*.dsc src >>get.log 2>&1 || \
		{ cat get.log; exit 1; }
	$(Q)mv $(BUILD)/lwip-get/src $(LWIP_DIR) && rm -rf $(BUILD)/lwip-get
	$(Q)test -f $(LWIP_DIR)/src/core/tcp.c
	$(Q)touch $@
.PHONY: lwip-src

# What the runtime takes of lwIP: IPv4 core with TCP, UDP, ICMP, DHCP, DNS,
# the ethernet/ARP layer and the sequential APIs (tcpip thread, netconn,
# sockets). The object list is fixed (not a wildcard over an unpacked tree
# that may not exist yet when make reads this).
LWIP_CORE := init def dns inet_chksum ip mem memp netif pbuf raw stats sys tcp tcp_in \
	tcp_out timeouts udp ipv4/dhcp ipv4/etharp ipv4/icmp ipv4/ip4 ipv4/ip4_addr ipv4/ip4_frag
LWIP_API := api_lib api_msg err if_api netbuf netdb netifapi sockets tcpip
LWIP_SRCS := $(patsubst %,src/core/%.c,$(LWIP_CORE)) $(patsubst %,src/api/%.c,$(LWIP_API)) \
	src/netif/ethernet.c
LWIP_OBJS := $(patsubst %,$(BUILD)/obj/lwip/%.o,$(LWIP_SRCS))
# lwIP's own code is not held to the runtime's warnings: -Werror off, and the
# warnings its 2.1.3 sources raise with gcc 12 kept quiet.
LWIP_CFLAGS = $(filter-out -Werror -Wmissing-prototypes,$(TARGET_CFLAGS)) -I$(TOP)/net \
	-I$(LWIP_DIR)/src/include -Wno-unused-parameter -Wno-address -Wno-sign-compare

$(LWIP_DIR)/src/%.c: $(LWIP_STAMP)
	@:
# Made by a pattern rule, the sources would be intermediate files, which make
# deletes once it has built their objects (the next build then fails).
.SECONDARY: $(addprefix $(LWIP_DIR)/,$(LWIP_SRCS))

$(BUILD)/obj/lwip/%.c.o: $(LWIP_DIR)/%.c $(LWIP_STAMP) $(NEWLIB_STAMP) $(TOP)/net/lwipopts.h | $(BUILD)/include/xen
	$(Q)mkdir -p $(dir $@)
	$(Q)echo "  CC      lwip/$*"
	$(Q)$(TARGET_CC) $(LWIP_CFLAGS) -I$(TOP) -MMD -MP -c $< -o $@

-include $(LWIP_OBJS:.o=.d)
