import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsString, Length, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import { Satisfies } from '../../common/validation/satisfies.decorator';
import type { SecretField } from '../../resources/resource-type';
import { ResourceTlsOptions } from '../shared/resource-tls-options.dto';
import { hasUrlCredentials, maskUrlCredentials } from '../../resources/url-credentials';
import { NotWith, Optional } from '../../resources/validation/config-validators';

/** What an AMQP URL may hold here: scheme, optional userinfo, host, port, one vhost segment; no query (we set the tuning). */
const AMQP_URL = /^amqps?:\/\/(?:[^/@\s]*@)?[^/@:\s?#]+(?::\d{1,5})?(?:\/[^/\s?#]*)?$/;

/**
 * A RabbitMQ (AMQP 0-9-1) broker, by URL (`amqp://user:pass@host:5672/vhost`, as every RabbitMQ client
 * takes it) or by host/port/vhost/username/password. A URL carrying credentials is itself a secret:
 * stored encrypted and shown with `***` in their place, like the http type's base URL.
 */
export class AmqpResourceConfig {
  @ApiPropertyOptional({
    example: 'amqps://orders-tests:change-me@rabbit.internal:5671/orders',
    description:
      'amqp:// or amqps:// (TLS); the path is the vhost, percent-encoded (`/` is the default vhost, `%2F` spells it explicitly). Credentials in it are stored encrypted and shown as ***; send the URL whole again to change it. Give either url or host.',
  })
  @ValidateIf((o: AmqpResourceConfig) => o.url !== undefined || o.host === undefined)
  @IsString({ message: 'url or host is required' })
  @MaxLength(2048)
  @Satisfies('isAmqpUrl', (value) => (typeof value === 'string' && AMQP_URL.test(value) && parses(value) ? null : 'must be amqp://[user:password@]host[:port][/vhost] or amqps://…, without query parameters'))
  @NotWith('host')
  url?: string;

  @ApiPropertyOptional({ example: 'rabbit.internal' })
  @ValidateIf((o: AmqpResourceConfig) => o.host !== undefined || o.url === undefined)
  @IsString({ message: 'host or url is required' }) @Length(1, 255)
  host?: string;

  @ApiPropertyOptional({ example: 5672, description: 'Default 5672, or 5671 with tls' })
  @Optional() @IsInt() @Min(1) @Max(65535) @NotWith('url')
  port?: number;

  @ApiPropertyOptional({ example: 'orders', description: 'Virtual host; default "/"' })
  @Optional() @IsString() @Length(1, 255) @NotWith('url')
  vhost?: string;

  @ApiPropertyOptional({ example: 'orders-tests', description: 'Default guest (RabbitMQ lets guest in from localhost only)' })
  @Optional() @IsString() @Length(1, 255)
  @Satisfies('notWithUrlCredentials', (_, args) => urlCarriesCredentials(args.object) ? 'cannot be combined with credentials in url' : null)
  username?: string;

  @ApiPropertyOptional({ description: 'Secret: write-only, stored encrypted.', writeOnly: true, example: 'change-me' })
  @Optional() @IsString() @MaxLength(1024)
  @Satisfies('notWithUrlCredentials', (_, args) => urlCarriesCredentials(args.object) ? 'cannot be combined with credentials in url' : null)
  password?: string;

  @ApiPropertyOptional({ type: ResourceTlsOptions, description: 'Present = TLS (implied by amqps://)' })
  @Optional() @ValidateNested() @Type(() => ResourceTlsOptions)
  tls?: ResourceTlsOptions;
}

function parses(url: string): boolean {
  try {
    const parsed = new URL(url);
    return !!parsed.hostname && (parsed.pathname.length <= 1 || isDecodable(parsed.pathname.slice(1)));
  } catch {
    return false;
  }
}

function isDecodable(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

function urlCarriesCredentials(config: object): boolean {
  const url = (config as { url?: unknown }).url;
  return typeof url === 'string' && hasUrlCredentials(url);
}

/** The password, a TLS client key, and the URL itself when it carries credentials (masked in place). */
export function amqpSecretFields(config: Record<string, unknown>): SecretField[] {
  const fields: SecretField[] = [{ path: 'password' }, { path: 'tls.key' }];
  if (typeof config.url === 'string' && hasUrlCredentials(config.url)) fields.push({ path: 'url', mask: maskUrlCredentials });
  return fields;
}
