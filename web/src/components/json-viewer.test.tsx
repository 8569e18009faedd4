import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { formatBytes, jsonBytes, JsonViewer } from './json-viewer';

describe('JsonViewer', () => {
  it('shows keys and values, folds and unfolds, and states the size', async () => {
    const value = { status: 201, body: { id: 'o-42', items: [1, 2] }, ok: true, none: null };
    render(<JsonViewer value={value} label="Response" />);
    expect(screen.getByText('"o-42"')).toBeTruthy();
    expect(screen.getByText(`${jsonBytes(value)} B`)).toBeTruthy();

    await userEvent.click(screen.getByRole('button', { name: 'Collapse body' }));
    expect(screen.queryByText('"o-42"')).toBeNull();
    expect(screen.getByText(/2 entries/)).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Expand body' }));
    expect(screen.getByText('"o-42"')).toBeTruthy();
  });

  it('starts big nested objects collapsed', () => {
    const big = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, i]));
    render(<JsonViewer value={{ big }} label="Response" />);
    expect(screen.getByRole('button', { name: 'Expand big' })).toBeTruthy();
    expect(screen.queryByText('k0:', { exact: false })).toBeNull();
  });

  it('copies the JSON text', async () => {
    const user = userEvent.setup();
    const writeText = vi.spyOn(navigator.clipboard, 'writeText');
    render(<JsonViewer value={{ a: 1 }} label="Request" />);
    await user.click(screen.getByRole('button', { name: 'Copy Request' }));
    expect(writeText).toHaveBeenCalledWith('{\n  "a": 1\n}');
    expect(screen.getByRole('button', { name: 'Copy Request' }).textContent).toBe('Copied');
  });

  it('counts UTF-8 bytes', () => {
    expect(jsonBytes('é')).toBe(4);
    expect(formatBytes(2048)).toBe('2.0 KB');
  });
});
