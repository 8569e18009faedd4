import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { deleteSchedule, putSchedule, suiteKeys, type Suite } from '../../api/suites';
import { useApi } from '../../auth/auth-context';
import { ErrorMessage } from '../../components/error-message';
import { useCan, useTeamId } from '../../teams/current-team';

/**
 * The suite's cron schedule. The next run time comes from the API (the scheduler's own answer), so the
 * browser never needs a cron library that could disagree with the server.
 */
export function SchedulePanel({ suite }: { suite: Suite }) {
  const api = useApi();
  const teamId = useTeamId();
  const queryClient = useQueryClient();
  const canEdit = useCan('editor');
  const [cron, setCron] = useState(suite.schedule?.cron ?? '');
  const [timezone, setTimezone] = useState(suite.schedule?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC');
  const [enabled, setEnabled] = useState(suite.schedule?.enabled ?? true);
  const refresh = () => queryClient.invalidateQueries({ queryKey: suiteKeys(teamId) });
  const save = useMutation({ mutationFn: () => putSchedule(api, teamId, suite.id, { cron, timezone, enabled }), onSuccess: refresh });
  const remove = useMutation({
    mutationFn: () => deleteSchedule(api, teamId, suite.id),
    onSuccess: async () => {
      setCron('');
      await refresh();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const next = save.data?.nextRunAt ?? suite.schedule?.nextRunAt;
  return (
    <section aria-labelledby="schedule-title" className="stack">
      <h2 id="schedule-title">Schedule</h2>
      <p>
        {suite.schedule || save.data ? (
          next ? (
            <>
              Next run: <time dateTime={next}>{new Date(next).toLocaleString()}</time>
            </>
          ) : (
            'Paused: no next run.'
          )
        ) : (
          'Not scheduled.'
        )}
      </p>
      <form className="toolbar" onSubmit={submit} aria-label="Schedule">
        <label>
          Cron expression
          <input value={cron} required placeholder="0 6 * * 1-5" disabled={!canEdit} onChange={(e) => setCron(e.target.value)} />
        </label>
        <label>
          Time zone
          <input value={timezone} required placeholder="Europe/Berlin" disabled={!canEdit} onChange={(e) => setTimezone(e.target.value)} />
        </label>
        <label className="checkbox">
          <span>
            <input type="checkbox" checked={enabled} disabled={!canEdit} onChange={(e) => setEnabled(e.target.checked)} /> Schedule enabled
          </span>
        </label>
        {canEdit && (
          <>
            <button type="submit" disabled={save.isPending}>
              Save schedule
            </button>
            {suite.schedule && (
              <button type="button" onClick={() => remove.mutate()} disabled={remove.isPending}>
                Remove schedule
              </button>
            )}
          </>
        )}
      </form>
      <ErrorMessage error={save.error ?? remove.error} />
    </section>
  );
}
