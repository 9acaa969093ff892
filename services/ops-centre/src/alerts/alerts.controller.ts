import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, Roles, type Principal } from '@crisis-ops/auth';
import { ApiProblemResponse, ChecksQuery, IdempotencyKey } from '@crisis-ops/service-kit';
import { ALERT_ACTORS, AUDIT_READERS } from '../access/access-policy';
import { AcknowledgeAlertDto, AlertView, AlertWithComments, AssignAlertDto, CloseAlertDto, CommentAlertDto } from './alert.dto';
import { ALERT_STATUSES, AlertsService } from './alerts.service';
import { QueryCheck } from '../read-model/query-check';
import { ApiPaged, sendPage } from '../read-model/paged-route';
import { decodeAlertCursor, decodeAuditCursor } from './alert-cursor';
import { AcceptsIdempotencyKey, IDEMPOTENCY_KEY_REUSED } from './idempotent-actions';

const AUDIT_ACTIONS = ['view', 'acknowledge', 'assign', 'comment', 'close'] as const;

// The answers of one alert's routes beside the platform's (withPlatformResponses), as alerts.service.ts gives them.
const NOT_FOUND = 'OPS_CENTRE.ALERT_NOT_FOUND: no alert has this id (a malformed id included)';
const CLOSED = 'OPS_CENTRE.ALERT_TRANSITION_INVALID: the alert is closed (`status` and `action` say so)';
const ACTED = 'The alert as the action left it, with its comments (a retry with the same Idempotency-Key: as the first left it)';
const REUSED = `${IDEMPOTENCY_KEY_REUSED}: the Idempotency-Key was used for another request (another action, alert or body); nothing was applied`;

/**
 * Whose entries an audit answer holds: `*`, every desk's; else the desks named (comma-separated;
 * `none` for none), and, when no `region` was asked for, the caller's own entries on any desk. A
 * regional reader who may see another desk's alert (a `global-viewer`) reads its own entries of that
 * alert alone: told nothing, a console showed them as the alert's whole trail, reading as "nobody
 * else acted" on an alert another officer had acknowledged.
 */
export const AUDIT_DESKS = 'X-Audit-Desks';
const AUDIT_DESKS_DOC =
  '`*` when the answer holds every desk\'s entries; else the desks whose entries it holds, comma-separated (`none` for none), and, when no `region` was asked for, ' +
  'the caller\'s own entries on any desk as well: the trail of an alert of a desk not named holds the caller\'s own entries alone, not everyone\'s';

const text = (query: Record<string, unknown>, k: string) => (typeof query[k] === 'string' ? (query[k] as string) : undefined);

/**
 * The query of GET /alerts, every fault named at once. The edge runs it too (ChecksQuery), to name
 * these with a parameter the route does not take, rather than run the route: a page run so would set
 * its X-Next-Cursor on the refusal.
 */
function alertsQuery(query: Record<string, unknown>) {
  const q = new QueryCheck();
  const status = q.oneOf('status', text(query, 'status'), ALERT_STATUSES);
  const region = q.region(text(query, 'region'));
  const country = q.country(text(query, 'country'));
  const limit = q.limit(text(query, 'limit'));
  const after = q.cursor(text(query, 'cursor'), decodeAlertCursor);
  q.done();
  return { status, region, country, limit, after };
}

/** The query of GET /audit, every fault named at once (ChecksQuery runs it too). */
function auditQuery(query: Record<string, unknown>) {
  const q = new QueryCheck();
  const alertId = q.uuid('alertId', text(query, 'alertId'));
  const actor = q.actor(text(query, 'actor'));
  const action = q.oneOf('action', text(query, 'action'), AUDIT_ACTIONS);
  const region = q.region(text(query, 'region'));
  const limit = q.limit(text(query, 'limit'));
  const after = q.cursor(text(query, 'cursor'), decodeAuditCursor);
  q.done();
  return { alertId, actor, action, region, limit, after };
}

@ApiTags('alerts')
@ApiBearerAuth()
@Controller()
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get('alerts')
  @ApiOperation({
    summary: 'Alerts, a page at a time',
    description:
      'Alerts not cleared by a de-escalation first, then cleared ones; each highest level first, then newest (then by id). One page of `limit`; ' +
      'when more follow, the X-Next-Cursor header carries the `cursor` of the next page, which goes on after the last alert shown, each as it ' +
      'stands when its page is read: none listed when paging began is skipped while it still matches the filter; one cleared between pages ' +
      'may be listed again further on, among the cleared ones.',
  })
  @ApiQuery({ name: 'status', required: false, description: 'open | acknowledged | closed | active (default: not closed) | all' })
  @ApiQuery({ name: 'region', required: false })
  @ApiQuery({ name: 'country', required: false })
  @ApiPaged({ limit: { max: 1000, fallback: 200 }, ok: { type: [AlertView], description: 'One page of alerts' } })
  @ChecksQuery(alertsQuery)
  async list(
    @CurrentPrincipal() p: Principal,
    @Res({ passthrough: true }) res: Response,
    @Query('status') status?: string,
    @Query('region') region?: string,
    @Query('country') country?: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ) {
    return sendPage(res, await this.alerts.list(p, alertsQuery({ status, region, country, limit, cursor })));
  }

  /**
   * One alert and its comments; audited as a view. Express runs a GET route for HEAD as well, and a
   * HEAD was audited as a `view`: it answers the same status and headers, but shows nobody the alert,
   * so it is not audited (a monitor's or proxy's HEAD filled the trail with views nobody made).
   */
  @Get('alerts/:id')
  @ApiOkResponse({ type: AlertWithComments, description: 'The alert, with its comments (HEAD: the same status and headers, not audited)' })
  @ApiProblemResponse(404, NOT_FOUND)
  view(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Req() req: Request) {
    return this.alerts.view(p, id, { audited: req.method !== 'HEAD' });
  }

  // Each action answers the alert as it left it, with its comments (as GET /alerts/:id, but no view
  // is audited): the action is what the officer did.
  @Post('alerts/:id/acknowledge')
  @HttpCode(200)
  @AcceptsIdempotencyKey()
  @Roles(...ALERT_ACTORS)
  @ApiBody({ type: AcknowledgeAlertDto, required: false, description: 'none, or {}: a field given is refused (400 REQUEST.INVALID naming it), not dropped, and so is a body that is no JSON object ([] included)' })
  @ApiOkResponse({ type: AlertWithComments, description: ACTED })
  @ApiProblemResponse(404, NOT_FOUND)
  @ApiProblemResponse(409, 'OPS_CENTRE.ALERT_TRANSITION_INVALID: the alert is acknowledged already, or closed (`status` and `action` say so)')
  @ApiProblemResponse(422, REUSED)
  acknowledge(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() _none: AcknowledgeAlertDto, @IdempotencyKey() key?: string) {
    return this.alerts.act(p, id, 'acknowledge', {}, key);
  }

  @Post('alerts/:id/assign')
  @HttpCode(200)
  @AcceptsIdempotencyKey()
  @Roles(...ALERT_ACTORS)
  @ApiOkResponse({ type: AlertWithComments, description: ACTED })
  @ApiProblemResponse(404, NOT_FOUND)
  @ApiProblemResponse(409, CLOSED)
  @ApiProblemResponse(422, REUSED)
  assign(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: AssignAlertDto, @IdempotencyKey() key?: string) {
    return this.alerts.act(p, id, 'assign', { assignee: body.assignee }, key);
  }

  @Post('alerts/:id/comments')
  @HttpCode(200)
  @AcceptsIdempotencyKey()
  @Roles(...ALERT_ACTORS)
  @ApiOkResponse({ type: AlertWithComments, description: ACTED })
  @ApiProblemResponse(404, NOT_FOUND)
  @ApiProblemResponse(409, CLOSED)
  @ApiProblemResponse(422, REUSED)
  comment(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: CommentAlertDto, @IdempotencyKey() key?: string) {
    return this.alerts.act(p, id, 'comment', { body: body.body }, key);
  }

  @Post('alerts/:id/close')
  @HttpCode(200)
  @AcceptsIdempotencyKey()
  @Roles(...ALERT_ACTORS)
  @ApiBody({ type: CloseAlertDto, required: false, description: 'none, {} or { reason }: the reason is optional; a field it does not take, or a body that is no JSON object ([] included), is refused (400)' })
  @ApiOkResponse({ type: AlertWithComments, description: ACTED })
  @ApiProblemResponse(404, NOT_FOUND)
  @ApiProblemResponse(409, CLOSED)
  @ApiProblemResponse(422, REUSED)
  close(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: CloseAlertDto, @IdempotencyKey() key?: string) {
    return this.alerts.act(p, id, 'close', { reason: body.reason }, key);
  }

  /** Who did or saw what, newest first, a page at a time. */
  @Get('audit')
  @Roles(...AUDIT_READERS)
  @ApiOperation({
    summary: 'The audit log, a page at a time',
    description:
      'Who did or saw what, newest first, in the order entries were written: an action\'s once it holds the alert, so in the order actions took effect, each at the time it took effect (entries recorded before keep the time they were recorded with). One page of `limit`; ' +
      'when more follow, the X-Next-Cursor header carries the `cursor` of the next page, which goes on after the last entry shown. ' +
      'Entries never change: paging back skips none and repeats none; one written since paging began is on a new first page.',
  })
  @ApiQuery({ name: 'alertId', required: false, description: 'one alert\'s trail: of an alert the caller may neither see nor audit, refused (403 OPS_CENTRE.REGION_FORBIDDEN) as GET /alerts/{id} refuses it' })
  @ApiQuery({ name: 'actor', required: false })
  @ApiQuery({ name: 'action', required: false, description: AUDIT_ACTIONS.join(' | ') })
  @ApiQuery({ name: 'region', required: false })
  @ApiPaged({ limit: { max: 1000, fallback: 200 }, ok: { description: 'One page of audit entries', headers: { [AUDIT_DESKS]: { description: AUDIT_DESKS_DOC, schema: { type: 'string' } } } } })
  @ApiProblemResponse(404, 'OPS_CENTRE.ALERT_NOT_FOUND: no alert has the `alertId` asked for')
  @ChecksQuery(auditQuery)
  async audit(
    @CurrentPrincipal() p: Principal,
    @Res({ passthrough: true }) res: Response,
    @Query('alertId') alertId?: string,
    @Query('actor') actor?: string,
    @Query('action') action?: string,
    @Query('region') region?: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ) {
    const page = await this.alerts.auditLog(p, auditQuery({ alertId, actor, action, region, limit, cursor }));
    res.setHeader(AUDIT_DESKS, page.desks === undefined ? '*' : page.desks.length ? page.desks.join(',') : 'none');
    return sendPage(res, page);
  }
}
