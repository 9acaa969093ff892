import type { ParseArgsConfig } from 'node:util';
import { IMPORT_FORMATS, isImportFormat, type ImportFormat } from '../../services/early-warning/src/import';
import { parseCommandArgs, UsageError } from './cli';

export { UsageError };

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * The command line of a script that reads one conflict-event file (import, backtest): its own options
 * plus --input (required), --format (auto or a known format) and --help (prints `usage`, exits 0).
 */
export function fileCommandLine<O extends Options>(usage: string, options: O) {
  const { values } = parseCommandArgs({ options: { ...options, input: { type: 'string' }, format: { type: 'string' }, help: { type: 'boolean' } }, allowPositionals: false }) as {
    values: Record<string, string | boolean | undefined>;
  };
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  if (typeof values.input !== 'string') throw new UsageError('--input is required');
  const format = typeof values.format === 'string' ? values.format : 'auto';
  if (format !== 'auto' && !isImportFormat(format)) throw new UsageError(`--format must be auto or one of ${IMPORT_FORMATS.join(', ')}`);
  return { values: values as Record<keyof O, string | boolean | undefined>, input: values.input, format: format as ImportFormat | 'auto' };
}
