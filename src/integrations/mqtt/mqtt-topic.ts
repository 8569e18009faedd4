/**
 * MQTT topic names and filters (MQTT 3.1.1 §4.7 / 5.0 §4.7): checked at save time so a flow with a
 * topic the broker would refuse — or silently treat differently — is a 400 naming the field.
 */

/** The protocol caps a topic at 65,535 UTF-8 bytes; anything near that is a mistake in a test flow. */
export const MQTT_TOPIC_MAX_BYTES = 4096;

/** Why `topic` cannot be published to (a name, not a filter), or null. */
export function topicNameProblem(topic: string): string | null {
  const common = commonProblem(topic);
  if (common) return common;
  if (topic.includes('+') || topic.includes('#')) return 'must not contain the wildcards + or # (those are for subscriptions)';
  return null;
}

/**
 * Why `filter` is not a valid subscription filter, or null: `+` must fill a whole level, `#` must be a
 * whole last level. `$share/…` shared subscriptions are refused: a test step sharing a group with the
 * system under test would take its messages away from it.
 */
export function topicFilterProblem(filter: string): string | null {
  const common = commonProblem(filter);
  if (common) return common;
  if (filter.startsWith('$share/')) return 'must not be a shared subscription ($share/…): the step would take messages from the group\'s other members';
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i];
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) return 'uses # other than as the whole last level (e.g. "orders/#")';
    if (level.includes('+') && level !== '+') return 'uses + other than as a whole level (e.g. "orders/+/created")';
  }
  return null;
}

function commonProblem(topic: string): string | null {
  if (topic.length === 0) return 'must not be empty';
  if (Buffer.byteLength(topic, 'utf8') > MQTT_TOPIC_MAX_BYTES) return `must be at most ${MQTT_TOPIC_MAX_BYTES} bytes`;
  if (topic.includes('\u0000')) return 'must not contain the NUL character';
  return null;
}
