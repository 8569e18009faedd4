import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsIn, IsInt, IsNotEmpty, IsString, Length, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import type { SecretField } from '../../resources/resource-type';
import { IsHostPortList, Optional } from '../../resources/validation/config-validators';
import { ResourceTlsOptions } from '../shared/resource-tls-options.dto';

export const KAFKA_SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

export class KafkaResourceSasl {
  @ApiProperty({ enum: KAFKA_SASL_MECHANISMS, example: 'scram-sha-512' })
  @IsIn(KAFKA_SASL_MECHANISMS)
  mechanism: (typeof KAFKA_SASL_MECHANISMS)[number];

  @ApiProperty({ example: 'qa-runner' })
  @IsString() @Length(1, 255)
  username: string;

  @ApiProperty({ description: 'Secret: write-only, stored encrypted.', writeOnly: true, example: 'change-me' })
  @IsString() @IsNotEmpty() @MaxLength(1024)
  password: string;
}

/** kafkajs client settings a user may tune; everything else stays at the service's defaults. */
export class KafkaResourceClientOptions {
  @ApiPropertyOptional({ example: 3000, description: 'TCP connect timeout per broker (kafkajs default 1000)' })
  @Optional() @IsInt() @Min(100) @Max(120_000)
  connectionTimeoutMs?: number;

  @ApiPropertyOptional({ example: 10000, description: 'SASL handshake timeout' })
  @Optional() @IsInt() @Min(100) @Max(120_000)
  authenticationTimeoutMs?: number;

  @ApiPropertyOptional({ example: 30000, description: 'Per-request timeout' })
  @Optional() @IsInt() @Min(100) @Max(600_000)
  requestTimeoutMs?: number;

  @ApiPropertyOptional({ example: 5, description: 'Retries of a failed request' })
  @Optional() @IsInt() @Min(0) @Max(20)
  retries?: number;

  @ApiPropertyOptional({ example: 300, description: 'First retry delay; grows exponentially' })
  @Optional() @IsInt() @Min(1) @Max(60_000)
  initialRetryTimeMs?: number;

  @ApiPropertyOptional({ example: 30000, description: 'Largest retry delay' })
  @Optional() @IsInt() @Min(1) @Max(600_000)
  maxRetryTimeMs?: number;
}

/** A Kafka cluster that publish and subscribe steps use. */
export class KafkaResourceConfig {
  @ApiProperty({ type: [String], example: ['kafka-1.internal:9092', 'kafka-2.internal:9092'], description: 'Bootstrap brokers, host:port' })
  @IsHostPortList() @ArrayMinSize(1) @ArrayMaxSize(50)
  brokers: string[];

  @ApiPropertyOptional({ default: 'async-testing-service', example: 'ats-orders-tests' })
  @Optional() @IsString() @Matches(/^[A-Za-z0-9._-]{1,255}$/, { message: 'clientId must be 1-255 characters of [A-Za-z0-9._-]' })
  clientId: string = 'async-testing-service';

  @ApiPropertyOptional({ type: ResourceTlsOptions, description: 'Present = connect with TLS' })
  @Optional() @ValidateNested() @Type(() => ResourceTlsOptions)
  ssl?: ResourceTlsOptions;

  @ApiPropertyOptional({ type: KafkaResourceSasl })
  @Optional() @ValidateNested() @Type(() => KafkaResourceSasl)
  sasl?: KafkaResourceSasl;

  @ApiPropertyOptional({ type: KafkaResourceClientOptions })
  @Optional() @ValidateNested() @Type(() => KafkaResourceClientOptions)
  clientOptions?: KafkaResourceClientOptions;
}

export const KAFKA_SECRETS: SecretField[] = [{ path: 'sasl.password' }, { path: 'ssl.key' }];
