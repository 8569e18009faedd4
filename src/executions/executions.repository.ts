import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { ExecutionStep } from './execution-step.entity';
import { Execution } from './execution.entity';

/** Data access for executions, private to this module; other modules use its services. */
@Injectable()
export class ExecutionsRepository {
  constructor(
    @InjectRepository(Execution) readonly executions: Repository<Execution>,
    @InjectRepository(ExecutionStep) readonly steps: Repository<ExecutionStep>,
  ) {}

  async findWithSteps(id: string, teamId?: string): Promise<{ execution: Execution; steps: ExecutionStep[] } | undefined> {
    const execution = await this.executions.findOne({ where: teamId ? { id, teamId } : { id } });
    if (!execution) return undefined;
    const steps = await this.steps.find({ where: { executionId: id }, order: { stepIndex: 'ASC' } });
    return { execution, steps };
  }
}
