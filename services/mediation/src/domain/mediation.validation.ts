import type { FieldViolation } from '@crisis-ops/domain-kernel';
import { invalid } from './mediation.errors';

/** Collects field violations so that one answer names every bad field, not just the first. */
export class Violations {
  private readonly list: FieldViolation[] = [];

  add(field: string, reason: string): void {
    this.list.push({ field, reason });
  }

  text(field: string, value: unknown, { required = true, max = 200 } = {}): void {
    if (value === undefined || value === null) {
      if (required) this.add(field, 'is required');
      return;
    }
    if (typeof value !== 'string') return this.add(field, 'must be a string');
    if (required && value.trim() === '') return this.add(field, 'must not be empty');
    if (value.length > max) this.add(field, `must be at most ${max} characters`);
  }

  oneOf(field: string, value: unknown, allowed: readonly string[]): void {
    if (typeof value !== 'string' || !allowed.includes(value)) this.add(field, `must be one of: ${allowed.join(', ')}`);
  }

  /** An ISO 8601 instant, not later than `notAfter` when given. */
  instant(field: string, value: unknown, notAfter?: Date): void {
    const at = typeof value === 'string' ? new Date(value) : undefined;
    if (!at || Number.isNaN(at.getTime())) return this.add(field, 'must be an ISO 8601 date-time');
    if (notAfter && at.getTime() > notAfter.getTime()) this.add(field, 'must not be in the future');
  }

  count(field: string, value: unknown): void {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) this.add(field, 'must be a whole number, 0 or more');
  }

  get empty(): boolean {
    return this.list.length === 0;
  }

  /** Throws ValidationFailed (MEDIATION.INVALID_INPUT, kind invalid) if anything was added. */
  throwIfAny(): void {
    if (this.list.length) throw invalid(this.list);
  }
}

export const COUNTRY_PATTERN = /^[A-Z]{3}$/;

/** Normalises optional text: blank means absent. */
export const optionalText = (value: string | null | undefined): string | null => (value && value.trim() ? value.trim() : null);
