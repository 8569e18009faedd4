import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import type { ExecutionStepDetail } from '../../../api/executions';
import { StatusBadge } from '../../../components/status-badge';
import { stepBar, stepTiming } from './step-timeline';

export const STEP_ROW_HEIGHT = 44;

interface StepListProps {
  steps: ExecutionStepDetail[];
  span: { start: number; end: number };
  now: number;
  nextAttemptAt: Record<number, string>;
  selected: number | null;
  onSelect: (stepIndex: number) => void;
}

/**
 * The steps as a waterfall: one row per step (name, status, attempts, timing) and a bar placed by
 * start and duration relative to the execution start; background steps draw in their own lane. Only
 * the rows in view are in the DOM (@tanstack/react-virtual), so a 1,000-step run renders ~20 rows.
 */
export function StepList({ steps, span, now, nextAttemptAt, selected, onSelect }: StepListProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: steps.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => STEP_ROW_HEIGHT,
    overscan: 8,
    // jsdom and the first paint have no layout yet: assume a viewport's worth of rows.
    initialRect: { width: 800, height: 480 },
  });
  const hasBackground = steps.some((s) => s.background);

  return (
    // As tall as its rows up to the CSS max-height (30rem), then it scrolls; a fixed size keeps `contain: strict` valid.
    <div className="step-list" ref={scrollRef} tabIndex={0} aria-label="Steps (scrollable)" role="region" style={{ height: steps.length * STEP_ROW_HEIGHT + 2 }}>
      <ol className="step-rows" style={{ height: virtualizer.getTotalSize() }} aria-label="Steps">
        {virtualizer.getVirtualItems().map((row) => {
          const step = steps[row.index];
          const bar = stepBar(step, span, now);
          const lane = step.background ? 'background' : 'main';
          return (
            <li key={step.stepIndex} className="step-row" style={{ transform: `translateY(${row.start}px)`, height: STEP_ROW_HEIGHT }} aria-setsize={steps.length} aria-posinset={row.index + 1}>
              <button
                type="button"
                className={`step-row-button${selected === step.stepIndex ? ' selected' : ''}`}
                aria-pressed={selected === step.stepIndex}
                onClick={() => onSelect(step.stepIndex)}
              >
                <span className="step-name">
                  <span className="muted">{step.stepIndex + 1}.</span> {step.name} <span className="muted">{step.type}</span>
                  {step.background && <span className="tag lane-tag">background</span>}
                </span>
                <StatusBadge status={step.status} />
                <span className="step-attempts muted">{step.attempts > 1 ? `${step.attempts} attempts` : ''}</span>
                <span className="step-timing">{stepTiming(step, now, nextAttemptAt[step.stepIndex])}</span>
                <span className={`step-track${hasBackground ? ' two-lanes' : ''}`} aria-hidden="true">
                  {bar && <span className={`step-bar ${lane} ${barTone(step.status)}`} style={{ left: `${bar.left * 100}%`, width: `${bar.width * 100}%` }} />}
                </span>
              </button>
            </li>
          );
        })}
      </ol>
    </div>
  );
}

function barTone(status: string): string {
  if (status === 'SUCCESS') return 'ok';
  if (status === 'FAILED' || status === 'ERROR') return 'bad';
  if (status === 'IN_PROGRESS') return 'busy';
  return 'muted';
}
