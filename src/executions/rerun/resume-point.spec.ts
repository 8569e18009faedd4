import type { StepDefinition } from '../../flows/flow-definition';
import { resumePoint, type StoredStepResult } from './resume-point';

const step = (name: string, extra: Partial<StepDefinition> = {}): StepDefinition => ({ id: name, name, type: 'http', config: {}, ...extra }) as StepDefinition;
const ok = (response: unknown = { status: 200 }): StoredStepResult => ({ status: 'SUCCESS', request: { url: 'x' }, response });

describe('resumePoint', () => {
  const steps = [step('create'), step('read'), step('check')];

  it('starts at the named step when every earlier step succeeded whole', () => {
    expect(resumePoint(steps, [ok(), ok(), { status: 'ERROR', request: null, response: null }], 'check')).toEqual({ index: 2 });
    expect(resumePoint(steps, [{ status: 'ERROR', request: null, response: null }], 'create')).toEqual({ index: 0 });
  });

  it('refuses an unknown step, naming it and the steps there are', () => {
    expect(resumePoint(steps, [ok(), ok(), ok()], 'chek')).toEqual({ problem: expect.stringMatching(/no step named "chek".*create, read, check/) });
  });

  it('refuses a background step before the resume point', () => {
    const withBackground = [step('listen', { runInBackground: true }), ...steps];
    expect(resumePoint(withBackground, [ok(), ok(), ok(), ok()], 'check')).toEqual({ problem: expect.stringContaining('step "listen" before "check" runs in the background') });
  });

  it('refuses a truncated request or response', () => {
    expect(resumePoint(steps, [ok({ status: 200, body: 'abc', truncated: true }), ok(), ok()], 'check')).toEqual({ problem: expect.stringContaining('stored result of step "create" was truncated') });
    expect(resumePoint(steps, [ok(), { status: 'SUCCESS', request: { truncated: true, preview: '' }, response: {} }, ok()], 'check')).toEqual({
      problem: expect.stringContaining('step "read" was truncated'),
    });
  });

  it('refuses a failed step the flow stops after, accepts one it continues after', () => {
    const failed: StoredStepResult = { status: 'ERROR', request: null, response: null };
    expect(resumePoint(steps, [ok(), failed, ok()], 'check')).toEqual({ problem: expect.stringContaining('step "read" failed in the original run') });
    expect(resumePoint([step('create'), step('read', { continueOnFailure: true }), step('check')], [ok(), failed, ok()], 'check')).toEqual({ index: 2 });
    expect(resumePoint([step('create'), step('read', { allowFailure: true }), step('check')], [ok(), failed, ok()], 'check')).toEqual({ index: 2 });
  });

  it('refuses a step that never finished, accepts a skipped one', () => {
    expect(resumePoint(steps, [ok(), { status: 'CANCELLED', request: null, response: null }, ok()], 'check')).toEqual({ problem: expect.stringContaining('"read" did not finish in the original run (CANCELLED)') });
    expect(resumePoint(steps, [ok(), { status: 'SKIPPED', request: null, response: null }, ok()], 'check')).toEqual({ index: 2 });
  });
});
