import { describe, expect, it, vi } from 'vitest';
import { Body, Controller, Get, HttpException, Param, Post, Query, Req, Res, type ExecutionContext } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Min } from 'class-validator';
import { lastValueFrom, of as answering, throwError, type Observable } from 'rxjs';
import { DomainError, ValidationFailed } from '@crisis-ops/domain-kernel';
import { ChecksQuery, declaredQuery, KnownQueryInterceptor } from './known-query.interceptor';
import { invalidRequest } from './validation';

class ProcessQuery {
  @IsOptional()
  @IsString()
  country?: string;
}

class AssignBody {
  @IsString()
  assignee!: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  country?: number;
}

@Controller('x')
class Routes {
  @Get('named')
  named(@Query('country') _country?: string, @Query('limit') _limit?: string) {
    return null;
  }

  @Get('documented')
  @ApiQuery({ name: 'region', required: false })
  @ApiQuery({ name: 'access_token', required: false })
  documented(@Req() _req: unknown) {
    return null;
  }

  @Get('record')
  @ApiQuery({ name: 'cursor', required: false })
  record(@Query() _q: Record<string, string>) {
    return null;
  }

  @Get('dto')
  dto(@Query() _q: ProcessQuery) {
    return null;
  }

  @Get('list')
  @ApiQuery({ name: 'type', required: false, isArray: true })
  @ApiQuery({ name: 'limit', required: false })
  list(@Query('type') _type?: string, @Query('limit') _limit?: string) {
    return null;
  }

  @Get('none')
  none() {
    return null;
  }

  @Get('checked-read')
  @ChecksQuery(({ country }) => {
    if (country !== undefined && !/^[A-Z]{3}$/.test(String(country))) throw invalidRequest([{ field: 'country', reason: 'must be an ISO 3166-1 alpha-3 code' }]);
  })
  checkedRead(@Query('country') _country?: string) {
    return null;
  }

  @Post('named')
  create(@Query('country') _country?: string) {
    return null;
  }

  @Post(':id/assign')
  assign(@Param('id') _id: string, @Body() _body: AssignBody) {
    return null;
  }

  @Get('csv')
  @ChecksQuery(({ country }) => {
    if (country !== undefined && !/^[A-Z]{3}$/.test(String(country))) throw invalidRequest([{ field: 'country', reason: 'must be an ISO 3166-1 alpha-3 code' }]);
  })
  csv(@Query('country') _country: string | undefined, @Res() _res: unknown) {
    return undefined;
  }
}

const of = (name: keyof Routes) => declaredQuery(Routes.prototype, Routes.prototype[name] as never);
const sorted = (name: keyof Routes) => [...(of(name) ?? [])].sort();

describe('the query parameters a route declares', () => {
  it('are the names of its @Query(name) arguments and of its @ApiQuery declarations', () => {
    expect(sorted('named')).toEqual(['country', 'limit']);
    expect(sorted('documented')).toEqual(['access_token', 'region']);
    expect(sorted('record')).toEqual(['cursor']);
  });

  it('leave alone a route whose query is a DTO (the strict validation pipe refuses unknown fields)', () => {
    expect(of('dto')).toBeUndefined();
  });

  it('are none for a route that reads none, so any parameter given it is refused rather than ignored', () => {
    expect(of('none')).toEqual(new Set());
  });
});

interface Answer {
  handle: ReturnType<typeof vi.fn>;
  /** What the route answered, when it was let answer. */
  body?: unknown;
  status?: number;
  refusal?: { code: string; message: string; errors: unknown[] };
  error?: unknown;
}

/** The answer the interceptor gives a request to one of the routes above, the route answering with `route`. */
async function answer(name: keyof Routes, method: string, query: Record<string, string | string[]>, route: () => Observable<unknown>, body?: unknown): Promise<Answer> {
  const context = {
    getType: () => 'http',
    getHandler: () => Routes.prototype[name],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => ({ method, query, body, params: { id: '42' } }) }),
  } as unknown as ExecutionContext;
  const handle = vi.fn(route);
  try {
    const body = await lastValueFrom(new KnownQueryInterceptor().intercept(context, { handle }), { defaultValue: undefined });
    return { handle, body };
  } catch (error) {
    if (!(error instanceof HttpException)) return { handle, error };
    return { handle, status: error.getStatus(), refusal: error.getResponse() as Answer['refusal'] };
  }
}

const takes = 'is not a parameter of this request (it takes country, limit)';

describe('a request naming a parameter its route does not take', () => {
  it('is told in one answer of every parameter at fault, the route\'s own refusal (limit=abc) with the unknown one', async () => {
    const route = () => throwError(() => invalidRequest([{ field: 'limit', reason: 'must be an integer from 1 to 1000' }]));
    const { status, refusal } = await answer('named', 'GET', { contry: 'BFA', limit: 'abc' }, route);
    expect(status).toBe(400);
    expect(refusal).toEqual({
      code: 'REQUEST.INVALID',
      message: `contry: ${takes}; limit: must be an integer from 1 to 1000`,
      errors: [
        { field: 'contry', reason: takes },
        { field: 'limit', reason: 'must be an integer from 1 to 1000' },
      ],
    });
  });

  it('is answered REQUEST.INVALID (400) with the fields a service refuses under its own code (422)', async () => {
    const route = () => throwError(() => new ValidationFailed('OPS_CENTRE.QUERY_INVALID', [{ field: 'country', reason: 'must be an ISO 3166-1 alpha-3 code' }]));
    const { status, refusal } = await answer('named', 'GET', { contry: 'BFA', country: 'Burkina' }, route);
    expect(status).toBe(400);
    expect(refusal?.code).toBe('REQUEST.INVALID');
    expect(refusal?.errors).toEqual([
      { field: 'contry', reason: takes },
      { field: 'country', reason: 'must be an ISO 3166-1 alpha-3 code' },
    ]);
  });

  it('is refused when the route takes the rest, without the route\'s answer, which would read as one to the question asked', async () => {
    const { handle, status, refusal } = await answer('named', 'GET', { contry: 'BFA' }, () => answering({ items: ['everything'] }));
    expect(handle).toHaveBeenCalledOnce();
    expect(status).toBe(400);
    expect(refusal?.errors).toEqual([{ field: 'contry', reason: takes }]);
  });

  it('is refused for its parameters alone when the route fails otherwise (access, an outage), which the corrected request meets', async () => {
    const route = () => throwError(() => new DomainError('AUTH.REGION_FORBIDDEN', 'not your desk', 'forbidden'));
    const { status, refusal } = await answer('named', 'GET', { contry: 'BFA' }, route);
    expect(status).toBe(400);
    expect(refusal?.errors).toEqual([{ field: 'contry', reason: takes }]);
  });

  it('is refused before a write runs, and before a route that writes its own response (a CSV, a stream) begins it', async () => {
    const post = await answer('create', 'POST', { contry: 'BFA' }, () => answering(null));
    expect(post.handle).not.toHaveBeenCalled();
    expect(post.refusal?.errors).toEqual([{ field: 'contry', reason: 'is not a parameter of this request (it takes country)' }]);
    const csv = await answer('csv', 'GET', { contry: 'BFA' }, () => answering(undefined));
    expect(csv.handle).not.toHaveBeenCalled();
    expect(csv.status).toBe(400);
  });

  it('is refused before a read runs that takes no parameter (a read that writes: an alert opened is audited as a view), or that says its faults by its ChecksQuery', async () => {
    const none = await answer('none', 'GET', { include: 'comments' }, () => answering(null));
    expect(none.handle).not.toHaveBeenCalled();
    expect(none.refusal?.errors).toEqual([{ field: 'include', reason: 'is not a parameter of this request (it takes none)' }]);
    const checked = await answer('checkedRead', 'GET', { contry: 'BFA', country: 'bf' }, () => answering(null));
    expect(checked.handle).not.toHaveBeenCalled();
    expect(checked.refusal?.errors).toEqual([
      { field: 'contry', reason: 'is not a parameter of this request (it takes country)' },
      { field: 'country', reason: 'must be an ISO 3166-1 alpha-3 code' },
    ]);
  });

  it('is told, by a route that writes its own response, what the route\'s own check of its query refuses too', async () => {
    const csv = await answer('csv', 'GET', { contry: 'BFA', country: 'bf' }, () => answering(undefined));
    expect(csv.handle).not.toHaveBeenCalled();
    expect(csv.refusal?.errors).toEqual([
      { field: 'contry', reason: 'is not a parameter of this request (it takes country)' },
      { field: 'country', reason: 'must be an ISO 3166-1 alpha-3 code' },
    ]);
  });
});

describe('a write naming a parameter its route does not take', () => {
  const takesNone = 'is not a parameter of this request (it takes none)';

  it('is told in one answer what the validation pipe refuses of its body too, and is not run', async () => {
    const post = await answer('assign', 'POST', { notify: 'yes' }, () => answering(null), { country: 0, colour: 'red' });
    expect(post.handle).not.toHaveBeenCalled();
    expect(post.status).toBe(400);
    expect(post.refusal?.code).toBe('REQUEST.INVALID');
    expect(post.refusal?.errors).toEqual([
      { field: 'notify', reason: takesNone },
      { field: 'colour', reason: 'is not a field this request takes' },
      { field: 'assignee', reason: 'is required' },
      { field: 'country', reason: 'must not be less than 1' },
    ]);
  });

  it('is refused for its parameter alone, still not run, when its body is good', async () => {
    const post = await answer('assign', 'POST', { notify: 'yes' }, () => answering(null), { assignee: 'duty-officer' });
    expect(post.handle).not.toHaveBeenCalled();
    expect(post.refusal?.errors).toEqual([{ field: 'notify', reason: takesNone }]);
  });

  it('names a body field that shares the name of a refused parameter: another field', async () => {
    const post = await answer('assign', 'POST', { country: 'BFA' }, () => answering(null), { assignee: 'duty-officer', country: 'BFA' });
    expect(post.refusal?.errors).toEqual([
      { field: 'country', reason: takesNone },
      { field: 'country', reason: 'must be an integer number' },
    ]);
  });

  it('is told what its body gets wrong with a parameter given twice or holding text no column can store', async () => {
    const twice = await answer('assign', 'POST', { notify: ['a', 'b'] }, () => answering(null), {});
    expect(twice.handle).not.toHaveBeenCalled();
    expect(twice.refusal?.errors.map((e) => (e as { field: string }).field)).toEqual(['notify', 'assignee']);
    const unstorable = await answer('assign', 'POST', { notify: 'a\u0000b' }, () => answering(null), {});
    expect(unstorable.handle).not.toHaveBeenCalled();
    expect(unstorable.refusal?.errors.map((e) => (e as { field: string }).field)).toEqual(['notify', 'assignee']);
  });
});

describe('a request giving a parameter more than once', () => {
  // What a route's own check says of the array a repeated parameter arrives as.
  const misread = () => throwError(() => new ValidationFailed('OPS_CENTRE.QUERY_INVALID', [{ field: 'country', reason: 'must be an ISO 3166-1 alpha-3 code' }]));

  it('is told the parameter must be given once, not that its value is malformed, with the route\'s other faults', async () => {
    const route = () => throwError(() => new ValidationFailed('OPS_CENTRE.QUERY_INVALID', [{ field: 'country', reason: 'must be an ISO 3166-1 alpha-3 code' }, { field: 'limit', reason: 'must be an integer from 1 to 1000' }]));
    const { status, refusal } = await answer('named', 'GET', { country: ['UKR', 'RUS'], limit: 'abc' }, route);
    expect(status).toBe(400);
    expect(refusal?.errors).toEqual([
      { field: 'country', reason: 'must be given once' },
      { field: 'limit', reason: 'must be an integer from 1 to 1000' },
    ]);
    expect((await answer('named', 'GET', { country: ['UKR', 'RUS'] }, misread)).refusal?.errors).toEqual([{ field: 'country', reason: 'must be given once' }]);
  });

  it('is told so by a route that writes its own response (a replay, a CSV) before it begins, and by one whose query is a DTO', async () => {
    const csv = await answer('csv', 'GET', { country: ['BFA', 'MLI'] }, () => answering(undefined));
    expect(csv.handle).not.toHaveBeenCalled();
    expect(csv.refusal?.errors).toEqual([{ field: 'country', reason: 'must be given once' }]);
    const dto = await answer('dto', 'GET', { country: ['BFA', 'MLI'] }, () => answering(null));
    expect(dto.handle).not.toHaveBeenCalled();
    expect(dto.refusal?.errors).toEqual([{ field: 'country', reason: 'must be given once' }]);
  });

  it('is taken where the route declares that parameter a list (isArray), and refused for its others', async () => {
    expect((await answer('list', 'GET', { type: ['risk-escalated', 'signal-recorded'] }, () => answering(['both']))).body).toEqual(['both']);
    expect((await answer('list', 'GET', { type: ['a', 'b'], limit: ['1', '2'] }, () => answering(null))).refusal?.errors).toEqual([{ field: 'limit', reason: 'must be given once' }]);
  });

  it('is told of an unknown parameter given twice that it is unknown', async () => {
    expect((await answer('named', 'GET', { contry: ['BFA', 'MLI'] }, () => answering(null))).refusal?.errors).toEqual([{ field: 'contry', reason: takes }]);
  });
});

describe('a request naming only parameters its route takes', () => {
  it('gets the route\'s own answer, refusal or not', async () => {
    expect((await answer('named', 'GET', { country: 'BFA' }, () => answering(['BFA']))).body).toEqual(['BFA']);
    const refusal = await answer('named', 'GET', { limit: 'abc' }, () => throwError(() => new ValidationFailed('OPS_CENTRE.QUERY_INVALID', [{ field: 'limit', reason: 'must be an integer from 1 to 1000' }])));
    expect(refusal.error).toMatchObject({ code: 'OPS_CENTRE.QUERY_INVALID' });
  });
});
