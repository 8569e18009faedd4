import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ResourceTypeDto } from './dto/resource.dto';
import { ResourcesService } from './resources.service';

@ApiTags('resources')
@ApiBearerAuth('bearer')
@Controller('resource-types')
export class ResourceTypesController {
  constructor(private readonly resources: ResourcesService) {}

  @Get()
  @ApiOperation({ summary: 'The resource types this service supports, with their secret fields and an example config' })
  @ApiOkResponse({ type: [ResourceTypeDto] })
  list(): ResourceTypeDto[] {
    return this.resources.types();
  }
}
