import { Injectable } from '@nestjs/common';
import type { StepDefinition } from '../../flows/flow-definition';
import type { ConditionNode } from '../../flow-language/conditions/condition-node';
import { parseCondition } from '../../flow-language/conditions/condition-parser';
import { stepWaits } from '../../flow-language/references/step-dependencies';
import { StepRegistry } from '../../steps/step-registry.service';

/** What the run loop needs to know of one step beyond its definition, computed once per flow version. */
export interface PlannedStep {
  /** Earlier background steps it reads: it runs once they have finished. */
  waitsFor: number[];
  /** Background step with late fields reading later steps (deferred match): those fields and those steps. */
  late?: { fields: string[]; after: number[] };
  /** Its parsed `when`. */
  condition?: ConditionNode;
}

/**
 * Reads each flow version's references once (the version reader keeps one immutable steps array per
 * version, so the cache hits on every later run): the run loop never scans a config for what to wait for.
 */
@Injectable()
export class RunPlanner {
  private readonly plans = new WeakMap<readonly StepDefinition[], PlannedStep[]>();

  constructor(private readonly registry: StepRegistry) {}

  plan(steps: readonly StepDefinition[]): PlannedStep[] {
    let plan = this.plans.get(steps);
    if (!plan) {
      plan = this.build(steps);
      this.plans.set(steps, plan);
    }
    return plan;
  }

  private build(steps: readonly StepDefinition[]): PlannedStep[] {
    const lateFields = this.registry.lateFields();
    return stepWaits(steps, lateFields).map((waits, index) => {
      const step = steps[index];
      const planned: PlannedStep = { waitsFor: waits.background };
      if (waits.lateAfter.length) planned.late = { fields: [...(lateFields.get(step.type) ?? [])], after: waits.lateAfter };
      // Checked at save; a version stored before conditions existed has none.
      if (step.when !== undefined) planned.condition = parseCondition(step.when);
      return planned;
    });
  }
}
