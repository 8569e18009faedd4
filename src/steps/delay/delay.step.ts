import { Injectable } from '@nestjs/common';
import { StepPlugin } from '../step-plugin.decorator';
import type { StepContext, StepRunner } from '../step-plugin';
import { abortableSleep } from '../abortable-sleep';
import { DelayStepConfig } from './delay-step.config';

@StepPlugin({
  type: 'delay',
  description: 'Waits a fixed time (cancellable). Prefer retries on the step that checks the effect.',
  config: DelayStepConfig,
  resultSchema: { type: 'object', properties: { delayedMs: { type: 'integer' } }, required: ['delayedMs'] },
})
@Injectable()
export class DelayStep implements StepRunner<DelayStepConfig, { delayedMs: number }> {
  async run(ctx: StepContext<DelayStepConfig>): Promise<{ delayedMs: number }> {
    const started = Date.now();
    await abortableSleep(ctx.config.delayMs, ctx.signal);
    return { delayedMs: Date.now() - started };
  }
}
