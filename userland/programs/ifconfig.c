/*
 * ifconfig: shows the network interface: its driver, link, addresses and how they were
 * set, its MAC, and its counters: packets and bytes each way, and every reason a packet
 * was dropped (with -a also the reasons that are still 0). -w SECONDS first waits that
 * long at most for the interface to get an address (DHCP runs in the background after
 * boot), and fails with status 1 if it gets none, for scripts and tests.
 */
#include <err.h>
#include <keel.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IFCONFIG_POLL_MS	50

static void
usage(void)
{
	errx(2, "usage: ifconfig [-a] [-w SECONDS]");
}

/* Waits up to secs seconds for interface 0 to have an address. Returns 0, or -1. */
static int
wait_configured(long secs)
{
	struct keel_netinfo n;
	uint64_t deadline = uptime_ms() + (uint64_t)secs * 1000;

	for (;;) {
		if (netinfo(0, &n) > 0 && n.addr != 0)
			return 0;
		if (uptime_ms() >= deadline)
			return -1;
		sleep_ms(IFCONFIG_POLL_MS);
	}
}

/* The counters' names, in keel/net.h's order (NET_CTR_*). */
static const char *const counter_names[NET_COUNTERS] = {
	[NET_CTR_RX_PACKETS] = "rx packets", [NET_CTR_RX_BYTES] = "rx bytes",
	[NET_CTR_TX_PACKETS] = "tx packets", [NET_CTR_TX_BYTES] = "tx bytes",
	[NET_CTR_RX_DROPPED] = "rx dropped", [NET_CTR_RX_ERRORS] = "rx errors",
	[NET_CTR_TX_DROPPED] = "tx dropped", [NET_CTR_TX_ERRORS] = "tx errors",
	[NET_CTR_RUNT] = "runt frames", [NET_CTR_GIANT] = "giant frames",
	[NET_CTR_ETHERTYPE] = "unknown ethertype", [NET_CTR_ARP_BAD] = "bad arp",
	[NET_CTR_ARP_REPLIED] = "arp replies sent", [NET_CTR_ARP_UNRESOLVED] = "arp unresolved",
	[NET_CTR_IP_BAD_HEADER] = "ip bad header", [NET_CTR_IP_BAD_CHECKSUM] = "ip bad checksum",
	[NET_CTR_IP_BAD_LENGTH] = "ip bad length", [NET_CTR_IP_FRAGMENTS] = "ip fragments",
	[NET_CTR_IP_OPTIONS] = "ip options", [NET_CTR_IP_NOT_OURS] = "ip not ours",
	[NET_CTR_IP_PROTOCOL] = "ip unknown protocol", [NET_CTR_ICMP_BAD] = "icmp bad",
	[NET_CTR_ICMP_ECHO_REPLIED] = "icmp echo replies sent",
	[NET_CTR_ICMP_OTHER] = "icmp other", [NET_CTR_UDP_BAD_CHECKSUM] = "udp bad checksum",
	[NET_CTR_UDP_BAD_LENGTH] = "udp bad length", [NET_CTR_UDP_NO_PORT] = "udp no port",
	[NET_CTR_SOCK_QUEUE_FULL] = "socket queue full",
	[NET_CTR_TCP_BAD_CHECKSUM] = "TCP bad checksum",
	[NET_CTR_TCP_BAD_HEADER] = "TCP bad header",
	[NET_CTR_TCP_BAD_SEGMENT] = "tcp bad segment", [NET_CTR_TCP_RST_SENT] = "tcp resets sent",
	[NET_CTR_TCP_OUT_OF_WINDOW] = "tcp out of window",
	[NET_CTR_TCP_CHALLENGE_ACKS] = "tcp challenge acks",
	[NET_CTR_TCP_SYN_EVICTED] = "tcp syn evicted", [NET_CTR_TCP_RETRANSMITS] = "tcp retransmits",
	[NET_CTR_TCP_WINDOW_PROBES] = "tcp window probes",
};

static const char *const config_names[] = {
	[NET_CONFIG_NONE] = "not configured", [NET_CONFIG_STATIC] = "static",
	[NET_CONFIG_DHCP] = "dhcp",
};

static void
show(const struct keel_netinfo *n, int all)
{
	char a[INET_ADDR_LEN], m[INET_ADDR_LEN], g[INET_ADDR_LEN];
	const uint64_t *c = n->counters;

	char irq[16] = "polled";

	if (n->irq != 0xff)
		snprintf(irq, sizeof(irq), "IRQ %u", n->irq);
	printf("%s: %s, link %s, %s\n", n->name, n->driver, n->link_up ? "up" : "down", irq);
	printf("    ether %02x:%02x:%02x:%02x:%02x:%02x\n", n->mac[0], n->mac[1], n->mac[2],
	       n->mac[3], n->mac[4], n->mac[5]);
	printf("    inet %s/%u  netmask %s  gateway %s  (%s)\n", inet_format(n->addr, a), n->prefix,
	       inet_format(n->netmask, m), inet_format(n->gateway, g),
	       n->config < 3 ? config_names[n->config] : "?");
	printf("    RX packets %lu  bytes %lu  dropped %lu  errors %lu\n",
	       (unsigned long)c[NET_CTR_RX_PACKETS], (unsigned long)c[NET_CTR_RX_BYTES],
	       (unsigned long)c[NET_CTR_RX_DROPPED], (unsigned long)c[NET_CTR_RX_ERRORS]);
	printf("    TX packets %lu  bytes %lu  dropped %lu  errors %lu\n",
	       (unsigned long)c[NET_CTR_TX_PACKETS], (unsigned long)c[NET_CTR_TX_BYTES],
	       (unsigned long)c[NET_CTR_TX_DROPPED], (unsigned long)c[NET_CTR_TX_ERRORS]);
	for (int i = NET_CTR_RUNT; i < NET_COUNTERS; i++)
		if (all || c[i])
			printf("    %s: %lu\n", counter_names[i], (unsigned long)c[i]);
}

int
main(int argc, char **argv)
{
	struct keel_netinfo n;
	long wait = -1;
	int all = 0, r, i;

	for (i = 1; i < argc; i++) {
		char *end;
		if (strcmp(argv[i], "-a") == 0) {
			all = 1;
		} else if (strcmp(argv[i], "-w") == 0 && i + 1 < argc) {
			wait = strtol(argv[++i], &end, 10);
			if (*argv[i] == '\0' || *end != '\0' || wait < 0 || wait > 3600)
				usage();
		} else {
			usage();
		}
	}
	if (wait >= 0 && wait_configured(wait) != 0) {
		warnx("no address after %ld seconds", wait);
		return 1;
	}
	for (i = 0; (r = netinfo(i, &n)) > 0; i++)
		show(&n, all);
	if (r < 0)
		err(1, "netinfo");
	if (i == 0)
		printf("no network interface\n");
	return 0;
}
