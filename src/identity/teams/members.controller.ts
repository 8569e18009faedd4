import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { TeamContext } from '../tenancy/principal';
import { CurrentTeam, TeamScoped } from '../tenancy/team-access.decorator';
import { AddMemberDto, ChangeMemberRoleDto, MemberDto } from './dto/team.dto';
import { MembersService } from './members.service';

@ApiTags('members')
@Controller('teams/:teamId/members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @TeamScoped('viewer')
  @ApiOkResponse({ type: [MemberDto] })
  list(@CurrentTeam() team: TeamContext): Promise<MemberDto[]> {
    return this.members.list(team.teamId);
  }

  @Post()
  @TeamScoped('admin')
  @ApiOperation({ summary: 'Add a registered user by email' })
  @ApiCreatedResponse({ type: MemberDto })
  add(@CurrentTeam() team: TeamContext, @Body() dto: AddMemberDto): Promise<MemberDto> {
    return this.members.add(team, dto.email, dto.role);
  }

  @Patch(':userId')
  @TeamScoped('admin')
  @ApiOperation({ summary: 'Change a member role (the last owner cannot be demoted)' })
  @ApiOkResponse({ type: MemberDto })
  changeRole(@CurrentTeam() team: TeamContext, @Param('userId') userId: string, @Body() dto: ChangeMemberRoleDto): Promise<MemberDto> {
    return this.members.changeRole(team, userId, dto.role);
  }

  @Delete(':userId')
  @TeamScoped('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a member (the last owner cannot be removed)' })
  remove(@CurrentTeam() team: TeamContext, @Param('userId') userId: string): Promise<void> {
    return this.members.remove(team, userId);
  }
}
