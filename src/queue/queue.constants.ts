/** Queue names and job names, in one place (STYLE §5). */
export const EXECUTIONS_QUEUE = 'executions';
export const RUN_EXECUTION_JOB = 'run-execution';
/** Worker-side attempts of one execution job (each resumes where the previous one stopped). */
export const EXECUTION_JOB_ATTEMPTS = 3;
/** Suite schedules (BullMQ job schedulers), webhook deliveries and suite-run housekeeping; job names in suites/suites-queue.jobs.ts. */
export const SUITES_QUEUE = 'suites';
/** Service housekeeping that must run once across all workers (the retention pass), by BullMQ job scheduler. */
export const MAINTENANCE_QUEUE = 'maintenance';
export const RETENTION_JOB = 'retention-pass';
export const RETENTION_SCHEDULER_ID = 'retention';
