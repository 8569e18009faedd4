import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import type { JsonSchema, OpenApiDocument } from '../../api/resources';
import { ResourceConfigForm } from './resource-config-form';

// Shaped like the HTTP type's schemas in /docs-json: a nested auth object behind a $ref.
const DOC: OpenApiDocument = {
  components: {
    schemas: {
      HttpResourceConfig: {
        type: 'object',
        required: ['baseUrl'],
        properties: {
          baseUrl: { type: 'string' },
          timeoutMs: { type: 'number', default: 30000 },
          tlsVerify: { type: 'boolean', default: true },
          auth: { $ref: '#/components/schemas/HttpResourceAuth' },
        },
      },
      HttpResourceAuth: {
        type: 'object',
        required: ['type'],
        properties: { type: { type: 'string', enum: ['none', 'bearer'] }, token: { type: 'string', writeOnly: true } },
      },
    },
  },
};
const SCHEMA: JsonSchema = { $ref: '#/components/schemas/HttpResourceConfig' };

function Harness({ initial, secretsSet }: { initial: Record<string, unknown>; secretsSet?: Record<string, boolean> }) {
  const [value, setValue] = useState(initial);
  return (
    <>
      <ResourceConfigForm schema={SCHEMA} doc={DOC} value={value} onChange={setValue} secretFields={['auth.token']} secretsSet={secretsSet} />
      <output aria-label="config">{JSON.stringify(value)}</output>
    </>
  );
}

describe('ResourceConfigForm', () => {
  it('renders inputs from the schema and builds the config object', async () => {
    render(<Harness initial={{}} />);
    await userEvent.type(screen.getByLabelText('baseUrl (required)'), 'http://127.0.0.1:8080');
    await userEvent.type(screen.getByLabelText('timeoutMs'), '500');
    await userEvent.selectOptions(screen.getByLabelText('type (required)'), 'bearer');
    await userEvent.type(screen.getByLabelText('token'), 's3cret-token');
    expect(JSON.parse(screen.getByLabelText('config').textContent!)).toEqual({
      baseUrl: 'http://127.0.0.1:8080',
      timeoutMs: 500,
      auth: { type: 'bearer', token: 's3cret-token' },
    });
    expect(screen.getByLabelText('token').getAttribute('type')).toBe('password');
  });

  it('never prefills a stored secret: shows "set" and "Replace" reveals an empty input', async () => {
    render(<Harness initial={{ baseUrl: 'http://127.0.0.1:8080', auth: { type: 'bearer' } }} secretsSet={{ 'auth.token': true }} />);
    expect(screen.getByText('set')).toBeTruthy();
    expect(screen.queryByLabelText('token')).toBeNull();
    expect(screen.queryByLabelText('New token')).toBeNull();
    expect(document.querySelectorAll('input[type="password"]').length).toBe(0);

    await userEvent.click(screen.getByRole('button', { name: 'Replace token' }));
    const input = screen.getByLabelText('New token') as HTMLInputElement;
    expect(input.value).toBe('');
    expect(input.type).toBe('password');
    await userEvent.type(input, 'new-token');
    expect(JSON.parse(screen.getByLabelText('config').textContent!).auth).toEqual({ type: 'bearer', token: 'new-token' });

    // Keeping the stored value drops the typed one, so the API keeps what it has.
    await userEvent.click(screen.getByRole('button', { name: 'Keep the stored token' }));
    expect(JSON.parse(screen.getByLabelText('config').textContent!).auth).toEqual({ type: 'bearer' });
  });

  it('says "not set" for a secret the saved resource has no value for', () => {
    render(<Harness initial={{ baseUrl: 'http://x' }} secretsSet={{ 'auth.token': false }} />);
    expect(screen.getByText('not set')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Replace token' })).toBeTruthy();
  });
});
