/* Placeholder until the diff command lands; owned by its area in mk/. */
#include "config.h"

#include "cli.h"

int cmd_diff_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fs_err("'diff' is not implemented yet");
	return FS_EXIT_USAGE;
}
