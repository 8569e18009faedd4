/** Links a UI can show beside an execution (see ExecutionLinksDto). */
export interface ExecutionLinks {
  trace?: string;
}

/** `template` is TRACE_VIEWER_URL_TEMPLATE; trace ids are hex, so they need no URL encoding. */
export function executionLinks(execution: { traceId: string }, template: string | undefined): ExecutionLinks {
  return template && execution.traceId ? { trace: template.replaceAll('{traceId}', execution.traceId) } : {};
}
