import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AGE_GROUPS, AGREEMENT_KINDS, GENDERS, LEADS, OUTCOMES, PARTY_KINDS, RISK_LEVELS, SIGNATORY_ROLES, STATUSES, TRACKS } from '../domain';

/*
 * What the process routes answer, for the OpenAPI document (`/docs/json`): a process as
 * ProcessState holds it, and the error answers each route gives with its codes. Documentation only:
 * the routes answer the domain's state as it is. Without these, every 200 had no schema and no
 * route documented a 404, 409 or 422, so a client generated from the document knew of none.
 */

const INSTANT = { type: String, format: 'date-time' } as const;

class PartyView {
  @ApiProperty({ format: 'uuid' }) partyId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: PARTY_KINDS }) kind!: string;
}

class EnvoyView {
  @ApiProperty({ format: 'uuid' }) envoyId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() role!: string;
  @ApiProperty() organization!: string;
  @ApiProperty({ enum: GENDERS }) gender!: string;
  @ApiProperty(INSTANT) appointedAt!: string;
}

class ParticipantCountView {
  @ApiProperty({ enum: GENDERS }) gender!: string;
  @ApiProperty({ enum: AGE_GROUPS }) ageGroup!: string;
  @ApiProperty({ minimum: 0 }) count!: number;
}

class SessionView {
  @ApiProperty({ format: 'uuid' }) sessionId!: string;
  @ApiProperty({ description: 'by when the session was held: 1 for the first' }) round!: number;
  @ApiProperty(INSTANT) heldAt!: string;
  @ApiProperty() place!: string;
  @ApiProperty({ type: [String], format: 'uuid' }) partyIds!: string[];
  @ApiProperty({ type: [ParticipantCountView] }) participants!: ParticipantCountView[];
}

class ProvisionView {
  @ApiProperty() topic!: string;
  @ApiProperty() text!: string;
  @ApiProperty() addressesGender!: boolean;
  @ApiProperty() addressesYouth!: boolean;
}

class SignatoryView {
  @ApiProperty() name!: string;
  @ApiProperty({ enum: SIGNATORY_ROLES }) role!: string;
  @ApiProperty() organization!: string;
}

class AgreementView {
  @ApiProperty({ format: 'uuid' }) agreementId!: string;
  @ApiProperty({ enum: AGREEMENT_KINDS }) kind!: string;
  @ApiProperty() title!: string;
  @ApiProperty(INSTANT) signedAt!: string;
  @ApiProperty({ type: [ProvisionView] }) provisions!: ProvisionView[];
  @ApiProperty({ type: [SignatoryView] }) signatories!: SignatoryView[];
}

class DriverView {
  @ApiProperty() kind!: string;
  @ApiPropertyOptional() label?: string;
  @ApiProperty({ type: String, nullable: true, description: "an admin1's name; null for the whole area" }) area!: string | null;
  @ApiProperty() count!: number;
  @ApiProperty({ description: 'share of the final score' }) weight!: number;
}

class EscalationView {
  @ApiProperty() escalationId!: string;
  @ApiProperty({ enum: RISK_LEVELS }) level!: string;
  @ApiProperty(INSTANT) escalatedAt!: string;
}

class DeescalationView {
  @ApiProperty() escalationId!: string;
  @ApiProperty({ enum: RISK_LEVELS }) level!: string;
  @ApiProperty(INSTANT) at!: string;
}

/** A process as the listing and each command answer it. */
export class ProcessView {
  @ApiProperty({ format: 'uuid' }) processId!: string;
  @ApiProperty({ example: 'MLI' }) country!: string;
  @ApiProperty({ type: String, nullable: true }) admin1!: string | null;
  @ApiProperty({ type: String, nullable: true }) situation!: string | null;
  @ApiProperty({ description: 'a regional desk, or unassigned' }) region!: string;
  @ApiProperty({ enum: TRACKS }) track!: string;
  @ApiProperty({ enum: LEADS }) lead!: string;
  @ApiProperty({ enum: STATUSES }) status!: string;
  @ApiProperty({ enum: OUTCOMES, nullable: true }) outcome!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'why the process is in its status' }) statusReason!: string | null;
  @ApiProperty({ type: String, nullable: true }) mandate!: string | null;
  @ApiProperty({ type: [DriverView] }) drivers!: DriverView[];
  @ApiProperty({ type: EscalationView, nullable: true }) escalation!: EscalationView | null;
  @ApiProperty({ type: [PartyView] }) parties!: PartyView[];
  @ApiProperty({ type: [EnvoyView] }) envoys!: EnvoyView[];
  @ApiProperty({ type: [SessionView], description: 'in the order they were held' }) sessions!: SessionView[];
  @ApiProperty({ type: [AgreementView] }) agreements!: AgreementView[];
  @ApiProperty({ type: [DeescalationView] }) deescalations!: DeescalationView[];
  @ApiProperty(INSTANT) proposedAt!: string;
  @ApiProperty({ ...INSTANT, nullable: true }) activatedAt!: string | null;
  @ApiProperty({ ...INSTANT, nullable: true, description: 'when the earliest session was held' }) firstSessionAt!: string | null;
  @ApiProperty({ ...INSTANT, nullable: true }) endedAt!: string | null;
  @ApiProperty({ description: 'events in its history' }) version!: number;
}

/** One process as GET /processes/:id answers it. */
export class ProcessDetailView extends ProcessView {
  @ApiProperty({ type: 'object', additionalProperties: true, description: "women's and youth share of delegates per session, and of agreements with gender / youth provisions" })
  inclusion!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'hours from escalation to proposal, to activation, to first session' })
  timeToResponse!: Record<string, unknown>;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'the events of its history, oldest first' })
  history!: Array<Record<string, unknown>>;
}

/** The answers the routes document, each naming its codes (ApiProblemResponse). */
export const ANSWERS = {
  forbidden: "MEDIATION.REGION_FORBIDDEN: the process (or the country's region) is outside the caller's region; AUTH.FORBIDDEN_ROLE: role missing",
  notFound: 'MEDIATION.PROCESS_NOT_FOUND: no process has this id',
  retried: 'MEDIATION.IDEMPOTENCY_KEY_REUSED: the Idempotency-Key was used for another request',
  concurrent: 'MEDIATION.CONCURRENT_MODIFICATION: more writers than attempts on the process at once; nothing was stored, send again',
  ended: 'MEDIATION.PROCESS_ALREADY_CLOSED: the process has ended',
} as const;
