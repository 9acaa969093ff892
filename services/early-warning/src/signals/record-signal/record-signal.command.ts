import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SIGNAL_SUB_TYPES } from '../../domain/signal-types';
import { MAX_NOTES_LENGTH, MAX_SOURCE_LENGTH } from '../../domain/signal';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { SIGNAL_TYPES } from '../signal-type';

/**
 * A signal as a client reports it: the OpenAPI schema. Validation itself is the domain's
 * validateSignal (see intake/signal-body.ts), so the API, the batch and imports agree.
 */
export class RecordSignalCommand {
  @ApiPropertyOptional({ description: "The client's own id; with `source` it makes the request idempotent.", minLength: 1, maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  id?: string;

  @ApiProperty({ example: 'field-monitor', minLength: 1, maxLength: MAX_SOURCE_LENGTH })
  @IsString()
  @Length(1, 100)
  source!: string;

  @ApiProperty({ description: 'ISO 3166-1 alpha-3', example: 'BFA', pattern: '^[A-Z]{3}$' })
  @Matches(/^[A-Z]{3}$/, { message: 'country must be an ISO 3166-1 alpha-3 code in capitals, e.g. BFA' })
  country!: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  admin1?: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  location?: string;

  @ApiProperty({ enum: SIGNAL_TYPES })
  @IsIn(SIGNAL_TYPES, { message: `type must be one of: ${SIGNAL_TYPES.join(', ')}` })
  type!: string;

  @ApiProperty({ example: '2021-06-05T02:00:00Z' })
  @IsISO8601({ strict: true }, { message: 'occurredAt must be an ISO 8601 date or date-time' })
  occurredAt!: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  fatalities?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 5 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  severity?: number;

  @ApiPropertyOptional({ maxLength: MAX_NOTES_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  notes?: string;

  @ApiPropertyOptional({ description: 'When the source reported it; defaults to occurredAt.' })
  reportedAt?: string;

  @ApiPropertyOptional({ maxLength: 200 })
  admin2?: string;

  @ApiPropertyOptional({ minimum: -90, maximum: 90, description: 'With longitude, or neither.' })
  latitude?: number;

  @ApiPropertyOptional({ minimum: -180, maximum: 180 })
  longitude?: number;

  @ApiPropertyOptional({ description: 'A sub-type of `type`', enum: [...new Set(Object.values(SIGNAL_SUB_TYPES).flat())] })
  subType?: string;
}

export class RecordSignalBatchCommand {
  @ApiProperty({ type: [RecordSignalCommand], maxItems: 5000, minItems: 1 })
  items!: RecordSignalCommand[];
}
