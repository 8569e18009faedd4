import type { NormalisedAlert } from './parsers/normalised-alert';
import { renderRuleVariables, ruleMatches, type TriggerRule } from './trigger-rule';

const alert = (over: Partial<NormalisedAlert> = {}): NormalisedAlert => ({
  fingerprint: 'abc123',
  status: 'firing',
  labels: { alertname: 'HighLatency', service: 'checkout', severity: 'page' },
  annotations: { summary: 'p99 above 2s' },
  ...over,
});

const rule = (over: Partial<TriggerRule> = {}): TriggerRule => ({ match: { labels: { service: 'checkout' } }, run: { suiteId: 's' }, ...over });

describe('ruleMatches', () => {
  it('matches when every listed label is equal and the alert fires (the default status)', () => {
    expect(ruleMatches(rule(), alert())).toBe(true);
    expect(ruleMatches(rule({ match: { labels: { service: 'checkout', severity: 'page' } } }), alert())).toBe(true);
  });

  it('does not match another value, a missing label, or another status', () => {
    expect(ruleMatches(rule({ match: { labels: { service: 'payments' } } }), alert())).toBe(false);
    expect(ruleMatches(rule({ match: { labels: { team: 'blue' } } }), alert())).toBe(false);
    expect(ruleMatches(rule(), alert({ status: 'resolved' }))).toBe(false);
  });

  it('a rule for resolved alerts matches only resolved ones; no labels match every alert', () => {
    const onResolve = rule({ status: 'resolved', match: { labels: {} } });
    expect(ruleMatches(onResolve, alert({ status: 'resolved' }))).toBe(true);
    expect(ruleMatches(onResolve, alert())).toBe(false);
  });
});

describe('renderRuleVariables', () => {
  it('fills ${alert.labels.x} and ${alert.annotations.y}, inside text too, keeping plain values', () => {
    const r = rule({ run: { suiteId: 's', variables: { service: '${alert.labels.service}', note: 'alert: ${alert.annotations.summary}', retries: 3, id: '${alert.fingerprint}' } } });
    expect(renderRuleVariables(r, alert())).toEqual({
      ok: true,
      variables: [
        { name: 'service', value: 'checkout' },
        { name: 'note', value: 'alert: p99 above 2s' },
        { name: 'retries', value: 3 },
        { name: 'id', value: 'abc123' },
      ],
    });
  });

  it('reports a label the alert lacks, naming the variable and the reference', () => {
    const r = rule({ run: { suiteId: 's', variables: { region: '${alert.labels.region}' } } });
    const rendered = renderRuleVariables(r, alert());
    expect(rendered.ok).toBe(false);
    expect(!rendered.ok && rendered.reason).toContain('/run/variables/region');
    expect(!rendered.ok && rendered.reason).toContain('${alert.labels.region}');
  });

  it('no variables renders an empty list', () => {
    expect(renderRuleVariables(rule(), alert())).toEqual({ ok: true, variables: [] });
  });
});
