/** Queue names and job names, in one place (STYLE §5). */
export const EXECUTIONS_QUEUE = 'executions';
export const RUN_EXECUTION_JOB = 'run-execution';
