import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Length } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateOrganisationDto {
  @ApiProperty({ example: 'Acme Corp', minLength: 1, maxLength: 120 })
  @Transform(trim) @IsString() @Length(1, 120)
  name: string;
}

export class RenameOrganisationDto extends CreateOrganisationDto {}

export class OrganisationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Acme Corp' }) name: string;
  @ApiProperty({ enum: ['owner', 'admin', 'member'], description: 'Your role in the organisation' }) role: string;
  @ApiProperty() createdAt: Date;
}
