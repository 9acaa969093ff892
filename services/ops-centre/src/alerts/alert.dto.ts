import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { IsNotBlank } from '@crisis-ops/service-kit';

/**
 * An acknowledgement takes no field: one given (an assignee, a reason meant for /assign or /close)
 * is refused by the strict validation pipe, naming it, rather than dropped while the alert is
 * acknowledged as if it had been read. No body, or `{}`, is taken.
 */
export class AcknowledgeAlertDto {}

export class AssignAlertDto {
  @ApiProperty({ example: 'officer-7' }) @IsString() @IsNotBlank() @MaxLength(200) assignee!: string;
}

export class CommentAlertDto {
  @ApiProperty({ example: 'Called the field office; confirmed.' }) @IsString() @IsNotBlank() @MaxLength(4000) body!: string;
}

export class CloseAlertDto {
  /** Optional, but a reason given must say something: blanks or invisible characters are refused, as in a comment. */
  @ApiPropertyOptional({ example: 'Mediation opened', description: 'optional; when given, it must have a visible character' })
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(1000)
  reason?: string;
}

/** A driver of the escalation, as early-warning's `GET /risk/{cc}` answers it. */
export class AlertDriver {
  @ApiProperty({ example: 'violence_against_civilians', description: 'What drives the risk: a signal type or a trend' }) kind!: string;
  @ApiProperty() label!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Where it is concentrated (an admin1 or admin2); null for the whole area' }) area!: string | null;
  @ApiProperty({ type: 'integer', description: 'Signals behind it in the assessment window' }) count!: number;
  @ApiProperty({ description: 'Its share of the score' }) weight!: number;
}

/** A comment on an alert, oldest first. */
export class AlertComment {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty({ description: "The commenter's token subject" }) author!: string;
  @ApiProperty() body!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

/**
 * An alert as GET /alerts answers it (documentation only: the service answers plain rows, alertOf of
 * alerts.service.ts; openapi.int-spec.ts checks that every field it answers is here, nullable where
 * null is answered).
 */
export class AlertView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'The RiskEscalated that opened it' }) escalationId!: string;
  @ApiProperty({ description: 'The id of that RiskEscalated event (on the timeline)' }) eventId!: string;
  @ApiProperty({ example: 'KEN' }) country!: string;
  @ApiProperty({ nullable: true, type: String, description: 'null for a national escalation' }) admin1!: string | null;
  @ApiProperty({ nullable: true, type: String }) region!: string | null;
  @ApiProperty({ description: 'The level escalated to (3 high, 4 critical); kept when the area falls back' }) level!: number;
  @ApiProperty({ example: 'critical' }) levelName!: string;
  @ApiProperty({ description: 'The risk score the escalation carried' }) score!: number;
  @ApiProperty({ type: [AlertDriver], description: 'What drove the escalation' }) drivers!: AlertDriver[];
  @ApiProperty({
    type: [String],
    example: ['Conflict data: Armed Conflict Location & Event Data Project (ACLED), www.acleddata.com.'],
    description: "What the data the escalation was built from owed (ACLED's attribution), as its RiskEscalated said: to be shown with it; empty when nothing",
  })
  attributions!: string[];
  @ApiProperty({ enum: ['open', 'acknowledged', 'closed'] }) status!: string;
  @ApiProperty({ format: 'date-time', description: 'When the escalation was raised' }) openedAt!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Who it is assigned to; null while no one' }) assignee!: string | null;
  @ApiProperty({ nullable: true, type: String, description: "Who acknowledged it (the token's subject); null while no one did" }) acknowledgedBy!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) acknowledgedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Who closed it; null while open' }) closedBy!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) closedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The reason given when it was closed; null when none was' }) closeReason!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The trace of the escalation, for following it across services' }) traceId!: string | null;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description:
      'When a RiskDeescalated took the area below the level of this alert (the first that did; the alert stays in its status, listed after those not cleared); null while the area stands at its level',
  })
  clearedAt!: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'The level that de-escalation took the area to (1 low .. 3 high); null while not cleared' }) clearedToLevel!: number | null;
  @ApiProperty({
    type: 'integer',
    description: "How many comments it has: a listing answers the count, not the comments (GET /alerts/{id} answers them), so that a console showing the alert sees when another officer comments",
  })
  commentCount!: number;
  @ApiProperty({ nullable: true, type: String, example: 'low', description: 'clearedToLevel by name' }) clearedToLevelName!: string | null;
}

/** An alert with its comments: what GET /alerts/{id} and each action answer. */
export class AlertWithComments extends AlertView {
  @ApiProperty({ type: [AlertComment], description: 'Oldest first' }) comments!: AlertComment[];
}
