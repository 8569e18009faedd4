/** Where a trigger's payloads come from: it picks the parser that turns a hook body into alerts. */
export const TRIGGER_SOURCES = ['alertmanager', 'grafana', 'opsgenie', 'generic'] as const;
export type TriggerSource = (typeof TRIGGER_SOURCES)[number];
