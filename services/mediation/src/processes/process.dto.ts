import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { systemClock } from '@crisis-ops/domain-kernel';
import { countryByIso3, DESK_IDS, isUserAssignedCountry, platformIso3 } from '@crisis-ops/geo';
import { EachIs, IsNotBlank, IsVisibleIfGiven, NestedObject } from '@crisis-ops/service-kit';
import { UNASSIGNED_REGION } from '../region/region-of';
import { decodeCursor } from './process-cursor';
import {
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  isUUID,
  Max,
  MaxLength,
  Min,
  ValidateBy,
} from 'class-validator';
import {
  AGE_GROUPS,
  AGREEMENT_KINDS,
  GENDERS,
  instantProblem,
  LEADS,
  MAX_PROVISIONS,
  MAX_PROVISIONS_BYTES,
  MAX_SIGNATORIES,
  OUTCOMES,
  PARTY_KINDS,
  provisionsSizeProblem,
  readingOf,
  SIGNATORY_ROLES,
  signatoriesSizeProblem,
  STATUSES,
  TRACKS,
} from '../domain';
import type { AgeGroup, AgreementKind, Gender, Lead, Outcome, PartyKind, ProcessStatus, SignatoryRole, Track } from '../domain';

/**
 * What is wrong with a country code, or undefined: an ISO 3166-1 country, or a user-assigned code
 * (AAA–AAZ, QMA–QZZ, XAA–XZZ, ZZA–ZZZ: never a country) as exercises use, is right. Any three capitals
 * was taken: "MAL" (for MLI or MYS) made a process, and a MediationProposed, for a country that does
 * not exist, and a listing of it answered none rather than saying it names no country.
 */
export function countryCodeProblem(value: unknown): string | undefined {
  // countryByIso3 forgives case and spaces; the domain does not, so neither may the edge.
  if (typeof value !== 'string' || !/^[A-Z]{3}$/.test(value)) return 'must be an ISO 3166-1 alpha-3 code in capitals, e.g. MLI';
  return countryByIso3(value) || isUserAssignedCountry(value) ? undefined : `${value} is not an ISO 3166-1 country`;
}

const IsCountry = () =>
  ValidateBy({ name: 'isCountry', validator: { validate: (value) => !countryCodeProblem(value), defaultMessage: (args) => countryCodeProblem(args?.value) ?? '' } });
/** Kosovo's UNK as XKX, the code early-warning's events and the country watch carry (platformIso3). */
const AsPlatformCountry = () => Transform(({ value }) => (typeof value === 'string' ? platformIso3(value) : value));

/*
 * What the domain refuses of a request that the request shows by itself (a bad or future date, a group
 * counted twice, a party listed twice) is refused here too, with the domain's reason: it is then named
 * in one 400 with the request's other faults, where the domain's 422 came only once those were mended.
 * What only the process can tell (a party id not of this process, an outcome of 'agreement' with
 * none recorded) is the domain's alone, and follows.
 */

/** A date-time with offset (instantProblem), not later than now, as the domain takes a session's or a signing's. */
export function pastInstantProblem(value: unknown, now = systemClock.now()): string | undefined {
  return instantProblem(value) ?? (new Date(value as string).getTime() > now.getTime() ? 'must not be in the future' : undefined);
}

const IsPastInstant = () =>
  ValidateBy({ name: 'isPastInstant', validator: { validate: (value) => !pastInstantProblem(value), defaultMessage: (args) => pastInstantProblem(args?.value) ?? '' } });

/** A session's counts: each gender and age group once, and someone counted. Malformed entries are their own fields' fault. */
export function participantsProblem(value: unknown): string | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const groups = value.filter((p): p is ParticipantCountDto => (GENDERS as readonly unknown[]).includes(p?.gender) && (AGE_GROUPS as readonly unknown[]).includes(p?.ageGroup));
  const keys = groups.map((p) => `${p.gender}/${p.ageGroup}`);
  const twice = [...new Set(keys.filter((k, i) => keys.indexOf(k) !== i))];
  if (twice.length) return `counts ${twice.join(', ')} twice`;
  // A count that is no count (-1, "2") is its own field's fault: nobody counted is said of valid zeros only.
  const counts = value.map((p) => p?.count);
  return counts.every((c) => c === 0) ? 'must count at least one participant' : undefined;
}

/** A proposal's parties: none listed twice (same kind, same name whatever its case, spaces or Unicode composition: readingOf), as the domain keys them. */
export function partiesProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) return undefined;
  const keyed = value.filter((p) => typeof p?.name === 'string' && typeof p?.kind === 'string').map((p: PartyDto) => ({ key: `${p.kind}:${readingOf(p.name)}`, p }));
  const twice = keyed.filter(({ key }, i) => keyed.findIndex((k) => k.key === key) !== i).map(({ p }) => `${p.name.trim()} (${p.kind})`);
  return twice.length ? `lists ${[...new Set(twice)].join(', ')} twice` : undefined;
}

/** What is wrong with an id the session lists, or undefined: any UUID, as the domain makes party ids. */
export const partyIdProblem = (id: unknown): string | undefined => (typeof id === 'string' && isUUID(id, 'all') ? undefined : 'must be a UUID');

/**
 * A session's party ids: none listed twice (a UUID in any case is the same id). A party listed three
 * times was stored three times as present. Ids that are no UUID are their own items' fault.
 */
export function partyIdsProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) return undefined;
  const ids = value.filter((id): id is string => !partyIdProblem(id)).map((id) => id.toLowerCase());
  const twice = [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
  return twice.length ? `lists ${twice.join(', ')} twice` : undefined;
}

const Holds = (name: string, problem: (value: unknown) => string | undefined) =>
  ValidateBy({ name, validator: { validate: (value) => !problem(value), defaultMessage: (args) => problem(args?.value) ?? '' } });
const INSTANT = { format: 'date-time', description: 'ISO 8601 with a time zone offset (Z or ±hh:mm)' } as const;

export class PartyDto {
  @ApiProperty({ example: 'Government of Mali' }) @IsString() @IsNotBlank() @MaxLength(200) name!: string;
  @ApiProperty({ enum: PARTY_KINDS }) @IsIn(PARTY_KINDS) kind!: PartyKind;
}

export class ProposeProcessDto {
  @ApiProperty({ example: 'MLI', description: 'ISO 3166-1 alpha-3; the user-assigned codes (AAA–AAZ, QMA–QZZ, XAA–XZZ, ZZA–ZZZ) are taken for exercises' }) @AsPlatformCountry() @IsCountry() country!: string;
  @ApiPropertyOptional({ example: 'Mopti' }) @IsOptional() @IsString() @IsVisibleIfGiven() @MaxLength(200) admin1?: string;
  @ApiPropertyOptional({ example: 'Inter-communal violence in central Mali' }) @IsOptional() @IsString() @IsVisibleIfGiven() @MaxLength(2000) situation?: string;
  @ApiProperty({ enum: TRACKS }) @IsIn(TRACKS) track!: Track;
  @ApiProperty({ enum: LEADS }) @IsIn(LEADS) lead!: Lead;
  @ApiPropertyOptional({ type: [PartyDto] }) @IsOptional() @IsArray() @Holds('partiesOnce', partiesProblem) @NestedObject(() => PartyDto, { each: true }) parties?: PartyDto[];
}

export class EnvoyDto {
  @ApiProperty({ example: 'A. Envoy' }) @IsString() @IsNotBlank() @MaxLength(200) name!: string;
  @ApiProperty({ example: 'special envoy' }) @IsString() @IsNotBlank() @MaxLength(200) role!: string;
  @ApiProperty({ example: 'UN' }) @IsString() @IsNotBlank() @MaxLength(200) organization!: string;
  @ApiProperty({ enum: GENDERS }) @IsIn(GENDERS) gender!: Gender;
}

export class ActivateProcessDto {
  @ApiProperty({ example: 'Good offices of the Secretary-General' }) @IsString() @IsNotBlank() @MaxLength(2000) mandate!: string;
  @ApiProperty({ type: EnvoyDto }) @IsDefined() @NestedObject(() => EnvoyDto) envoy!: EnvoyDto;
}

export class AppointEnvoyDto {
  @ApiProperty({ type: EnvoyDto }) @IsDefined() @NestedObject(() => EnvoyDto) envoy!: EnvoyDto;
}

export class ParticipantCountDto {
  @ApiProperty({ enum: GENDERS }) @IsIn(GENDERS) gender!: Gender;
  @ApiProperty({ enum: AGE_GROUPS, description: 'youth = 18 to 29 (UNSCR 2250)' }) @IsIn(AGE_GROUPS) ageGroup!: AgeGroup;
  @ApiProperty({ minimum: 0 }) @IsInt() @Min(0) @Max(100_000) count!: number;
}

export class RecordSessionDto {
  @ApiProperty({ ...INSTANT, example: '2026-03-04T09:00:00Z' }) @IsPastInstant() heldAt!: string;
  @ApiProperty({ example: 'Bamako' }) @IsString() @IsNotBlank() @MaxLength(200) place!: string;
  @ApiPropertyOptional({ type: [String], description: 'ids of the process parties present (a UUID in either case)' })
  @IsOptional()
  @IsArray()
  @Holds('partyIdsOnce', partyIdsProblem)
  @EachIs('isUuid', partyIdProblem)
  // In lower case, as the process holds them: a retry naming them in capitals is the same request (its Idempotency-Key fingerprint).
  @Transform(({ value }) => (Array.isArray(value) ? value.map((id) => (typeof id === 'string' && !partyIdProblem(id) ? id.toLowerCase() : id)) : value))
  partyIds?: string[];
  @ApiProperty({ type: [ParticipantCountDto] }) @IsArray() @ArrayMinSize(1) @Holds('participantsOnce', participantsProblem) @NestedObject(() => ParticipantCountDto, { each: true }) participants!: ParticipantCountDto[];
}

export class ProvisionDto {
  @ApiProperty({ example: 'ceasefire', maxLength: 200 }) @IsString() @IsNotBlank() @MaxLength(200) topic!: string;
  @ApiProperty({ maxLength: 10_000, description: 'Up to 10,000 characters' }) @IsString() @IsNotBlank() @MaxLength(10_000) text!: string;
  @ApiProperty() @IsBoolean() addressesGender!: boolean;
  @ApiProperty() @IsBoolean() addressesYouth!: boolean;
}

export class SignatoryDto {
  @ApiProperty({ maxLength: 200 }) @IsString() @IsNotBlank() @MaxLength(200) name!: string;
  @ApiProperty({ enum: SIGNATORY_ROLES }) @IsIn(SIGNATORY_ROLES) role!: SignatoryRole;
  @ApiProperty({ maxLength: 200 }) @IsString() @IsNotBlank() @MaxLength(200) organization!: string;
}

/*
 * Lengths here (and in the domain) count characters (code points), as MaxLength does. An agreement's
 * size is bounded by its count of provisions and signatories and by its provisions' bytes in UTF-8
 * (agreement.limits.ts: the event announcing it must fit a Kafka message); JSON_BODY_LIMIT fits any
 * body within those.
 */
export class RecordAgreementDto {
  @ApiProperty({ enum: AGREEMENT_KINDS }) @IsIn(AGREEMENT_KINDS) kind!: AgreementKind;
  @ApiProperty({ maxLength: 500 }) @IsString() @IsNotBlank() @MaxLength(500) title!: string;
  @ApiProperty({ ...INSTANT, example: '2026-03-05T09:00:00Z' }) @IsPastInstant() signedAt!: string;
  @ApiProperty({
    type: [ProvisionDto],
    minItems: 1,
    maxItems: MAX_PROVISIONS,
    description: `1 to ${MAX_PROVISIONS} provisions, whose topics and texts come to at most ${MAX_PROVISIONS_BYTES} bytes in UTF-8 together (${MAX_PROVISIONS_BYTES / 1024} KiB; e.g. 40 provisions of 10,000 characters in English)`,
  })
  @IsArray()
  @ArrayMinSize(1)
  @Holds('provisionsFit', provisionsSizeProblem)
  @NestedObject(() => ProvisionDto, { each: true })
  provisions!: ProvisionDto[];
  @ApiProperty({ type: [SignatoryDto], minItems: 1, maxItems: MAX_SIGNATORIES }) @IsArray() @ArrayMinSize(1) @Holds('signatoriesFit', signatoriesSizeProblem) @NestedObject(() => SignatoryDto, { each: true }) signatories!: SignatoryDto[];
}

/**
 * The largest JSON body mediation reads. The platform's 100 KB refused (413) an agreement within every
 * field limit (12 provisions of 9,750 characters). The largest agreement the limits allow is 400 KiB of
 * provisions' text: written with every character escaped (`\u0041`, 6 bytes a byte) it is 2.4 MiB, and
 * 50 signatories and a title of 4-byte characters so escaped add 0.25 MiB; 4 MiB holds that with room
 * for the JSON around it (process.dto.spec.ts builds it). A body over it is 413 REQUEST.TOO_LARGE.
 */
export const JSON_BODY_LIMIT_BYTES = 4 * 1024 * 1024;

export class ReasonDto {
  @ApiProperty() @IsString() @IsNotBlank() @MaxLength(2000) reason!: string;
}

export class ConcludeProcessDto extends ReasonDto {
  @ApiProperty({ enum: OUTCOMES }) @IsIn(OUTCOMES) outcome!: Outcome;
}

/** The desks, and `unassigned` for processes in countries no desk covers (global readers see those). */
const PROCESS_REGIONS = [...DESK_IDS, UNASSIGNED_REGION];

export class ProcessQueryDto {
  @ApiPropertyOptional({ example: 'MLI' }) @IsOptional() @AsPlatformCountry() @IsCountry() country?: string;
  @ApiPropertyOptional({ enum: PROCESS_REGIONS }) @IsOptional() @IsIn(PROCESS_REGIONS, { message: `must be one of ${PROCESS_REGIONS.join(', ')}` }) region?: string;
  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsIn(STATUSES) status?: ProcessStatus;
}

export const MAX_PAGE = 500;

/**
 * A query's whole number as written in decimal digits, else left as sent for IsInt to refuse.
 * `@Type(() => Number)` read `0x10` as 16, `1e2` as 100, `+5` and ` 5` as 5, where early-warning and
 * ops-centre answer each 400.
 */
const AsDecimalInteger = () => Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value));

export class ProcessPageQueryDto extends ProcessQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE, default: 100 })
  @IsOptional()
  @AsDecimalInteger()
  @IsInt({ message: `must be an integer from 1 to ${MAX_PAGE}` })
  @Min(1, { message: `must be an integer from 1 to ${MAX_PAGE}` })
  @Max(MAX_PAGE, { message: `must be an integer from 1 to ${MAX_PAGE}` })
  limit?: number;

  // Checked here, not in the controller after the pipe: `?limit=0&cursor=zz` named only limit, and
  // the cursor's fault came once that was mended.
  @ApiPropertyOptional({ description: 'The X-Next-Cursor header of the previous page' })
  @IsOptional()
  @IsString()
  @Holds('isCursor', (value) => (typeof value === 'string' && decodeCursor(value) ? undefined : 'is not a cursor this API returned'))
  cursor?: string;
}
