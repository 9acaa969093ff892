import { describe, expect, it } from 'vitest';
import { BadRequestException } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsArray, IsDefined, IsIn, IsInt, Max, Min, ValidateBy, ValidateNested } from 'class-validator';
import { EachIs, NestedObject, strictValidationPipe } from './validation';

class Party {
  @IsIn(['government', 'armed_group'])
  kind!: string;
}

class OpenProcess {
  @IsInt()
  @Min(1)
  @Max(5)
  priority!: number;

  @ValidateNested({ each: true })
  @Type(() => Party)
  parties!: Party[];
}

class Ranked extends OpenProcess {
  @Min(1)
  @IsIn([2, 3])
  rank!: number;
}

/** A list with a rule of its own (no kind twice) besides its items' rules, as mediation's parties and participants have. */
const KindsOnce = () =>
  ValidateBy({
    name: 'kindsOnce',
    validator: {
      validate: (value) => !Array.isArray(value) || new Set(value.map((p: Party) => p?.kind)).size === value.length,
      defaultMessage: () => 'lists a kind twice',
    },
  });

class Coalition {
  @IsDefined()
  @KindsOnce()
  @ValidateNested({ each: true })
  @Type(() => Party)
  parties!: Party[];
}

/** A list of codes each told by its index, with a rule of the list's own (no code twice). */
const codeProblem = (item: unknown) => (typeof item === 'string' && /^[A-Z]{3}$/.test(item) ? undefined : 'must be three capitals');
const noXProblem = (item: unknown) => (typeof item === 'string' && item.startsWith('X') ? 'must not start with X' : undefined);
class Codes {
  @IsArray()
  @ValidateBy({ name: 'codesOnce', validator: { validate: (v) => !Array.isArray(v) || new Set(v).size === v.length, defaultMessage: () => 'lists a code twice' } })
  @EachIs('isCode', codeProblem)
  @EachIs('notX', noXProblem)
  codes!: string[];
}

/** A lead object and a list of parties, as NestedObject takes them. */
class Delegation {
  @IsDefined()
  @NestedObject(() => Party)
  lead!: Party;

  @IsArray()
  @KindsOnce()
  @NestedObject(() => Party, { each: true })
  parties!: Party[];
}

const PAGE = 'must be an integer from 1 to 500';
class Page {
  @Type(() => Number)
  @IsInt({ message: PAGE })
  @Min(1, { message: PAGE })
  @Max(500, { message: PAGE })
  limit!: number;
}

async function errorsOf(body: unknown, metatype: new () => unknown = OpenProcess) {
  try {
    await strictValidationPipe().transform(body, { type: 'body', metatype });
  } catch (err) {
    return ((err as BadRequestException).getResponse() as { code: string; errors: Array<{ field: string; reason: string }> });
  }
  throw new Error('no error');
}

describe('the strict validation pipe', () => {
  it('names every field by its path, with a reason that does not repeat the field', async () => {
    const res = await errorsOf({ priority: 9, parties: [{ kind: 'government' }, { kind: 'militia' }] });
    expect(res.code).toBe('REQUEST.INVALID');
    expect(res.errors).toEqual([
      { field: 'priority', reason: 'must not be greater than 5' },
      { field: 'parties[1].kind', reason: 'must be one of the following values: government, armed_group' },
    ]);
  });

  it('says a missing field is required, once, rather than every constraint it fails', async () => {
    const res = await errorsOf({ parties: [{}] });
    expect(res.errors).toEqual([
      { field: 'priority', reason: 'is required' },
      { field: 'parties[0].kind', reason: 'is required' },
    ]);
  });

  it('gives a field that fails several constraints one entry, with every reason', async () => {
    const res = await errorsOf({ priority: 1, parties: [], rank: 0 }, Ranked);
    expect(res.errors).toEqual([{ field: 'rank', reason: 'must be one of the following values: 2, 3; must not be less than 1' }]);
  });

  it('gives a value of the wrong type its type alone, not every bound a string cannot meet', async () => {
    const res = await errorsOf({ priority: '2', parties: [] });
    expect(res.errors).toEqual([{ field: 'priority', reason: 'must be an integer number' }]);
  });

  it('says a reason once where several constraints word it alike', async () => {
    const res = await errorsOf({ limit: 'abc' }, Page);
    expect(res.errors).toEqual([{ field: 'limit', reason: 'must be an integer from 1 to 500' }]);
    expect((await errorsOf({ limit: '0' }, Page)).errors).toEqual([{ field: 'limit', reason: 'must be an integer from 1 to 500' }]);
  });

  it('refuses a field the request does not take, in words a client reads', async () => {
    const res = await errorsOf({ priority: 1, parties: [], colour: 'red' });
    expect(res.errors).toEqual([{ field: 'colour', reason: 'is not a field this request takes' }]);
  });

  it('refuses __proto__ and constructor, at any depth, as any other unknown field, where class-transformer dropped them unseen', async () => {
    // As the body parser gives them: own properties of the parsed JSON.
    const body = JSON.parse('{"priority": 1, "parties": [{"kind": "government", "constructor": "x"}], "__proto__": {"admin": true}}');
    expect((await errorsOf(body)).errors).toEqual([
      { field: 'parties[0].constructor', reason: 'is not a field this request takes' },
      { field: '__proto__', reason: 'is not a field this request takes' },
    ]);
    // With the body's other faults, in one answer.
    const faulty = JSON.parse('{"priority": 9, "parties": [], "constructor": {}, "colour": "red"}');
    expect((await errorsOf(faulty)).errors).toEqual([
      { field: 'colour', reason: 'is not a field this request takes' },
      { field: 'priority', reason: 'must not be greater than 5' },
      { field: 'constructor', reason: 'is not a field this request takes' },
    ]);
  });

  it('names a list\'s own fault and its items\' faults together, where a list with both was said to be missing', async () => {
    const res = await errorsOf({ parties: [{ kind: 'government' }, { kind: 'government' }, { kind: 'militia' }] }, Coalition);
    expect(res.errors).toEqual([
      { field: 'parties', reason: 'lists a kind twice' },
      { field: 'parties[2].kind', reason: 'must be one of the following values: government, armed_group' },
    ]);
    // Each alone, and a list not sent, as before.
    expect((await errorsOf({ parties: [{ kind: 'government' }, { kind: 'government' }] }, Coalition)).errors).toEqual([{ field: 'parties', reason: 'lists a kind twice' }]);
    expect((await errorsOf({ parties: [{ kind: 'militia' }] }, Coalition)).errors).toEqual([{ field: 'parties[0].kind', reason: expect.stringContaining('must be one of') }]);
    expect((await errorsOf({}, Coalition)).errors).toEqual([{ field: 'parties', reason: 'is required' }]);
  });

  it('names each faulty item of an EachIs list by its index, with every reason it fails, after the list\'s own fault', async () => {
    const res = await errorsOf({ codes: ['MLI', 'nope', 5, 'MLI', 'XYZ', 'Xy'] }, Codes);
    expect(res.errors).toEqual([
      { field: 'codes', reason: 'lists a code twice' },
      { field: 'codes[1]', reason: 'must be three capitals' },
      { field: 'codes[2]', reason: 'must be three capitals' },
      { field: 'codes[4]', reason: 'must not start with X' },
      { field: 'codes[5]', reason: 'must not start with X; must be three capitals' },
    ]);
    expect((await errorsOf({ codes: 'MLI' }, Codes)).errors).toEqual([{ field: 'codes', reason: 'must be an array' }]);
    await expect(strictValidationPipe().transform({ codes: ['MLI', 'NER'] }, { type: 'body', metatype: Codes })).resolves.toEqual({ codes: ['MLI', 'NER'] });
  });

  it('refuses a JSON array where the route takes an object, saying so, with rules or without', async () => {
    class Nothing {}
    const asArray = { field: 'body', reason: 'must be a JSON object, not an array' };
    // It was let through to a class without rules, and refused as "is required" by one with them.
    expect((await errorsOf([], Nothing)).errors).toEqual([asArray]);
    expect((await errorsOf([], OpenProcess)).errors).toEqual([asArray]);
    expect((await errorsOf([{ priority: 1, parties: [] }], OpenProcess)).errors).toEqual([asArray]);
    // An object, and a list where the route takes one (its type is Array), are taken as before.
    await expect(strictValidationPipe().transform({}, { type: 'body', metatype: Nothing })).resolves.toEqual({});
    await expect(strictValidationPipe().transform([1, 2], { type: 'body', metatype: Array })).resolves.toEqual([1, 2]);
    await expect(strictValidationPipe().transform(undefined, { type: 'body', metatype: Nothing })).resolves.toEqual({});
  });

  it('refuses an array where a NestedObject takes an object, and names each item of a list that is no object, with the list\'s and other items\' faults', async () => {
    const gov = { kind: 'government' };
    expect((await errorsOf({ lead: [gov], parties: [gov] }, Delegation)).errors).toEqual([{ field: 'lead', reason: 'must be an object' }]);
    expect((await errorsOf({ lead: [{}], parties: [] }, Delegation)).errors).toEqual([{ field: 'lead', reason: 'must be an object' }]);
    expect((await errorsOf({ lead: gov, parties: [null, [gov], gov, gov, { kind: 'militia' }] }, Delegation)).errors).toEqual([
      { field: 'parties', reason: 'lists a kind twice' },
      { field: 'parties[0]', reason: 'must be an object' },
      { field: 'parties[1]', reason: 'must be an object' },
      { field: 'parties[4].kind', reason: 'must be one of the following values: government, armed_group' },
    ]);
    await expect(strictValidationPipe().transform({ lead: gov, parties: [gov] }, { type: 'body', metatype: Delegation })).resolves.toBeInstanceOf(Delegation);
  });
});
