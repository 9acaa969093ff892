import { Body, Controller, HttpCode, HttpStatus, Inject, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@crisis-ops/auth';
import { ApiProblemResponse, ChecksBody, invalidRequest } from '@crisis-ops/service-kit';
import { CLOCK, type Clock } from '@crisis-ops/domain-kernel';
import { RecordSignalCommand, RecordSignalBatchCommand } from './record-signal.command';
import { checkBatchBody, checkSignalBody, MAX_BATCH } from '../intake/signal-body';
import { SignalIntake, type IntakeItemResult } from '../intake/signal-intake.service';
import { EXERCISE_COUNTRIES } from '../intake/exercise-countries';
import { INTAKE_ROLE } from '../intake/intake-role';
import { assertMayRecord, REGION_FORBIDDEN } from '../intake/region-scope';

/** What the body parser refuses, beside the route's own REQUEST.INVALID (the platform's 400 description, which a route's own replaces). */
const UNREADABLE_BODY = 'REQUEST.MALFORMED_JSON (a body that is not JSON) or REQUEST.INCOMPLETE_BODY (fewer or more bytes than Content-Length announced)';

/** The route's 403s: the role, and the desk of the token's region (the route's own, which replaces the platform's description). */
const FORBIDDEN = (what: string) =>
  `AUTH.FORBIDDEN_ROLE: the token lacks the analyst role; ${REGION_FORBIDDEN}: ${what} a country outside the desk of the token's region (a token of region global, or of none, records every country, and is the only one to record a country of no desk such as an exercise code), \`errors\` naming it and why, and nothing was recorded`;

export interface BatchResult {
  readonly recorded: number;
  readonly duplicates: number;
  readonly items: readonly IntakeItemResult[];
}

@ApiTags('signals')
@ApiBearerAuth()
@Controller('signals')
export class RecordSignalController {
  constructor(
    private readonly intake: SignalIntake,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(EXERCISE_COUNTRIES) private readonly exerciseCountries: boolean,
  ) {}

  /** 202 only after the signal and its event have committed; the same (source, id) again answers `duplicate`. */
  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @Roles(INTAKE_ROLE)
  @ApiBody({ type: RecordSignalCommand })
  @ApiAcceptedResponse({ description: 'Recorded (or already recorded under the same source and id): { id, status }; a duplicate whose content is not what was recorded adds `differs` (the fields), and is not applied.' })
  @ApiProblemResponse(400, `REQUEST.INVALID: invalid input, \`errors\` names each field and the reason (text that is not UTF-8 included); ${UNREADABLE_BODY}`)
  @ApiProblemResponse(403, FORBIDDEN('the signal is of'))
  // The body is checked here, not by a pipe: the edge names its faults with a query parameter refused.
  @ChecksBody((body, c: RecordSignalController) => c.signalOf(body))
  async record(@Body() body: unknown, @CurrentPrincipal() principal?: Principal): Promise<IntakeItemResult> {
    const signal = this.signalOf(body);
    assertMayRecord(principal, [signal.country], () => 'country');
    const [result] = await this.intake.record([signal], { origin: 'api' });
    return result;
  }

  /**
   * Up to 5,000 signals in one transaction. All or nothing: if any item is invalid the whole batch
   * is rejected with 400 naming every field as `items[i].field`, and nothing is recorded. Likewise an
   * item the token may not record alone (a country outside its region's desk) refuses the batch with
   * the 403 that item would get, naming each such `items[i].country`: a batch answers what its worst
   * item would, so that a client never has to work out which part was applied, and an authorization
   * refusal is never taken for a fault in the data (which 400/422 would say). Checked once the
   * batch is valid: a wrong request is told so before a forbidden one.
   */
  @Post('batch')
  @HttpCode(HttpStatus.ACCEPTED)
  @Roles(INTAKE_ROLE)
  @ApiBody({ type: RecordSignalBatchCommand, description: `1 to ${MAX_BATCH} signals` })
  @ApiAcceptedResponse({ description: 'All items committed: { recorded, duplicates, items: [{ id, status }] } in request order.' })
  @ApiProblemResponse(400, `REQUEST.INVALID: at least one invalid item, nothing was recorded; \`errors[].field\` is e.g. \`items[3].country\`; ${UNREADABLE_BODY}`)
  @ApiProblemResponse(403, FORBIDDEN('at least one item (`errors[].field` e.g. `items[3].country`) is of'))
  @ChecksBody((body, c: RecordSignalController) => c.signalsOf(body))
  async recordBatch(@Body() body: unknown, @CurrentPrincipal() principal?: Principal): Promise<BatchResult> {
    const signals = this.signalsOf(body);
    assertMayRecord(principal, signals.map((s) => s.country), (i) => `items[${i}].country`);
    const items = await this.intake.record(signals, { origin: 'api' });
    const recorded = items.filter((i) => i.status === 'recorded').length;
    return { recorded, duplicates: items.length - recorded, items };
  }

  /** The signal a body gives, or REQUEST.INVALID naming each fault. */
  signalOf(body: unknown) {
    const { signal, violations } = checkSignalBody(body, this.clock.now(), { allowUserAssignedCountries: this.exerciseCountries });
    if (!signal) throw invalidRequest(violations);
    return signal;
  }

  /** The signals a batch gives, or REQUEST.INVALID naming each fault as `items[i].field`. */
  signalsOf(body: unknown) {
    const { signals, violations } = checkBatchBody(body, this.clock.now(), { allowUserAssignedCountries: this.exerciseCountries });
    if (!signals) throw invalidRequest(violations);
    return signals;
  }
}
