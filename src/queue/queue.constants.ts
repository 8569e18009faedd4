/** Queue names and job names, in one place (STYLE §5). */
export const EXECUTIONS_QUEUE = 'executions';
export const RUN_EXECUTION_JOB = 'run-execution';
/** Suite schedules (BullMQ job schedulers), webhook deliveries and suite-run housekeeping; job names in suites/suites-queue.jobs.ts. */
export const SUITES_QUEUE = 'suites';
