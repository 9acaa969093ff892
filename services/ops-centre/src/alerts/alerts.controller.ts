import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@crisis-ops/auth';
import { ApiProblemResponse } from '@crisis-ops/service-kit';
import { ALERT_ACTORS, AUDIT_READERS } from '../access/access-policy';
import { AcknowledgeAlertDto, AlertView, AlertWithComments, AssignAlertDto, CloseAlertDto, CommentAlertDto } from './alert.dto';
import { ALERT_STATUSES, AlertsService } from './alerts.service';
import { QueryCheck } from '../read-model/query-check';

const AUDIT_ACTIONS = ['view', 'acknowledge', 'assign', 'comment', 'close'] as const;

// The answers of one alert's routes beside the platform's (withPlatformResponses), as alerts.service.ts gives them.
const NOT_FOUND = 'OPS_CENTRE.ALERT_NOT_FOUND: no alert has this id (a malformed id included)';
const CLOSED = 'OPS_CENTRE.ALERT_TRANSITION_INVALID: the alert is closed (`status` and `action` say so)';
const ACTED = 'The alert as the action left it, with its comments';

@ApiTags('alerts')
@ApiBearerAuth()
@Controller()
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get('alerts')
  @ApiOkResponse({ type: [AlertView], description: 'Alerts not cleared by a de-escalation first, then cleared ones; each highest level first, then newest' })
  @ApiQuery({ name: 'status', required: false, description: 'open | acknowledged | closed | active (default: not closed) | all' })
  @ApiQuery({ name: 'region', required: false })
  @ApiQuery({ name: 'country', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1..1000, default 200' })
  list(@CurrentPrincipal() p: Principal, @Query('status') status?: string, @Query('region') region?: string, @Query('country') country?: string, @Query('limit') limit?: string) {
    const q = new QueryCheck();
    const query = { status: q.oneOf('status', status, ALERT_STATUSES), region: q.region(region), country: q.country(country), limit: q.limit(limit) };
    q.done();
    return this.alerts.list(p, query);
  }

  /** One alert and its comments; audited as a view. */
  @Get('alerts/:id')
  @ApiOkResponse({ type: AlertWithComments, description: 'The alert, with its comments' })
  @ApiProblemResponse(404, NOT_FOUND)
  view(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    return this.alerts.view(p, id);
  }

  // Each action answers the alert as it left it, with its comments (as GET /alerts/:id, but no view
  // is audited): the action is what the officer did.
  @Post('alerts/:id/acknowledge')
  @HttpCode(200)
  @Roles(...ALERT_ACTORS)
  @ApiBody({ type: AcknowledgeAlertDto, required: false, description: 'none, or {}: a field given is refused (400 REQUEST.INVALID naming it), not dropped, and so is a body that is no JSON object ([] included)' })
  @ApiOkResponse({ type: AlertWithComments, description: ACTED })
  @ApiProblemResponse(404, NOT_FOUND)
  @ApiProblemResponse(409, 'OPS_CENTRE.ALERT_TRANSITION_INVALID: the alert is acknowledged already, or closed (`status` and `action` say so)')
  acknowledge(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() _none: AcknowledgeAlertDto) {
    return this.alerts.act(p, id, 'acknowledge');
  }

  @Post('alerts/:id/assign')
  @HttpCode(200)
  @Roles(...ALERT_ACTORS)
  @ApiOkResponse({ type: AlertWithComments, description: ACTED })
  @ApiProblemResponse(404, NOT_FOUND)
  @ApiProblemResponse(409, CLOSED)
  assign(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: AssignAlertDto) {
    return this.alerts.act(p, id, 'assign', { assignee: body.assignee });
  }

  @Post('alerts/:id/comments')
  @HttpCode(200)
  @Roles(...ALERT_ACTORS)
  @ApiOkResponse({ type: AlertWithComments, description: ACTED })
  @ApiProblemResponse(404, NOT_FOUND)
  @ApiProblemResponse(409, CLOSED)
  comment(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: CommentAlertDto) {
    return this.alerts.act(p, id, 'comment', { body: body.body });
  }

  @Post('alerts/:id/close')
  @HttpCode(200)
  @Roles(...ALERT_ACTORS)
  @ApiBody({ type: CloseAlertDto, required: false, description: 'none, {} or { reason }: the reason is optional; a field it does not take, or a body that is no JSON object ([] included), is refused (400)' })
  @ApiOkResponse({ type: AlertWithComments, description: ACTED })
  @ApiProblemResponse(404, NOT_FOUND)
  @ApiProblemResponse(409, CLOSED)
  close(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() body: CloseAlertDto) {
    return this.alerts.act(p, id, 'close', { reason: body.reason });
  }

  /** Who did or saw what, newest first. */
  @Get('audit')
  @Roles(...AUDIT_READERS)
  @ApiQuery({ name: 'alertId', required: false })
  @ApiQuery({ name: 'actor', required: false })
  @ApiQuery({ name: 'action', required: false, description: AUDIT_ACTIONS.join(' | ') })
  @ApiQuery({ name: 'region', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1..1000, default 200' })
  audit(
    @CurrentPrincipal() p: Principal,
    @Query('alertId') alertId?: string,
    @Query('actor') actor?: string,
    @Query('action') action?: string,
    @Query('region') region?: string,
    @Query('limit') limit?: string,
  ) {
    const q = new QueryCheck();
    const query = { alertId: q.uuid('alertId', alertId), actor: q.actor(actor), action: q.oneOf('action', action, AUDIT_ACTIONS), region: q.region(region), limit: q.limit(limit) };
    q.done();
    return this.alerts.auditLog(p, query);
  }
}
