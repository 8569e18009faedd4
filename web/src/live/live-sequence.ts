/**
 * Seq bookkeeping of one live stream (docs/STREAMING.md): a snapshot carries the last `seq` it includes;
 * updates at or below it are duplicates (drop them); an update beyond `seq + 1` means one was lost, so
 * the view must re-join for a fresh snapshot instead of applying it.
 */
export type SeqVerdict = 'apply' | 'duplicate' | 'gap';

export function judgeUpdate(lastSeq: number, updateSeq: number): SeqVerdict {
  if (updateSeq <= lastSeq) return 'duplicate';
  return updateSeq === lastSeq + 1 ? 'apply' : 'gap';
}
