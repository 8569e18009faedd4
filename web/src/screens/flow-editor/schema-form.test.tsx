import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { FormEnvContext, type FormEnv } from './form-env';
import type { JsonSchema } from './json-schema';
import { fieldIdForPointer } from './problem-placement';
import { SchemaField } from './schema-form';

const schema: JsonSchema = {
  type: 'object',
  required: ['topic'],
  properties: {
    topic: { type: 'string' },
    partitions: { type: 'integer' },
    compress: { type: 'boolean' },
    headers: { type: 'object', additionalProperties: { type: 'string' } },
    keys: { type: 'array', items: { type: 'string' } },
    match: { $ref: '#/definitions/Match' },
    body: {},
    resourceId: { type: 'string', format: 'uuid' },
  },
  definitions: { Match: { type: 'object', properties: { matchType: { enum: ['exact', 'jsonpath'] } } } },
};

const env: FormEnv = {
  problems: new Map([['/steps/0/config/topic', ['topic must not be empty']]]),
  scope: { variables: [{ name: 'orderId' }], earlierSteps: [] },
  resources: [{ id: 'r1', name: 'kafka-local' }],
  readOnly: false,
};

function Harness({ initial, onValue }: { initial: Record<string, unknown>; onValue(value: unknown): void }) {
  const [value, setValue] = useState<unknown>(initial);
  return (
    <FormEnvContext.Provider value={env}>
      <SchemaField
        schema={schema}
        root={schema}
        path={['steps', 0, 'config']}
        label="Config"
        required
        value={value}
        onChange={(next) => {
          setValue(next);
          onValue(next);
        }}
      />
    </FormEnvContext.Provider>
  );
}

describe('schema-driven form', () => {
  it('renders every kind of field from the schema and edits the value', async () => {
    let value: any;
    render(<Harness initial={{ topic: 'orders' }} onValue={(v) => (value = v)} />);
    const user = userEvent.setup();

    await user.type(screen.getByLabelText(/^partitions/), '3');
    await user.click(screen.getByLabelText(/^compress/));
    await user.selectOptions(screen.getByLabelText(/^matchType/), 'jsonpath'); // through $ref into definitions
    await user.click(screen.getByRole('button', { name: 'Add headers entry' }));
    await user.type(screen.getByLabelText('headers name 1'), 'X-Id');
    await user.type(screen.getByLabelText(/^headers value 1/), 'abc');
    await user.click(screen.getByRole('button', { name: 'Add to keys' }));
    await user.type(screen.getByLabelText(/^keys 1/), 'k1');
    fireEvent.change(screen.getByLabelText(/^body/), { target: { value: '{"a": 1}' } });
    await user.selectOptions(screen.getByLabelText(/^Resource/), 'kafka-local');

    expect(value).toEqual({ topic: 'orders', partitions: 3, compress: true, match: { matchType: 'jsonpath' }, headers: { 'X-Id': 'abc' }, keys: ['k1'], body: { a: 1 }, resourceId: 'r1' });

    await user.click(screen.getByRole('button', { name: 'Remove keys 1' }));
    expect(value.keys).toBeUndefined();
  });

  it('shows a problem at its pointer beside the control', () => {
    render(<Harness initial={{ topic: '' }} onValue={() => undefined} />);
    const topic = screen.getByLabelText(/^topic/);
    expect(topic.id).toBe(fieldIdForPointer('/steps/0/config/topic'));
    expect(topic.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(topic.getAttribute('aria-describedby')!)?.textContent).toBe('topic must not be empty');
  });

  it('completes ${ in string fields from a keyboard-operable listbox', async () => {
    let value: any;
    render(<Harness initial={{ topic: '' }} onValue={(v) => (value = v)} />);
    const user = userEvent.setup();
    const topic = screen.getByRole('combobox', { name: /^topic/ });
    await user.type(topic, 'orders-${{ord'); // "{{" types one "{"

    expect(topic.getAttribute('aria-expanded')).toBe('true');
    expect(screen.getByRole('option', { name: /orderId/ }).getAttribute('aria-selected')).toBe('true');
    await user.keyboard('{Enter}');
    expect(value.topic).toBe('orders-${orderId}');
    expect(topic.getAttribute('aria-expanded')).toBe('false');
  });
});
