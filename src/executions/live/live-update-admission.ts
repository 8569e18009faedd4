/**
 * What a live hub does with an update it received over Redis for a client that has seen everything up
 * to `lastSeq` of an object owned by `teamId`.
 *
 * Redis is not a trusted channel: anything that can publish there (a tenant given the service's Redis
 * by mistake, a compromised worker of another deployment sharing the prefix) can send updates. Updates
 * of another team's object are dropped, and sequence numbers are only trusted one step at a time: the
 * next one is delivered, an old one is a duplicate, and one further ahead means updates went missing
 * (a lost publish, or a forged seq) — the hub then re-reads the database and sends that snapshot
 * instead, so a forged `seq: 999999` cannot make the client ignore the real updates that follow.
 */
export type LiveUpdateAdmission = 'deliver' | 'drop' | 'resync';

export function admitLiveUpdate(expected: { teamId: string; lastSeq: number }, update: { teamId?: unknown; seq?: unknown }): LiveUpdateAdmission {
  if (update.teamId !== expected.teamId) return 'drop';
  if (typeof update.seq !== 'number' || !Number.isSafeInteger(update.seq) || update.seq <= expected.lastSeq) return 'drop';
  return update.seq === expected.lastSeq + 1 ? 'deliver' : 'resync';
}
