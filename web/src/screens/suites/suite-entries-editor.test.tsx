import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import type { FlowSummary } from '../../api/flows';
import type { SuiteEntry } from '../../api/suites';
import { SuiteEntriesEditor } from './suite-entries-editor';

const flow = (id: string, name: string, version: number): FlowSummary => ({ id, name, version, description: '', tags: [], stepTypes: [], createdBy: null, createdAt: '', updatedAt: '' });
const FLOWS = [flow('f1', 'Create order', 3), flow('f2', 'Refund', 1)];

function Harness({ initial, disabled }: { initial: SuiteEntry[]; disabled?: boolean }) {
  const [entries, setEntries] = useState(initial);
  return (
    <>
      <SuiteEntriesEditor entries={entries} flows={FLOWS} onChange={setEntries} disabled={disabled} />
      <output aria-label="entries">{JSON.stringify(entries)}</output>
    </>
  );
}
const entries = () => JSON.parse(screen.getByLabelText('entries').textContent!);

describe('SuiteEntriesEditor', () => {
  it('adds flows, pins a version, sets entry variables and reorders', async () => {
    render(<Harness initial={[]} />);
    await userEvent.click(screen.getByRole('button', { name: 'Add flow' }));
    await userEvent.selectOptions(screen.getByLabelText('Flow 1'), 'f1');
    const versions = screen.getByLabelText('Version of flow 1');
    expect([...versions.querySelectorAll('option')].map((o) => o.textContent)).toEqual(['latest', 'version 3', 'version 2', 'version 1']);
    await userEvent.selectOptions(versions, '2');
    await userEvent.click(screen.getByRole('button', { name: 'Add flow 1 variable' }));
    await userEvent.type(screen.getByLabelText('Flow 1 variable: name 1'), 'sku');
    await userEvent.type(screen.getByLabelText('Flow 1 variable: value 1'), 'A-1');

    await userEvent.click(screen.getByRole('button', { name: 'Add flow' }));
    await userEvent.selectOptions(screen.getByLabelText('Flow 2'), 'f2');
    expect(entries()).toEqual([
      { flowId: 'f1', version: 2, variables: [{ name: 'sku', value: 'A-1' }] },
      { flowId: 'f2', version: null, variables: [] },
    ]);

    await userEvent.click(screen.getByRole('button', { name: 'Move flow 2 up' }));
    expect(entries().map((e: SuiteEntry) => e.flowId)).toEqual(['f2', 'f1']);
    await userEvent.click(screen.getByRole('button', { name: 'Remove flow 1' }));
    expect(entries()).toEqual([{ flowId: 'f1', version: 2, variables: [{ name: 'sku', value: 'A-1' }] }]);
  });

  it('picking another flow resets a pinned version to latest', async () => {
    render(<Harness initial={[{ flowId: 'f1', version: 3, variables: [] }]} />);
    await userEvent.selectOptions(screen.getByLabelText('Flow 1'), 'f2');
    expect(entries()).toEqual([{ flowId: 'f2', version: null, variables: [] }]);
  });

  it('is read-only when disabled (viewers)', () => {
    render(<Harness initial={[{ flowId: 'f1', version: null, variables: [{ name: 'sku', value: 'A-1' }] }]} disabled />);
    expect(screen.queryByRole('button')).toBeNull();
    expect((screen.getByLabelText('Flow 1') as HTMLSelectElement).disabled).toBe(true);
  });
});
