import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
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
import { AcceptsIdempotencyKey, IdempotencyKey } from './idempotent-requests';
import { decodeCursor, encodeCursor } from './process-cursor';

const OUTSIDE_REGION = { description: 'MEDIATION.REGION_FORBIDDEN: the process is outside the caller\'s region; AUTH.FORBIDDEN_ROLE: role missing' };

/**
 * Mediation processes. Officers act within their token's region; approvers activate and conclude;
 * viewers read their region. Region "global" acts and reads everywhere; role global-viewer reads
 * everywhere.
 */
@ApiTags('processes')
@ApiBearerAuth()
@ApiForbiddenResponse(OUTSIDE_REGION)
@Controller('processes')
export class ProcessesController {
  constructor(private readonly mediation: MediationService) {}

  @Post()
  @AcceptsIdempotencyKey()
  @Roles(ROLE.officer)
  @ApiOperation({ summary: 'Propose a process (mediation-officer). Region = the country\'s region; a country no desk covers (a user-assigned code) is `unassigned`, where only a global user proposes.' })
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
  @ApiOkResponse({ description: 'One page of processes', headers: { 'X-Next-Cursor': { description: 'present when another page follows', schema: { type: 'string' } } } })
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
  one(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    return this.mediation.get(p, id);
  }

  @Post(':id/activate')
  @AcceptsIdempotencyKey()
  @HttpCode(200)
  @Roles(ROLE.approver)
  @ApiOperation({ summary: 'Activate a proposed process and appoint its envoy (approver).' })
  activate(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: ActivateProcessDto, @IdempotencyKey() key?: string) {
    return this.run(p, id, { type: 'Activate', ...body }, key);
  }

  @Post(':id/envoys')
  @AcceptsIdempotencyKey()
  @HttpCode(200)
  @Roles(ROLE.approver)
  @ApiOperation({ summary: 'Appoint a further envoy to an active or suspended process (approver).' })
  appointEnvoy(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: AppointEnvoyDto, @IdempotencyKey() key?: string) {
    return this.run(p, id, { type: 'AppointEnvoy', ...body }, key);
  }

  @Post(':id/parties')
  @AcceptsIdempotencyKey()
  @HttpCode(200)
  @Roles(ROLE.officer)
  @ApiOperation({ summary: 'Add a party to an open process (mediation-officer).' })
  addParty(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: PartyDto, @IdempotencyKey() key?: string) {
    return this.run(p, id, { type: 'AddParty', ...body }, key);
  }

  @Post(':id/sessions')
  @AcceptsIdempotencyKey()
  @HttpCode(200)
  @Roles(ROLE.officer)
  @ApiOperation({ summary: 'Record a session of talks with participants by gender and age group (mediation-officer).' })
  recordSession(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: RecordSessionDto, @IdempotencyKey() key?: string) {
    return this.run(p, id, { type: 'RecordSession', ...body }, key);
  }

  @Post(':id/agreements')
  @AcceptsIdempotencyKey()
  @HttpCode(200)
  @Roles(ROLE.officer)
  @ApiOperation({ summary: 'Record an agreement (mediation-officer).' })
  recordAgreement(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: RecordAgreementDto, @IdempotencyKey() key?: string) {
    return this.run(p, id, { type: 'RecordAgreement', ...body }, key);
  }

  @Post(':id/suspend')
  @AcceptsIdempotencyKey()
  @HttpCode(200)
  @Roles(ROLE.officer)
  @ApiOperation({ summary: 'Suspend an active process (mediation-officer).' })
  suspend(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: ReasonDto, @IdempotencyKey() key?: string) {
    return this.run(p, id, { type: 'Suspend', reason: body.reason }, key);
  }

  @Post(':id/resume')
  @AcceptsIdempotencyKey()
  @HttpCode(200)
  @Roles(ROLE.officer)
  @ApiOperation({ summary: 'Resume a suspended process (mediation-officer).' })
  resume(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: ReasonDto, @IdempotencyKey() key?: string) {
    return this.run(p, id, { type: 'Resume', reason: body.reason }, key);
  }

  @Post(':id/conclude')
  @AcceptsIdempotencyKey()
  @HttpCode(200)
  @Roles(ROLE.approver)
  @ApiOperation({ summary: 'Conclude an active process with an outcome (approver).' })
  conclude(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: ConcludeProcessDto, @IdempotencyKey() key?: string) {
    return this.run(p, id, { type: 'Conclude', outcome: body.outcome, reason: body.reason }, key);
  }

  @Post(':id/close')
  @AcceptsIdempotencyKey()
  @HttpCode(200)
  @Roles(ROLE.officer, ROLE.approver)
  @ApiOperation({ summary: 'Close an open process without conclusion (mediation-officer or approver).' })
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
@ApiForbiddenResponse(OUTSIDE_REGION)
@Controller('process-metrics')
export class ProcessMetricsController {
  constructor(private readonly mediation: MediationService) {}

  @Get('inclusion')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: "Women's and youth share of delegates per session, process and overall; share of agreements with gender / youth provisions." })
  inclusion(@CurrentPrincipal() p: Principal, @Query() query: ProcessQueryDto) {
    return this.mediation.inclusion(p, query);
  }

  @Get('time-to-response')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: 'Hours from escalation to proposal, to activation, to first session; per process and summarised.' })
  timeToResponse(@CurrentPrincipal() p: Principal, @Query() query: ProcessQueryDto) {
    return this.mediation.timeToResponse(p, query);
  }
}
