import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Max, MaxLength, Min, MinLength } from 'class-validator';
import { OptionalNotNull } from '../../common/validation/optional-not-null.decorator';
import { WEBHOOK_FORMATS, WEBHOOK_TRIGGERS, type WebhookFormat, type WebhookTrigger } from './suite-webhook.entity';

export class CreateWebhookDto {
  @ApiProperty({ example: 'CI channel' })
  @IsString() @MinLength(1) @MaxLength(120)
  name: string;

  @ApiProperty({ example: 'https://hooks.slack.com/services/T000/B000/XXXX', description: 'http(s) URL that receives a POST when a run finishes' })
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'url must be an http(s) URL' }) @MaxLength(2000)
  url: string;

  @ApiPropertyOptional({ enum: WEBHOOK_TRIGGERS, default: 'always', description: '`on-change`: when the status differs from the previous finished run (a first run only when it did not pass)' })
  @OptionalNotNull() @IsIn(WEBHOOK_TRIGGERS)
  notifyOn?: WebhookTrigger;

  @ApiPropertyOptional({ enum: WEBHOOK_FORMATS, default: 'json', description: '`slack`: a Slack incoming-webhook message (`text` + `blocks`)' })
  @OptionalNotNull() @IsIn(WEBHOOK_FORMATS)
  format?: WebhookFormat;

  @ApiProperty({
    example: 'whsec-3f9c1e0b7a5d4c2e9f1a8b7c6d5e4f3a',
    description: 'Signing secret (16–256 characters): each request carries `X-ATS-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. Stored encrypted, never returned.',
    writeOnly: true,
  })
  @IsString() @MinLength(16) @MaxLength(256)
  secret: string;

  @ApiPropertyOptional({ default: true })
  @OptionalNotNull() @IsBoolean()
  enabled?: boolean;
}

/** Every field optional; `null` is refused like any wrong type. */
export class UpdateWebhookDto extends PartialType(CreateWebhookDto, { skipNullProperties: false }) {}

export class WebhookDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) suiteId: string;
  @ApiProperty({ example: 'CI channel' }) name: string;
  @ApiProperty({ example: 'https://hooks.slack.com/services/T000/B000/XXXX' }) url: string;
  @ApiProperty({ enum: WEBHOOK_TRIGGERS }) notifyOn: WebhookTrigger;
  @ApiProperty({ enum: WEBHOOK_FORMATS }) format: WebhookFormat;
  @ApiProperty() enabled: boolean;
  @ApiProperty({ example: true, description: 'A secret is set (it is never returned)' }) secretSet: boolean;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}

export class WebhookDeliveryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) webhookId: string;
  @ApiProperty({ format: 'uuid' }) suiteRunId: string;
  @ApiProperty({ example: 'wh-5d2a…-0b7d…', description: 'Same for every attempt of one notification; sent as X-ATS-Delivery' }) deliveryId: string;
  @ApiProperty({ example: 2 }) attempt: number;
  @ApiProperty({ enum: ['delivered', 'failed'] }) outcome: string;
  @ApiProperty({ type: Number, nullable: true, example: 500 }) httpStatus: number | null;
  @ApiProperty({ type: String, nullable: true, example: 'HTTP 500' }) error: string | null;
  @ApiProperty({ example: 35 }) durationMs: number;
  @ApiProperty({ type: String, nullable: true, description: 'First 2000 characters of the response' }) responseBody: string | null;
  @ApiProperty() createdAt: Date;
}

export class WebhookDeliveryPageDto {
  @ApiProperty({ type: [WebhookDeliveryDto] }) items: WebhookDeliveryDto[];
  @ApiProperty({ example: 3 }) total: number;
  @ApiProperty({ example: 1 }) page: number;
  @ApiProperty({ example: 20 }) pageSize: number;
}

export class ListDeliveriesQuery {
  @ApiPropertyOptional({ default: 1, minimum: 1 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100_000)
  page?: number;

  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  pageSize?: number;
}
