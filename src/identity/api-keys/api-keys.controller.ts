import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { TeamContext } from '../tenancy/principal';
import { CurrentTeam, TeamScoped } from '../tenancy/team-access.decorator';
import type { ApiKey } from './api-key.entity';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto';

@ApiTags('api-keys')
@Controller('teams/:teamId/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @TeamScoped('admin')
  @ApiOperation({ summary: 'Create an API key for CI; the key is returned once and never again' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  async create(@CurrentTeam() team: TeamContext, @Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    const { key, secret } = await this.keys.create(team, dto.name, dto.role);
    return { ...toDto(key), key: secret };
  }

  @Get()
  @TeamScoped('admin')
  @ApiOkResponse({ type: [ApiKeyDto] })
  async list(@CurrentTeam() team: TeamContext): Promise<ApiKeyDto[]> {
    return (await this.keys.list(team.teamId)).map(toDto);
  }

  @Delete(':keyId')
  @TeamScoped('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a key; it stops working immediately' })
  revoke(@CurrentTeam() team: TeamContext, @Param('keyId') keyId: string): Promise<void> {
    return this.keys.revoke(team.teamId, keyId);
  }
}

function toDto(key: ApiKey): ApiKeyDto {
  return {
    id: key.id,
    name: key.name,
    role: key.role,
    preview: `ats_${key.keyPrefix}_…`,
    createdAt: key.createdAt,
    lastUsedAt: key.lastUsedAt,
    revokedAt: key.revokedAt,
  };
}
