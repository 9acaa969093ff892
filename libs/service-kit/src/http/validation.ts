import { applyDecorators, HttpException, HttpStatus, ValidationError, ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { Type } from 'class-transformer';
import { ValidateBy, ValidateNested } from 'class-validator';
import { invisibleTextProblem, type FieldViolation } from '@crisis-ops/domain-kernel';

/** class-validator's constraints on a value's type, which every other one presumes. */
const TYPE_CONSTRAINTS = new Set(['isInt', 'isNumber', 'isString', 'isBoolean', 'isArray', 'isObject', 'isDate']);

/** Flattens class-validator's tree into `items[3].country`-style field paths with their reasons. */
export function violationsOf(errors: ValidationError[], prefix = ''): FieldViolation[] {
  return errors.flatMap((e) => {
    const field = /^\d+$/.test(e.property) ? `${prefix}[${e.property}]` : prefix ? `${prefix}.${e.property}` : e.property;
    // class-validator starts its messages with the property name; the field already says it.
    // A missing field fails every constraint it has ("must be a string", "should not be empty", …):
    // one "is required" says it. A field with children was sent: Nest's pipe deletes the value of an
    // error with children (it is the list or object they were found in), and that list read as missing
    // made a list-level fault with an item's fault ("counts female/youth twice", "participants[0].count
    // must be an integer") one "participants: is required", hiding both.
    const missing = e.value === undefined && !e.children?.length;
    if (missing && e.constraints && !('whitelistValidation' in e.constraints)) return [{ field, reason: 'is required' }];
    const failed = Object.entries(e.constraints ?? {});
    // A value of the wrong type fails every bound too ("2" is neither at least 0 nor at most 100000):
    // its type is the one thing to say. An item of the wrong type (EachIs 'isObject') is the item's
    // fault, not the list's: the list's own rules are still said.
    const typeFailures = failed.filter(([constraint]) => TYPE_CONSTRAINTS.has(constraint) && !isItemWise(e, constraint));
    const reasons: string[] = [];
    const itemReasons = new Map<number, string[]>();
    /** Items of the wrong type: what class-validator found inside them (a nested check of an array) is not said. */
    const mistypedItems = new Set<string>();
    for (const [constraint, reason] of typeFailures.length ? typeFailures : failed) {
      // An EachIs constraint names each faulty item (`partyIds[1]`), as a nested item's fault is named.
      const items = itemFaultsOf(e, constraint);
      if (items.length) {
        for (const [i, itemReason] of items) {
          itemReasons.set(i, [...(itemReasons.get(i) ?? []), itemReason]);
          if (TYPE_CONSTRAINTS.has(constraint)) mistypedItems.add(String(i));
        }
        continue;
      }
      // class-validator words an unknown field "property x should not exist".
      reasons.push(constraint === 'whitelistValidation' ? 'is not a field this request takes' : reason.startsWith(`${e.property} `) ? reason.slice(e.property.length + 1) : reason);
    }
    // One entry per field, as the error contract says: a value failing three constraints gets one
    // entry with the three reasons, not three entries; constraints worded alike ("an integer from 1
    // to 500" on IsInt, Min and Max) say it once.
    const own = reasons.length > 0 ? [{ field, reason: [...new Set(reasons)].join('; ') }] : [];
    const items = [...itemReasons].sort(([a], [b]) => a - b).map(([i, rs]) => ({ field: `${field}[${i}]`, reason: [...new Set(rs)].join('; ') }));
    // A value of the wrong type has no fields to name: ValidateNested checks an array sent for an
    // object item by item, and an item that is no object in its own words.
    const children = typeFailures.length ? [] : (e.children ?? []).filter((c) => !mistypedItems.has(c.property));
    return [...own, ...items, ...violationsOf(children, field)];
  });
}

/** Where an EachIs constraint keeps its items' rule, for violationsOf (a symbol: no other context can claim it). */
const EACH_ITEM_PROBLEM = Symbol('eachItemProblem');
type ItemProblem = (item: unknown) => string | undefined;

const isItemWise = (e: ValidationError, constraint: string): boolean =>
  (e.contexts?.[constraint] as { [EACH_ITEM_PROBLEM]?: ItemProblem } | undefined)?.[EACH_ITEM_PROBLEM] !== undefined;

/** The faulty items of a list that failed an EachIs constraint, by index; none for any other constraint. */
function itemFaultsOf(e: ValidationError, constraint: string): Array<[number, string]> {
  const problem = (e.contexts?.[constraint] as { [EACH_ITEM_PROBLEM]?: ItemProblem } | undefined)?.[EACH_ITEM_PROBLEM];
  if (!problem || !Array.isArray(e.value)) return [];
  return e.value.flatMap((item, i) => {
    const reason = problem(item);
    return reason ? [[i, reason] as [number, string]] : [];
  });
}

/**
 * A list whose every item must pass `problem` (what is wrong with an item, or undefined), each faulty
 * item named by its index: `partyIds[0]: must be a UUID`, `partyIds[1]: must be a UUID`.
 * class-validator's `{ each: true }` says one `partyIds: each value in partyIds must be a UUID` for
 * them all, which leaves the client to find the items, where a nested item's fault is named by its
 * index (`participants[1].count`). A value that is no list is IsArray's to refuse.
 */
export const EachIs = (name: string, problem: ItemProblem) =>
  ValidateBy(
    {
      name,
      validator: {
        validate: (value) => !Array.isArray(value) || value.every((item) => !problem(item)),
        // Said where violationsOf does not name the items (class-validator used directly).
        defaultMessage: (args) =>
          (Array.isArray(args?.value) ? args.value : [])
            .flatMap((item, i) => {
              const reason = problem(item);
              return reason ? [`[${i}] ${reason}`] : [];
            })
            .join('; '),
      },
    },
    { context: { [EACH_ITEM_PROBLEM]: problem } },
  );

/** What is wrong with a value where a JSON object is expected, or undefined. */
export const objectProblem = (value: unknown): string | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? undefined : 'must be an object';

/**
 * A field holding an object of class `type` checked by that class's rules, or with `each` a list of
 * them (IsArray says the list is one). Use it rather than ValidateNested and Type: ValidateNested
 * takes an array where the object is expected and checks its items instead, so `envoy: [{…}]` and
 * `envoy: []` passed the edge and reached the domain as an envoy with no fields, and `parties: [[{…}]]`
 * as parties with none; an item that is no object was told in class-validator's words ("each value in
 * nested property parties must be either object or array"). Each is now `envoy: must be an object`,
 * `parties[0]: must be an object`.
 */
export const NestedObject = (type: () => new () => object, { each = false } = {}) =>
  applyDecorators(
    each
      ? EachIs('isObject', objectProblem)
      : ValidateBy({ name: 'isObject', validator: { validate: (value) => !objectProblem(value), defaultMessage: (args) => objectProblem(args?.value) ?? '' } }),
    ValidateNested({ each }),
    Type(type),
  );

/**
 * The platform's answer to input it cannot take: `code`, a `message` naming every field with its
 * reason, and `errors: [{ field, reason }]` (400 REQUEST.INVALID unless told otherwise).
 */
export function invalidRequest(violations: readonly FieldViolation[], status: number = HttpStatus.BAD_REQUEST, code = 'REQUEST.INVALID'): HttpException {
  return new HttpException({ code, message: violations.map((v) => `${v.field}: ${v.reason}`).join('; '), errors: violations }, status);
}

/** Types that are not a request's own class (a DTO): a value of these is not checked as one. */
const NOT_A_DTO = new Set<unknown>([String, Boolean, Number, Array, Object, Buffer, Date]);

/**
 * Nest's ValidationPipe, but a JSON array sent where the route takes an object (its DTO class) is
 * refused as what it is, `body: must be a JSON object, not an array`, as the body parser refuses a
 * string or a number. Nest let an array through to a DTO without rules (an alert acknowledged on
 * `[]`), and refused one to a DTO with rules as `body: is required`, or as its first field missing
 * (`assignee: is required`), which read as if nothing had been sent.
 */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const isDto = typeof metadata.metatype === 'function' && !NOT_A_DTO.has(metadata.metatype);
    if (metadata.type === 'body' && Array.isArray(value) && isDto) {
      throw invalidRequest([{ field: metadata.data || 'body', reason: 'must be a JSON object, not an array' }]);
    }
    const dropped = metadata.type === 'body' && isDto ? droppedFieldsOf(value, metadata.data ?? '') : [];
    if (!dropped.length) return super.transform(value, metadata);
    // Said with the body's other faults, in one answer, as any other unknown field is.
    let others: readonly FieldViolation[] = [];
    try {
      await super.transform(value, metadata);
    } catch (err) {
      const body = err instanceof HttpException ? (err.getResponse() as { code?: unknown; errors?: unknown }) : undefined;
      if (body?.code !== 'REQUEST.INVALID' || !Array.isArray(body.errors)) throw err;
      others = body.errors as FieldViolation[];
    }
    throw invalidRequest([...others, ...dropped]);
  }
}

/** Keys class-transformer skips in every object it reads (TransformOperationExecutor), whatever the class. */
const DROPPED_KEYS = ['__proto__', 'constructor'];

/**
 * Fields of a JSON body that class-transformer drops before class-validator looks for unknown fields:
 * `__proto__` and `constructor`, at any depth, named by path as violationsOf names fields. The
 * whitelist never saw them, so `{"reason": "r", "constructor": 1}` was taken with the field ignored
 * (data lost without a word), where any other unknown field is refused.
 */
function droppedFieldsOf(value: unknown, path: string): FieldViolation[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => droppedFieldsOf(item, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  const at = (key: string) => (path ? `${path}.${key}` : key);
  return Object.keys(value).flatMap((key) =>
    DROPPED_KEYS.includes(key) ? [{ field: at(key), reason: 'is not a field this request takes' }] : droppedFieldsOf((value as Record<string, unknown>)[key], at(key)),
  );
}

/** Rejects unknown fields too: a misspelt field silently ignored is data lost. */
export const strictValidationPipe = () =>
  new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // Nest deletes the value of an error with children unless told to keep it; a list's EachIs
    // constraints need it to name their faulty items when a nested item has a fault too
    // (`parties: [null, {}]`). Values are never answered (violationsOf says fields and reasons).
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => invalidRequest(violationsOf(errors)),
  });

/**
 * The pipes every service runs on a request's arguments (bootstrap.ts installs them). The edge runs
 * them too on a write it refuses for its query, without the write, to name its body's faults with
 * the query's (KnownQueryInterceptor).
 */
export const requestPipes = () => [strictValidationPipe()];

/**
 * A text that says something: not empty, and with a character a reader sees (see
 * invisibleTextProblem). class-validator's IsNotEmpty takes "   ", which let a comment of blanks be
 * stored and audited, and an alert be assigned to no one.
 */
export const IsNotBlank = () =>
  ValidateBy({
    name: 'isNotBlank',
    validator: {
      validate: (value) => typeof value === 'string' && !invisibleTextProblem(value),
      defaultMessage: (args) => (typeof args?.value === 'string' && invisibleTextProblem(args.value)) || 'must not be empty',
    },
  });

/**
 * Optional text that says something if it says anything: empty or white space alone is taken as not
 * given (the domain holds it as null), but characters none of which a reader sees (a zero-width space)
 * are refused as IsNotBlank refuses them, where they were stored and shown as a blank.
 */
export const IsVisibleIfGiven = () =>
  ValidateBy({
    name: 'isVisibleIfGiven',
    validator: {
      validate: (value) => typeof value !== 'string' || value.trim() === '' || !invisibleTextProblem(value),
      defaultMessage: (args) => (typeof args?.value === 'string' && invisibleTextProblem(args.value)) || '',
    },
  });
