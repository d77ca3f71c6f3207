/* Placeholder until the watch command lands; owned by its area in mk/. */
#include "config.h"

#include "cli.h"

int cmd_watch_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fs_err("'watch' is not implemented yet");
	return FS_EXIT_USAGE;
}
