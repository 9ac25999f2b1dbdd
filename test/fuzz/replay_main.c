/*-------------------------------------------------------------------------
 *
 * replay_main.c
 *		  Run a fuzz target once on each file named, without libFuzzer.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  test/fuzz/replay_main.c
 *
 * For compilers without libFuzzer (gcc): the corpus and any crash file can
 * still be replayed under ASan + UBSan.  Prints one line per file; exits
 * non-zero if a file cannot be read (a crash aborts the run).
 *
 *-------------------------------------------------------------------------
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

extern int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
main(int argc, char **argv)
{
	int			i;
	int			status = 0;

	for (i = 1; i < argc; i++)
	{
		FILE	   *f = fopen(argv[i], "rb");
		uint8_t    *buf;
		long		n;

		if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0)
		{
			perror(argv[i]);
			status = 1;
			if (f)
				fclose(f);
			continue;
		}
		rewind(f);
		buf = malloc(n > 0 ? n : 1);
		if (buf == NULL || fread(buf, 1, n, f) != (size_t) n)
		{
			perror(argv[i]);
			status = 1;
			free(buf);
			fclose(f);
			continue;
		}
		fclose(f);
		LLVMFuzzerTestOneInput(buf, n);
		free(buf);
		printf("ok %s\n", argv[i]);
	}
	printf("replayed %d inputs\n", argc - 1);
	return status;
}
