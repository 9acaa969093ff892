import { describe, expect, it } from 'vitest';
import { Controller, Get, Query, Req } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { declaredQuery } from './known-query.interceptor';

class ProcessQuery {
  @IsOptional()
  @IsString()
  country?: string;
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

  @Get('none')
  none() {
    return null;
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
