// SPDX-License-Identifier: GPL-2.0
/*
 * insmod_once FILE [PARAMS...]: load a module with finit_module(2), once.
 *
 * busybox insmod and modprobe retry a failed finit_module() with
 * init_module(), so a module whose init fails runs its init twice.  A
 * campaign that fails the n-th allocation of a load would see the retry
 * succeed and call the run clean.  Exit status: 0, or the errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char params[4096] = "";
	size_t len = 0;
	int fd, i;

	if (argc < 2) {
		fprintf(stderr, "usage: insmod_once FILE [PARAMS...]\n");
		return 2;
	}
	for (i = 2; i < argc; i++) {
		int n = snprintf(params + len, sizeof(params) - len, "%s%s",
				 len ? " " : "", argv[i]);

		if (n < 0 || (size_t)n >= sizeof(params) - len) {
			fprintf(stderr, "insmod_once: parameters too long\n");
			return 2;
		}
		len += n;
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0 || syscall(SYS_finit_module, fd, params, 0)) {
		int err = errno;

		fprintf(stderr, "insmod_once: %s: %s\n", argv[1], strerror(err));
		return err & 0xff ? err & 0xff : 1;
	}
	return 0;
}
