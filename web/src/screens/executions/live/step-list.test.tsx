import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExecutionStepDetail } from '../../../api/executions';
import { StepList } from './step-list';

const START = Date.parse('2026-11-27T16:00:00.000Z');

function steps(count: number): ExecutionStepDetail[] {
  return Array.from({ length: count }, (_, i) => ({
    stepIndex: i, stepId: `s${i}`, name: `step ${i}`, type: 'http', background: i % 10 === 9, status: i < 500 ? 'SUCCESS' : 'PENDING',
    attempts: i < 500 ? 1 : 0, error: null, startedAt: i < 500 ? new Date(START + i * 10).toISOString() : null,
    finishedAt: i < 500 ? new Date(START + i * 10 + 8).toISOString() : null, durationMs: i < 500 ? 8 : null, childExecutionId: null,
  }));
}

describe('StepList', () => {
  // jsdom has no layout: give the scroll container a 480 px viewport, as a browser would.
  beforeEach(() => {
    vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(480);
    vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(800);
  });

  it('renders only a window of rows for a 1,000-step execution', () => {
    render(<StepList steps={steps(1000)} span={{ start: START, end: START + 10_000 }} now={START + 10_000} nextAttemptAt={{}} selected={null} onSelect={() => undefined} />);
    const rows = within(screen.getByRole('list', { name: 'Steps' })).getAllByRole('listitem');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(40);
    expect(rows[0].getAttribute('aria-setsize')).toBe('1000');
    expect(screen.getByRole('button', { name: /^1\. step 0 http.*success/ })).toBeTruthy();
    expect(screen.queryByRole('button', { name: /^1000\. step 999 / })).toBeNull();
  });

  it('shows attempt and elapsed time for a running step, a retry countdown when announced, and selects on click', async () => {
    const onSelect = vi.fn();
    const running: ExecutionStepDetail = { ...steps(1)[0], status: 'IN_PROGRESS', attempts: 2, finishedAt: null, durationMs: null, startedAt: new Date(START).toISOString() };
    const waiting: ExecutionStepDetail = { ...running, stepIndex: 1, stepId: 's1', name: 'poll' };
    render(
      <StepList
        steps={[running, waiting]}
        span={{ start: START, end: START + 3000 }}
        now={START + 2500}
        nextAttemptAt={{ 1: new Date(START + 5000).toISOString() }}
        selected={null}
        onSelect={onSelect}
      />,
    );
    expect(screen.getByRole('button', { name: /^1\. step 0 .*in progress/ }).textContent).toContain('attempt 2 · 2.5 s');
    expect(screen.getByRole('button', { name: /^2\. poll .*in progress/ }).textContent).toContain('retry 3 in 3 s');
    await userEvent.click(screen.getByRole('button', { name: /^2\. poll .*in progress/ }));
    expect(onSelect).toHaveBeenCalledWith(1);
  });
});
