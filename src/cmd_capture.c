/* Placeholder until the capture command lands; owned by its area in mk/. */
#include "config.h"

#include "cli.h"

int cmd_capture_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fs_err("'capture' is not implemented yet");
	return FS_EXIT_USAGE;
}
