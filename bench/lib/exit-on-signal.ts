/**
 * Preloaded (`node -r`) into a profiled worker: SIGUSR2 exits the process normally, so `--cpu-prof`
 * writes its profile (a process killed by SIGTERM/SIGKILL never does, and Nest re-raises SIGTERM).
 */
process.on('SIGUSR2', () => process.exit(0));
