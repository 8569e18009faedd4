import { topicFilterProblem, topicNameProblem } from './mqtt-topic';

describe('MQTT topic names and filters', () => {
  it('accepts publishable names and refuses wildcards, empty and NUL', () => {
    expect(topicNameProblem('orders/created')).toBeNull();
    expect(topicNameProblem('/leading/slash')).toBeNull();
    expect(topicNameProblem('orders/+')).toMatch(/wildcards/);
    expect(topicNameProblem('orders/#')).toMatch(/wildcards/);
    expect(topicNameProblem('')).toMatch(/empty/);
    expect(topicNameProblem('a\u0000b')).toMatch(/NUL/);
    expect(topicNameProblem('x'.repeat(5000))).toMatch(/at most/);
  });

  it('accepts filters with whole-level wildcards and refuses misplaced ones and shared subscriptions', () => {
    for (const ok of ['#', '+', 'orders/#', 'orders/+/created', '+/+/#', 'sport/tennis/player1']) expect(topicFilterProblem(ok)).toBeNull();
    expect(topicFilterProblem('orders#')).toMatch(/#/);
    expect(topicFilterProblem('orders/#/x')).toMatch(/#/);
    expect(topicFilterProblem('orders/a+')).toMatch(/\+/);
    expect(topicFilterProblem('$share/g/orders')).toMatch(/shared/);
  });
});
