/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The nfsd_nlcache authors.
 *
 * Netlink socket options and flags that older C library or kernel headers
 * may lack; the values are fixed by the UAPI. Shared by the protocol
 * library (nlc_nl.c) and the VM test programs (tests/vm/nlc-nltest.h).
 */
#ifndef NLC_NL_COMPAT_H
#define NLC_NL_COMPAT_H

#include <sys/socket.h>
#include <linux/netlink.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK	10
#endif
#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK	11
#endif
#ifndef NLM_F_CAPPED
#define NLM_F_CAPPED	0x100
#endif
#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS	0x200
#endif

#endif /* NLC_NL_COMPAT_H */
