import { Body, Controller, HttpCode, HttpStatus, Inject, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { Roles } from '@crisis-ops/auth';
import { ApiProblemResponse, ChecksBody, invalidRequest } from '@crisis-ops/service-kit';
import { CLOCK, type Clock } from '@crisis-ops/domain-kernel';
import { RecordSignalCommand, RecordSignalBatchCommand } from './record-signal.command';
import { checkBatchBody, checkSignalBody, MAX_BATCH } from '../intake/signal-body';
import { SignalIntake, type IntakeItemResult } from '../intake/signal-intake.service';
import { EXERCISE_COUNTRIES } from '../intake/exercise-countries';
import { INTAKE_ROLE } from '../intake/intake-role';

/** What the body parser refuses, beside the route's own REQUEST.INVALID (the platform's 400 description, which a route's own replaces). */
const UNREADABLE_BODY = 'REQUEST.MALFORMED_JSON (a body that is not JSON) or REQUEST.INCOMPLETE_BODY (fewer or more bytes than Content-Length announced)';

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
  // The body is checked here, not by a pipe: the edge names its faults with a query parameter refused.
  @ChecksBody((body, c: RecordSignalController) => c.signalOf(body))
  async record(@Body() body: unknown): Promise<IntakeItemResult> {
    const [result] = await this.intake.record([this.signalOf(body)], { origin: 'api' });
    return result;
  }

  /**
   * Up to 5,000 signals in one transaction. All or nothing: if any item is invalid the whole batch
   * is rejected with 400 naming every field as `items[i].field`, and nothing is recorded.
   */
  @Post('batch')
  @HttpCode(HttpStatus.ACCEPTED)
  @Roles(INTAKE_ROLE)
  @ApiBody({ type: RecordSignalBatchCommand, description: `1 to ${MAX_BATCH} signals` })
  @ApiAcceptedResponse({ description: 'All items committed: { recorded, duplicates, items: [{ id, status }] } in request order.' })
  @ApiProblemResponse(400, `REQUEST.INVALID: at least one invalid item, nothing was recorded; \`errors[].field\` is e.g. \`items[3].country\`; ${UNREADABLE_BODY}`)
  @ChecksBody((body, c: RecordSignalController) => c.signalsOf(body))
  async recordBatch(@Body() body: unknown): Promise<BatchResult> {
    const items = await this.intake.record(this.signalsOf(body), { origin: 'api' });
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
