import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import { API_KEY_ROLES, type ApiKeyRole } from '../../tenancy/roles';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'gitlab-ci', minLength: 1, maxLength: 120 })
  @IsString() @Length(1, 120)
  name: string;

  @ApiProperty({ enum: API_KEY_ROLES, example: 'editor', description: 'At most your own role' })
  @IsIn(API_KEY_ROLES)
  role: ApiKeyRole;
}

export class ApiKeyDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'gitlab-ci' }) name: string;
  @ApiProperty({ enum: API_KEY_ROLES }) role: ApiKeyRole;
  @ApiProperty({ example: 'ats_1a2b3c4d5e6f_…', description: 'Identifies the key; the secret part is never shown again' }) preview: string;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ nullable: true, type: Date }) lastUsedAt: Date | null;
  @ApiProperty({ nullable: true, type: Date }) revokedAt: Date | null;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ description: 'The full key. Shown only in this response: store it now.', example: 'ats_1a2b3c4d5e6f_…' })
  key: string;
}
