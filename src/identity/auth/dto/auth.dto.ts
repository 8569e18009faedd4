import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, Length, MaxLength, MinLength } from 'class-validator';

const lowerTrim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

export class RegisterDto {
  @ApiProperty({ example: 'ada@example.com' })
  @Transform(lowerTrim) @IsEmail() @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'correct horse battery staple', minLength: 10, maxLength: 200 })
  @IsString() @MinLength(10) @MaxLength(200)
  password: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  @IsString() @Length(1, 120)
  displayName: string;
}

export class RegisteredDto {
  @ApiProperty({ example: 'ada@example.com' }) email: string;
  @ApiProperty({ example: 'Registration received; sign in with POST /api/v1/auth/login' }) message: string;
}

export class LoginDto {
  @ApiProperty({ example: 'ada@example.com' })
  @Transform(lowerTrim) @IsEmail() @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'correct horse battery staple' })
  @IsString() @Length(1, 200)
  password: string;
}

export class RefreshDto {
  @ApiProperty({ description: 'The refresh token from login or the previous refresh', example: '3f1c…-…-….q2b…' })
  @IsString() @Length(10, 200)
  refreshToken: string;
}

export class TokenPairDto {
  @ApiProperty({ description: 'JWT for Authorization: Bearer' }) accessToken: string;
  @ApiProperty({ description: 'Seconds until the access token expires', example: 900 }) expiresIn: number;
  @ApiProperty({ description: 'Single-use token for POST /auth/refresh; rotates on every use' }) refreshToken: string;
  @ApiProperty({ example: 'Bearer' }) tokenType: 'Bearer';
}

export class MeTeamDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ format: 'uuid' }) orgId: string;
  @ApiProperty({ enum: ['owner', 'admin', 'editor', 'viewer'] }) role: string;
}

export class MeOrgDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['owner', 'admin', 'member'] }) role: string;
}

export class MeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ type: [MeOrgDto] }) organisations: MeOrgDto[];
  @ApiProperty({ type: [MeTeamDto] }) teams: MeTeamDto[];
}
