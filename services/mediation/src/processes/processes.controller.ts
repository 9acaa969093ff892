import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponse, IdempotencyKey } from '@crisis-ops/service-kit';
import type { Response } from 'express';
import { CurrentPrincipal, Roles, type Principal } from '@crisis-ops/auth';
import type { MediationCommand, ProposeProcess } from '../domain';
import { READ_ROLES, ROLE } from './access-policy';
import {
  ActivateProcessDto,
  AppointEnvoyDto,
  ConcludeProcessDto,
  PartyDto,
  ProcessPageQueryDto,
  ProcessQueryDto,
  ProposeProcessDto,
  ReasonDto,
  RecordAgreementDto,
  RecordSessionDto,
} from './process.dto';
import { MediationService } from './mediation.service';
import { AcceptsIdempotencyKey } from './idempotent-requests';
import { decodeCursor, encodeCursor } from './process-cursor';
import { ANSWERS, ProcessDetailView, ProcessView } from './process.openapi';

const ACTED = 'The process as the command left it (a retry with the same Idempotency-Key: as the first left it)';
/** The codes of a command's 409, those its route can give with the two every command can. */
const CONFLICT = (...codes: string[]) => [...codes, ANSWERS.ended, ANSWERS.concurrent].join('; ');
/** A command's 422: what only the process can tell of the request, if anything, and a reused key. */
const UNPROCESSABLE = (invalid?: string) => (invalid ? `MEDIATION.INVALID_INPUT: ${invalid} (\`errors\` names each field); ${ANSWERS.retried}` : ANSWERS.retried);

/**
 * Mediation processes. Officers act within their token's region; approvers activate and conclude;
 * viewers read their region. Region "global" acts and reads everywhere; role global-viewer reads
 * everywhere.
 */
@ApiTags('processes')
@ApiBearerAuth()
@ApiProblemResponse(403, ANSWERS.forbidden)
@Controller('processes')
export class ProcessesController {
  constructor(private readonly mediation: MediationService) {}

  @Post()
  @AcceptsIdempotencyKey()
  @Roles(ROLE.officer)
  @ApiOperation({ summary: 'Propose a process (mediation-officer). Region = the country\'s region; a country no desk covers (a user-assigned code) is `unassigned`, where only a global user proposes.' })
  @ApiCreatedResponse({ type: ProcessView, description: 'The process proposed (a retry with the same Idempotency-Key: the same process)' })
  @ApiProblemResponse(422, UNPROCESSABLE())
  propose(@CurrentPrincipal() p: Principal, @Body() body: ProposeProcessDto, @IdempotencyKey() key?: string) {
    return this.mediation.propose(p, body as Omit<ProposeProcess, 'type' | 'region'>, key);
  }

  @Get()
  @Roles(...READ_ROLES)
  @ApiOperation({
    summary: 'List processes, newest proposal first, filtered by country, region and status, within the regions the caller may read.',
    description: 'One page of `limit` (default 100); when more follow, the X-Next-Cursor header carries the `cursor` of the next page.',
  })
  // A header of the answer: ApiHeader documents request headers, and listed it as one a client sends.
  @ApiOkResponse({ type: [ProcessView], description: 'One page of processes', headers: { 'X-Next-Cursor': { description: 'present when another page follows', schema: { type: 'string' } } } })
  async list(@CurrentPrincipal() p: Principal, @Query() query: ProcessPageQueryDto, @Res({ passthrough: true }) res: Response) {
    // ProcessPageQueryDto refused a cursor this decodes to nothing.
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const { items, next } = await this.mediation.list(p, query, { limit: query.limit ?? 100, after });
    if (next) res.setHeader('X-Next-Cursor', encodeCursor(next));
    return items;
  }

  @Get(':id')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: 'One process with its history, inclusion metrics and time to response.' })
  @ApiOkResponse({ type: ProcessDetailView, description: 'The process with its history, inclusion metrics and time to response' })
  @ApiProblemResponse(404, ANSWERS.notFound)
  one(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    return this.mediation.get(p, id);
  }

  @Post(':id/activate')
  @AcceptsIdempotencyKey()
  @HttpCode(200)
  @Roles(ROLE.approver)
  @ApiOperation({ summary: 'Activate a proposed process and appoint its envoy (approver).' })
  @ApiOkResponse({ type: ProcessView, description: ACTED })
  @ApiProblemResponse(404, ANSWERS.notFound)
  @ApiProblemResponse(409, CONFLICT('MEDIATION.PROCESS_NOT_PROPOSED: only a proposed process is activated'))
  @ApiProblemResponse(422, UNPROCESSABLE())
  activate(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: ActivateProcessDto, @IdempotencyKey() key?: string) {
    return this.run(p, id, { type: 'Activate', ...body }, key);
  }

  @Post(':id/envoys')
  @AcceptsIdempotencyKey()
  @HttpCode(200)
  @Roles(ROLE.approver)
  @ApiOperation({ summary: 'Appoint a further envoy to an active or suspended process (approver).' })
  @ApiOkResponse({ type: ProcessView, description: ACTED })
  @ApiProblemResponse(404, ANSWERS.notFound)
  @ApiProblemResponse(409, CONFLICT('MEDIATION.PROCESS_NOT_ACTIVE: envoys are appointed to an active or suspended process', 'MEDIATION.ENVOY_ALREADY_APPOINTED: the same envoy is an envoy of it already'))
  @ApiProblemResponse(422, UNPROCESSABLE())
  appointEnvoy(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: AppointEnvoyDto, @IdempotencyKey() key?: string) {
    return this.run(p, id, { type: 'AppointEnvoy', ...body }, key);
  }

  @Post(':id/parties')
  @AcceptsIdempotencyKey()
  @HttpCode(200)
  @Roles(ROLE.officer)
  @ApiOperation({ summary: 'Add a party to an open process (mediation-officer).' })
  @ApiOkResponse({ type: ProcessView, description: ACTED })
  @ApiProblemResponse(404, ANSWERS.notFound)
  @ApiProblemResponse(409, CONFLICT('MEDIATION.PARTY_ALREADY_ADDED: a party of that kind and name is one already'))
  @ApiProblemResponse(422, UNPROCESSABLE())
  addParty(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: PartyDto, @IdempotencyKey() key?: string) {
    return this.run(p, id, { type: 'AddParty', ...body }, key);
  }

  @Post(':id/sessions')
  @AcceptsIdempotencyKey()
  @HttpCode(200)
  @Roles(ROLE.officer)
  @ApiOperation({ summary: 'Record a session of talks with participants by gender and age group (mediation-officer).' })
  @ApiOkResponse({ type: ProcessView, description: ACTED })
  @ApiProblemResponse(404, ANSWERS.notFound)
  @ApiProblemResponse(409, CONFLICT('MEDIATION.PROCESS_NOT_ACTIVE: sessions are recorded on an active process', 'MEDIATION.SESSION_ALREADY_RECORDED: one held at that time and place is recorded already'))
  @ApiProblemResponse(422, UNPROCESSABLE('a party id not of this process, or a session held more than 365 days before the process was proposed'))
  recordSession(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: RecordSessionDto, @IdempotencyKey() key?: string) {
    return this.run(p, id, { type: 'RecordSession', ...body }, key);
  }

  @Post(':id/agreements')
  @AcceptsIdempotencyKey()
  @HttpCode(200)
  @Roles(ROLE.officer)
  @ApiOperation({ summary: 'Record an agreement (mediation-officer).' })
  @ApiOkResponse({ type: ProcessView, description: ACTED })
  @ApiProblemResponse(404, ANSWERS.notFound)
  @ApiProblemResponse(409, CONFLICT('MEDIATION.PROCESS_NOT_ACTIVE: agreements are recorded on an active process', 'MEDIATION.AGREEMENT_ALREADY_RECORDED: the same agreement is recorded already'))
  @ApiProblemResponse(422, UNPROCESSABLE('an agreement signed more than 365 days before the process was proposed'))
  recordAgreement(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: RecordAgreementDto, @IdempotencyKey() key?: string) {
    return this.run(p, id, { type: 'RecordAgreement', ...body }, key);
  }

  @Post(':id/suspend')
  @AcceptsIdempotencyKey()
  @HttpCode(200)
  @Roles(ROLE.officer)
  @ApiOperation({ summary: 'Suspend an active process (mediation-officer).' })
  @ApiOkResponse({ type: ProcessView, description: ACTED })
  @ApiProblemResponse(404, ANSWERS.notFound)
  @ApiProblemResponse(409, CONFLICT('MEDIATION.PROCESS_NOT_ACTIVE: only an active process is suspended'))
  @ApiProblemResponse(422, UNPROCESSABLE())
  suspend(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: ReasonDto, @IdempotencyKey() key?: string) {
    return this.run(p, id, { type: 'Suspend', reason: body.reason }, key);
  }

  @Post(':id/resume')
  @AcceptsIdempotencyKey()
  @HttpCode(200)
  @Roles(ROLE.officer)
  @ApiOperation({ summary: 'Resume a suspended process (mediation-officer).' })
  @ApiOkResponse({ type: ProcessView, description: ACTED })
  @ApiProblemResponse(404, ANSWERS.notFound)
  @ApiProblemResponse(409, CONFLICT('MEDIATION.PROCESS_NOT_SUSPENDED: only a suspended process resumes'))
  @ApiProblemResponse(422, UNPROCESSABLE())
  resume(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: ReasonDto, @IdempotencyKey() key?: string) {
    return this.run(p, id, { type: 'Resume', reason: body.reason }, key);
  }

  @Post(':id/conclude')
  @AcceptsIdempotencyKey()
  @HttpCode(200)
  @Roles(ROLE.approver)
  @ApiOperation({ summary: 'Conclude an active process with an outcome (approver).' })
  @ApiOkResponse({ type: ProcessView, description: ACTED })
  @ApiProblemResponse(404, ANSWERS.notFound)
  @ApiProblemResponse(409, CONFLICT('MEDIATION.PROCESS_NOT_ACTIVE: only an active process is concluded'))
  @ApiProblemResponse(422, UNPROCESSABLE('an outcome of agreement where none was recorded'))
  conclude(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: ConcludeProcessDto, @IdempotencyKey() key?: string) {
    return this.run(p, id, { type: 'Conclude', outcome: body.outcome, reason: body.reason }, key);
  }

  @Post(':id/close')
  @AcceptsIdempotencyKey()
  @HttpCode(200)
  @Roles(ROLE.officer, ROLE.approver)
  @ApiOperation({ summary: 'Close an open process without conclusion (mediation-officer or approver).' })
  @ApiOkResponse({ type: ProcessView, description: ACTED })
  @ApiProblemResponse(404, ANSWERS.notFound)
  @ApiProblemResponse(409, CONFLICT())
  @ApiProblemResponse(422, UNPROCESSABLE())
  close(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: ReasonDto, @IdempotencyKey() key?: string) {
    return this.run(p, id, { type: 'Close', reason: body.reason }, key);
  }

  private run(p: Principal, id: string, command: Exclude<MediationCommand, ProposeProcess>, key?: string) {
    return this.mediation.execute(p, id, command, key);
  }
}

/** Measures across the processes the caller may read. Not under /metrics: that is Prometheus'. */
@ApiTags('process-metrics')
@ApiBearerAuth()
@ApiProblemResponse(403, ANSWERS.forbidden)
@Controller('process-metrics')
export class ProcessMetricsController {
  constructor(private readonly mediation: MediationService) {}

  @Get('inclusion')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: "Women's and youth share of delegates per session, process and overall; share of agreements with gender / youth provisions." })
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: true }, description: 'Shares per session, per process and overall, of the processes the caller may read' })
  inclusion(@CurrentPrincipal() p: Principal, @Query() query: ProcessQueryDto) {
    return this.mediation.inclusion(p, query);
  }

  @Get('time-to-response')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: 'Hours from escalation to proposal, to activation, to first session; per process and summarised.' })
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: true }, description: 'Hours per process, and their summary, of the processes the caller may read' })
  timeToResponse(@CurrentPrincipal() p: Principal, @Query() query: ProcessQueryDto) {
    return this.mediation.timeToResponse(p, query);
  }
}
