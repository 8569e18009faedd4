import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppException } from '../../common/errors/app.exception';
import { TeamDto, CreateTeamDto } from '../teams/dto/team.dto';
import type { Principal } from '../tenancy/principal';
import { CurrentPrincipal } from '../tenancy/team-access.decorator';
import { CreateOrganisationDto, OrganisationDto, RenameOrganisationDto } from './dto/organisation.dto';
import { OrganisationsService } from './organisations.service';

@ApiTags('organisations')
@ApiBearerAuth('bearer')
@Controller('orgs')
export class OrganisationsController {
  constructor(private readonly orgs: OrganisationsService) {}

  @Post()
  @ApiOperation({ summary: 'Create an organisation; you become its owner' })
  @ApiCreatedResponse({ type: OrganisationDto })
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateOrganisationDto): Promise<OrganisationDto> {
    return this.orgs.create(userOf(p), dto.name);
  }

  @Get()
  @ApiOperation({ summary: 'Organisations you belong to' })
  @ApiOkResponse({ type: [OrganisationDto] })
  list(@CurrentPrincipal() p: Principal): Promise<OrganisationDto[]> {
    return this.orgs.listMine(userOf(p));
  }

  @Get(':orgId')
  @ApiOkResponse({ type: OrganisationDto })
  get(@CurrentPrincipal() p: Principal, @Param('orgId', ParseUUIDPipe) orgId: string): Promise<OrganisationDto> {
    return this.orgs.get(userOf(p), orgId);
  }

  @Patch(':orgId')
  @ApiOperation({ summary: 'Rename (organisation owners only)' })
  @ApiOkResponse({ type: OrganisationDto })
  rename(@CurrentPrincipal() p: Principal, @Param('orgId', ParseUUIDPipe) orgId: string, @Body() dto: RenameOrganisationDto): Promise<OrganisationDto> {
    return this.orgs.rename(userOf(p), orgId, dto.name);
  }

  @Post(':orgId/teams')
  @ApiOperation({ summary: 'Create a team (organisation owners and admins); you become its owner' })
  @ApiCreatedResponse({ type: TeamDto })
  async createTeam(@CurrentPrincipal() p: Principal, @Param('orgId', ParseUUIDPipe) orgId: string, @Body() dto: CreateTeamDto): Promise<TeamDto> {
    const team = await this.orgs.createTeam(userOf(p), orgId, dto.name);
    return { ...team, role: 'owner' };
  }
}

function userOf(principal: Principal): string {
  if (principal.kind !== 'user') throw AppException.forbidden('API keys are scoped to one team and cannot manage organisations');
  return principal.userId;
}
