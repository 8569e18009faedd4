import type { SuiteRunReport } from '../reports/suite-run-report';
import type { WebhookFormat, WebhookTrigger } from './suite-webhook.entity';

export const WEBHOOK_EVENT = 'suite_run.finished';

/**
 * Whether a webhook fires for a finished run. `on-change` compares with the suite's previous finished
 * run; without one, only a run that did not pass is news.
 */
export function shouldNotify(trigger: WebhookTrigger, status: string, previousStatus: string | null): boolean {
  switch (trigger) {
    case 'always':
      return true;
    case 'on-failure':
      return status !== 'COMPLETED';
    case 'on-change':
      return previousStatus === null ? status !== 'COMPLETED' : status !== previousStatus;
  }
}

export interface WebhookFailure {
  position: number;
  flowName: string;
  executionId: string;
  status: string;
  message: string;
}

function failuresOf(report: SuiteRunReport): WebhookFailure[] {
  return report.executions
    .filter((e) => e.status === 'FAILED')
    .map((e) => ({ position: e.position, flowName: e.flowName, executionId: e.executionId, status: e.status, message: e.failure?.message ?? e.error ?? 'failed' }));
}

export function jsonWebhookPayload(report: SuiteRunReport, deliveryId: string): Record<string, unknown> {
  const run = report.suiteRun;
  return {
    event: WEBHOOK_EVENT,
    deliveryId,
    suite: { id: run.suiteId, name: run.suiteName },
    run: {
      id: run.id,
      status: run.status,
      outcome: run.outcome,
      previousStatus: run.previousStatus,
      trigger: run.trigger,
      scheduledFor: run.scheduledFor,
      counts: run.counts,
      stopReason: run.stopReason,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      durationMs: run.durationMs,
      links: run.links,
    },
    failures: failuresOf(report),
  };
}

/** Slack's mrkdwn treats &, < and > as control characters. */
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const ICON: Record<string, string> = { COMPLETED: ':white_check_mark:', FAILED: ':x:', CANCELLED: ':no_entry_sign:' };

/** A Slack incoming-webhook message: `text` for notifications, `blocks` for the channel. */
export function slackWebhookPayload(report: SuiteRunReport): Record<string, unknown> {
  const run = report.suiteRun;
  const c = run.counts;
  const seconds = run.durationMs !== null ? ` in ${(run.durationMs / 1000).toFixed(1)} s` : '';
  const headline = `${ICON[run.status] ?? ''} Suite *${slackEscape(run.suiteName)}* ${run.status}${seconds}`.trim();
  const summary = `${c.passed} passed, ${c.failed} failed, ${c.cancelled} cancelled of ${c.total}${run.stopReason ? ` — ${slackEscape(run.stopReason)}` : ''}`;
  const failures = failuresOf(report).slice(0, 10);
  const blocks: Array<Record<string, unknown>> = [
    { type: 'section', text: { type: 'mrkdwn', text: `${headline}\n${summary}` } },
  ];
  if (failures.length) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: failures.map((f) => `• *${slackEscape(f.flowName)}*: ${slackEscape(f.message).slice(0, 300)}`).join('\n') },
    });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `run ${run.id} · trigger ${run.trigger} · report ${run.links.junit}` }] });
  return { text: `${headline} — ${summary}`, blocks };
}

export function buildWebhookBody(format: WebhookFormat, report: SuiteRunReport, deliveryId: string): string {
  return JSON.stringify(format === 'slack' ? slackWebhookPayload(report) : jsonWebhookPayload(report, deliveryId));
}
