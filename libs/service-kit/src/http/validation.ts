import { HttpException, HttpStatus, ValidationError, ValidationPipe } from '@nestjs/common';
import { ValidateBy } from 'class-validator';
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
    // its type is the one thing to say.
    const typeFailures = failed.filter(([constraint]) => TYPE_CONSTRAINTS.has(constraint));
    const reasons = (typeFailures.length ? typeFailures : failed).map(([constraint, reason]) =>
      // class-validator words an unknown field "property x should not exist".
      constraint === 'whitelistValidation' ? 'is not a field this request takes' : reason.startsWith(`${e.property} `) ? reason.slice(e.property.length + 1) : reason,
    );
    // One entry per field, as the error contract says: a value failing three constraints gets one
    // entry with the three reasons, not three entries; constraints worded alike ("an integer from 1
    // to 500" on IsInt, Min and Max) say it once.
    const own = reasons.length > 0 ? [{ field, reason: [...new Set(reasons)].join('; ') }] : [];
    return [...own, ...violationsOf(e.children ?? [], field)];
  });
}

/**
 * The platform's answer to input it cannot take: `code`, a `message` naming every field with its
 * reason, and `errors: [{ field, reason }]` (400 REQUEST.INVALID unless told otherwise).
 */
export function invalidRequest(violations: readonly FieldViolation[], status: number = HttpStatus.BAD_REQUEST, code = 'REQUEST.INVALID'): HttpException {
  return new HttpException({ code, message: violations.map((v) => `${v.field}: ${v.reason}`).join('; '), errors: violations }, status);
}

/** Rejects unknown fields too: a misspelt field silently ignored is data lost. */
export const strictValidationPipe = () =>
  new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
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
