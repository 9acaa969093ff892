import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { Body, Controller, Get, HttpCode, Inject, Module, Param, Post, Query, Res, type INestApplication } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { APP_FILTER, APP_INTERCEPTOR, NestFactory } from '@nestjs/core';
import { IsString, MaxLength } from 'class-validator';
import { jsonBodyParser } from './json-body';
import { ChecksBody, ChecksQuery, KnownQueryInterceptor } from './known-query.interceptor';
import { MediaTypeInterceptor } from './media-type.interceptor';
import { ProblemFilter } from './problem.filter';
import { invalidRequest, requestPipes } from './validation';

class CommentBody {
  @IsString()
  @MaxLength(20)
  body!: string;
}

/** What the write applied: a refused request must apply nothing. */
const applied: string[] = [];

@Controller('alerts')
class AlertsRoutes {
  @Post(':id/comments')
  @HttpCode(200)
  comment(@Param('id') id: string, @Body() body: CommentBody) {
    applied.push(`${id}: ${body.body}`);
    return { id, body: body.body };
  }
}

const MAX_SIGNALS = 'max-signals';

/** A route that checks its body itself, by its configuration (as early-warning's intake does). */
@Controller('signals')
class SignalRoutes {
  constructor(@Inject(MAX_SIGNALS) private readonly max: number) {}

  @Post()
  @HttpCode(202)
  @ChecksBody((body, c: SignalRoutes) => c.itemsOf(body))
  record(@Body() body: unknown) {
    applied.push(...this.itemsOf(body));
    return { recorded: this.itemsOf(body).length };
  }

  itemsOf(body: unknown): string[] {
    const items = (body as { items?: unknown } | undefined)?.items;
    if (!Array.isArray(items) || items.length > this.max) throw invalidRequest([{ field: 'items', reason: `must be a list of at most ${this.max}` }]);
    return items.map(String);
  }
}

/** A route that writes its own answer and checks its query by its configuration (as early-warning's export does). */
@Controller('exports')
class ExportRoutes {
  constructor(@Inject(MAX_SIGNALS) private readonly max: number) {}

  @Get('things.csv')
  @ApiQuery({ name: 'limit', required: false })
  @ChecksQuery((q, c: ExportRoutes) => c.limitOf(q))
  export(@Query() q: Record<string, unknown>, @Res() res: ServerResponse) {
    res.end(`rows: ${this.limitOf(q)}`);
  }

  limitOf(q: Record<string, unknown>): number {
    const limit = Number(q['limit'] ?? 1);
    if (!(limit <= this.max)) throw invalidRequest([{ field: 'limit', reason: `must be at most ${this.max}` }]);
    return limit;
  }
}

@Module({
  controllers: [AlertsRoutes, SignalRoutes, ExportRoutes],
  providers: [
    { provide: MAX_SIGNALS, useValue: 2 },
    { provide: APP_FILTER, useClass: ProblemFilter },
    { provide: APP_INTERCEPTOR, useClass: MediaTypeInterceptor },
    { provide: APP_INTERCEPTOR, useClass: KnownQueryInterceptor },
  ],
})
class EdgeModule {}

/** The edge as startServiceApp builds it (its body parser, pipes, interceptors and filter), over HTTP. */
describe('a write given a query parameter it does not take, at the HTTP edge', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    app = await NestFactory.create(EdgeModule, { bodyParser: false, logger: false });
    app.use(jsonBodyParser('1kb'));
    app.useGlobalPipes(...requestPipes());
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(() => app?.close());

  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as { code: string; message: string; errors: { field: string; reason: string }[] } };
  };

  it('is answered once, 400 REQUEST.INVALID naming the parameter and every fault of its body, and applies nothing', async () => {
    const refused = await post('/alerts/a1/comments?notify=yes', { body: 'x'.repeat(21), colour: 'red' });
    expect(refused).toEqual({
      status: 400,
      body: {
        code: 'REQUEST.INVALID',
        message: 'notify: is not a parameter of this request (it takes none); colour: is not a field this request takes; body: must be shorter than or equal to 20 characters',
        errors: [
          { field: 'notify', reason: 'is not a parameter of this request (it takes none)' },
          { field: 'colour', reason: 'is not a field this request takes' },
          { field: 'body', reason: 'must be shorter than or equal to 20 characters' },
        ],
      },
    });
    // A good body with the parameter: refused for it alone, still not applied.
    expect(await post('/alerts/a1/comments?notify=yes', { body: 'seen' })).toMatchObject({ status: 400, body: { errors: [{ field: 'notify' }] } });
    expect(applied).toEqual([]);
    // Corrected, it is applied once.
    expect(await post('/alerts/a1/comments', { body: 'seen' })).toEqual({ status: 200, body: { id: 'a1', body: 'seen' } });
    expect(applied).toEqual(['a1: seen']);
  });

  it('is told what a route that checks its body itself (ChecksBody) refuses of it, by that route\'s own configuration', async () => {
    applied.length = 0;
    const refused = await post('/signals?dryRun=true', { items: ['a', 'b', 'c'] });
    expect(refused).toMatchObject({
      status: 400,
      body: { errors: [{ field: 'dryRun', reason: 'is not a parameter of this request (it takes none)' }, { field: 'items', reason: 'must be a list of at most 2' }] },
    });
    expect(applied).toEqual([]);
    expect(await post('/signals', { items: ['a'] })).toEqual({ status: 202, body: { recorded: 1 } });
  });

  it("is told what a route that writes its own answer (ChecksQuery) refuses of its query, by that route's own configuration", async () => {
    const res = await fetch(`${base}/exports/things.csv?limit=5&format=xlsx`);
    expect({ status: res.status, body: await res.json() }).toMatchObject({
      status: 400,
      body: { errors: [{ field: 'format', reason: 'is not a parameter of this request (it takes limit)' }, { field: 'limit', reason: 'must be at most 2' }] },
    });
  });

  it('without the parameter, gets the pipe\'s own answer, as before', async () => {
    expect(await post('/alerts/a1/comments', {})).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID', errors: [{ field: 'body', reason: 'is required' }] } });
  });
});
