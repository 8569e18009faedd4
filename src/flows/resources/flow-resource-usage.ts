import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ResourcesService } from '../../resources/resources.service';
import { FlowsService } from '../flows.service';

/** Vetoes deleting a resource that the latest version of a live flow uses (the resources module answers 409). */
@Injectable()
export class FlowResourceUsage implements OnModuleInit, OnModuleDestroy {
  private unregister?: () => void;

  constructor(
    private readonly resources: ResourcesService,
    private readonly flows: FlowsService,
  ) {}

  onModuleInit(): void {
    this.unregister = this.resources.registerUsageProbe((teamId, resourceId) => this.flows.namesUsingResource(teamId, resourceId));
  }

  onModuleDestroy(): void {
    this.unregister?.();
  }
}
