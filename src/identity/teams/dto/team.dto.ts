import { OptionalNotNull } from '../../../common/validation/optional-not-null.decorator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { TEAM_ROLES, type TeamRole } from '../../tenancy/roles';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateTeamDto {
  @ApiProperty({ example: 'Payments', minLength: 1, maxLength: 120 })
  @Transform(trim) @IsString() @Length(1, 120)
  name: string;
}

/** PATCH /teams/{id}: any of the fields. */
export class UpdateTeamDto {
  @ApiPropertyOptional({ example: 'Payments', minLength: 1, maxLength: 120 })
  // null is refused (a team always has a name); leaving it out keeps the name.
  @OptionalNotNull() @Transform(trim) @IsString() @Length(1, 120)
  name?: string;

  @ApiPropertyOptional({
    nullable: true,
    type: 'integer',
    minimum: 1,
    maximum: 36500,
    example: 7,
    description: 'Days finished executions, suite runs and webhook deliveries are kept; null returns to the service default (EXECUTION_RETENTION_DAYS). Org owners and admins only',
  })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsInt() @Min(1) @Max(36500)
  executionRetentionDays?: number | null;

  @ApiPropertyOptional({
    nullable: true,
    type: Number,
    example: 10,
    description: 'Executions the team may run at once (org owner/admin only; at most TEAM_MAX_CONCURRENT_EXECUTIONS_CEILING); null = the deployment default',
  })
  @ValidateIf((_, value) => value !== null) @IsOptional() @IsInt() @Min(1)
  maxConcurrentExecutions?: number | null;
}

export class TeamDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) orgId: string;
  @ApiProperty({ example: 'Payments' }) name: string;
  @ApiProperty({ enum: TEAM_ROLES, description: 'Your effective role in the team' }) role: TeamRole;
  @ApiPropertyOptional({ nullable: true, type: Number, description: "The team's own concurrency limit; null = the deployment default" })
  maxConcurrentExecutions?: number | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ nullable: true, type: Number, description: 'Retention override in days; null: the service default' }) executionRetentionDays: number | null;
}

export class AddMemberDto {
  @ApiProperty({ example: 'grace@example.com', description: 'Email of a registered user' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsEmail() @MaxLength(254)
  email: string;

  @ApiProperty({ enum: TEAM_ROLES, example: 'editor' })
  @IsIn(TEAM_ROLES)
  role: TeamRole;
}

export class ChangeMemberRoleDto {
  @ApiProperty({ enum: TEAM_ROLES, example: 'viewer' })
  @IsIn(TEAM_ROLES)
  role: TeamRole;
}

export class MemberDto {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() email: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: TEAM_ROLES }) role: TeamRole;
  @ApiProperty() createdAt: Date;
}
