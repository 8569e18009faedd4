import { substitute } from '../flow-language/substitution/substitute';
import { SubstitutionError } from '../flow-language/substitution/substitution-error';
import type { AlertStatus, NormalisedAlert } from './parsers/normalised-alert';

/** What a rule starts: exactly one of a flow or a suite, with run variables that may read `${alert.…}`. */
export interface TriggerRuleRun {
  flowId?: string;
  suiteId?: string;
  variables?: Record<string, unknown>;
}

/** Maps incoming alerts to a run: every label in `match.labels` must be equal, and the status must be `status`. */
export interface TriggerRule {
  match: { labels: Record<string, string> };
  /** Default firing: a resolved alert usually starts nothing (or a "recovered" check). */
  status?: AlertStatus;
  run: TriggerRuleRun;
}

export function ruleMatches(rule: TriggerRule, alert: NormalisedAlert): boolean {
  if (alert.status !== (rule.status ?? 'firing')) return false;
  return Object.entries(rule.match.labels).every(([name, value]) => alert.labels[name] === value);
}

export type RenderedVariables = { ok: true; variables: Array<{ name: string; value: unknown }> } | { ok: false; reason: string };

/**
 * The rule's run variables with `${alert.labels.x}`, `${alert.annotations.y}`, `${alert.status}` and
 * `${alert.fingerprint}` filled in, through the flow language's own substitution: `alert` is the only
 * root in scope. A reference that does not resolve (a label the alert lacks) is reported, not thrown:
 * the delivery records it.
 */
export function renderRuleVariables(rule: TriggerRule, alert: NormalisedAlert): RenderedVariables {
  const variables = rule.run.variables ?? {};
  try {
    const rendered = substitute(variables, { variables: { alert: { ...alert } }, steps: {}, env: {} }, { pointer: '/run/variables' });
    return { ok: true, variables: Object.entries(rendered).map(([name, value]) => ({ name, value })) };
  } catch (error) {
    if (error instanceof SubstitutionError) return { ok: false, reason: `${error.path}: ${error.message}` };
    throw error;
  }
}
