// SPDX-License-Identifier: GPL-2.0
/*
 * tun_echo NAME READY: the far end of a tun device, for the tun campaign.
 *
 * Creates tun device NAME (IFF_TUN | IFF_NO_PI: bare IPv4 packets), then
 * creates the file READY, then answers every ICMP echo request the kernel
 * routes into the device with an echo reply written back through it, until
 * killed.  So a ping across NAME proves both directions of the driver:
 * tun_do_read() handing the kernel's packets to user space, and
 * tun_get_user() building an skb from user space's (the allocations a
 * campaign fails).  The device is not persistent: it goes when this does.
 *
 * Exit status: 0 never (it runs until killed), 1 when the device cannot
 * be made or read (the reason on stderr), which the workload reports.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* RFC 1071 checksum of len bytes at p. */
static uint16_t csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * echo_reply: turn the IPv4 ICMP echo request in buf (n bytes) into its
 * reply in place; 0 when it is not one (the kernel also routes other
 * packets into the device, which are not answered).
 */
static int echo_reply(uint8_t *buf, ssize_t n)
{
	size_t ihl;
	uint8_t tmp[4];
	uint16_t c;

	if (n < 20 || buf[0] >> 4 != 4)
		return 0;
	ihl = (size_t)(buf[0] & 0xf) * 4;
	if (ihl < 20 || (ssize_t)ihl + 8 > n || buf[9] != 1 || buf[ihl] != 8)
		return 0;
	/* Swapping the addresses keeps the IP header's checksum. */
	memcpy(tmp, buf + 12, 4);
	memcpy(buf + 12, buf + 16, 4);
	memcpy(buf + 16, tmp, 4);
	buf[ihl] = 0;
	buf[ihl + 2] = 0;
	buf[ihl + 3] = 0;
	c = csum(buf + ihl, (size_t)n - ihl);
	buf[ihl + 2] = c >> 8;
	buf[ihl + 3] = c & 0xff;
	return 1;
}

int main(int argc, char **argv)
{
	static uint8_t buf[65536];
	struct ifreq ifr;
	ssize_t n;
	int fd, rfd;

	if (argc != 3 || strlen(argv[1]) >= IFNAMSIZ) {
		fprintf(stderr, "usage: tun_echo NAME READY\n");
		return 2;
	}
	fd = open("/dev/net/tun", O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "tun_echo: /dev/net/tun: %s\n", strerror(errno));
		return 1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", argv[1]);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		fprintf(stderr, "tun_echo: TUNSETIFF %s: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	rfd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (rfd < 0) {
		fprintf(stderr, "tun_echo: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	close(rfd);
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			/*
			 * A failed allocation in tun_do_read() is the
			 * driver's to report; keep serving.
			 */
			if (errno == ENOMEM || errno == EFAULT)
				continue;
			fprintf(stderr, "tun_echo: read %s: %s\n", argv[1],
				strerror(errno));
			return 1;
		}
		/*
		 * A reply that cannot be written (ENOMEM from tun_get_user()
		 * under injection) is a lost packet, which ping counts.
		 */
		if (echo_reply(buf, n) && write(fd, buf, (size_t)n) < 0 &&
		    errno != ENOMEM && errno != ENOBUFS && errno != EFAULT)
			fprintf(stderr, "tun_echo: write %s: %s\n", argv[1],
				strerror(errno));
	}
}
