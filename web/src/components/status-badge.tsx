const TONES: Record<string, string> = {
  COMPLETED: 'ok',
  SUCCESS: 'ok',
  FAILED: 'bad',
  ERROR: 'bad',
  CANCELLED: 'muted',
  SKIPPED: 'muted',
  IN_PROGRESS: 'busy',
  PENDING: 'busy',
};

/** An execution or step status; the text is the status itself, colour is only a second cue. */
export function StatusBadge({ status }: { status: string | undefined }) {
  if (!status) return <span className="badge muted">never run</span>;
  return <span className={`badge ${TONES[status] ?? 'muted'}`}>{status.toLowerCase().replace('_', ' ')}</span>;
}
