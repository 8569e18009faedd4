import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsNotEmpty, IsString, Length, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { Satisfies } from '../../common/validation/satisfies.decorator';
import type { SecretField } from '../../resources/resource-type';
import { ResourceTlsOptions } from '../shared/resource-tls-options.dto';
import { NotWith, Optional } from '../../resources/validation/config-validators';
import { parseNatsServer } from './nats-servers';

/** A NATS server or cluster (core NATS and JetStream steps). Credentials: user + password, or a token. */
export class NatsResourceConfig {
  @ApiProperty({
    type: [String],
    example: ['nats://nats-1.internal:4222', 'nats-2.internal:4222'],
    description: 'Servers tried in order: `host[:port]`, `nats://host[:port]` or `tls://host[:port]` (TLS); port 4222 by default. Only these are used: servers the cluster announces are ignored.',
  })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(20)
  @Satisfies('isNatsServerList', (value) => {
    const bad = (value as unknown[]).find((entry) => typeof entry !== 'string' || !parseNatsServer(entry));
    return bad === undefined ? null : `"${String(bad).slice(0, 80)}" is not host[:port], nats://host[:port] or tls://host[:port]`;
  })
  servers: string[];

  @ApiPropertyOptional({ example: 'qa-runner', description: 'User name (with password)' })
  @Optional() @IsString() @Length(1, 255) @NotWith('token')
  user?: string;

  @ApiPropertyOptional({ description: 'Password of `user`. Secret: write-only, stored encrypted.', writeOnly: true, example: 'change-me' })
  @ValidateIf((o: NatsResourceConfig) => o.password !== undefined || o.user !== undefined)
  @IsString({ message: 'password is required with user' }) @IsNotEmpty() @MaxLength(1024)
  password?: string;

  @ApiPropertyOptional({ description: 'Authentication token (instead of user/password). Secret: write-only, stored encrypted.', writeOnly: true, example: 's3cr3t-token' })
  @Optional() @IsString() @IsNotEmpty() @MaxLength(4096) @NotWith('user')
  token?: string;

  @ApiPropertyOptional({ type: ResourceTlsOptions, description: 'Present = TLS on every server (as `tls://`); the host name is the TLS server name' })
  @Optional() @ValidateNested() @Type(() => ResourceTlsOptions)
  tls?: ResourceTlsOptions;
}

export const NATS_SECRETS: SecretField[] = [{ path: 'password' }, { path: 'token' }, { path: 'tls.key' }];
