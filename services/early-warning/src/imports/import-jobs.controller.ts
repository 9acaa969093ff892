import { Body, Controller, Get, HttpCode, HttpStatus, NotFoundException, Param, Post, Req, UploadedFiles, UseInterceptors } from '@nestjs/common';
import { AnyFilesInterceptor } from '@nestjs/platform-express';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { rm } from 'node:fs/promises';
import { CurrentPrincipal, Roles, type Principal } from '@crisis-ops/auth';
import { ApiProblemResponse, invalidRequest, unstorableText } from '@crisis-ops/service-kit';
import { importSourceProblem } from '../domain';
import { IMPORT_FORMATS, isImportFormat } from '../import';
import { INTAKE_ROLE } from '../signals/intake/intake-role';
import { writerDesk } from '../signals/intake/region-scope';
import { ImportJobs, UPLOAD_DIR } from './import-jobs.service';
import { UploadProblemsInterceptor } from './upload-problems.interceptor';


/** What multer's disk storage tells about an upload (the fields used here). */
interface UploadedFileInfo {
  readonly fieldname: string;
  readonly path: string;
  readonly originalname: string;
  readonly size: number;
}

/** Largest upload: far above any dataset's export, and within what the upload directory is expected to hold. */
const MAX_UPLOAD_BYTES = 4 * 1024 ** 3;
/** File parts read (none but the first `file` is written) before multer refuses the request outright. */
const MAX_FILES_READ = 8;

const SKIPPED_PARTS = Symbol('import.skipped-parts');
const UPLOAD_TAKEN = Symbol('import.upload-taken');
type SkippedParts = { [SKIPPED_PARTS]?: string[] };

/** Multer's file filter: the first part named `file` is written to disk; every other part is read past, its field name kept. */
function skipAllButFirstFile(req: unknown, part: { fieldname: string }, accept: (error: Error | null, take: boolean) => void): void {
  const r = req as SkippedParts & { [UPLOAD_TAKEN]?: boolean };
  if (part.fieldname === 'file' && !r[UPLOAD_TAKEN]) {
    r[UPLOAD_TAKEN] = true;
    return accept(null, true);
  }
  (r[SKIPPED_PARTS] ??= []).push(part.fieldname);
  accept(null, false);
}

/**
 * Why a form's text (a field's value, the file's name) is refused as not UTF-8. Busboy (under multer)
 * decodes a part that declares no charset as UTF-8, each byte that is not UTF-8 as U+FFFD, before the
 * service sees it: a source "Radio T\xe9l\xe9" from a Latin-1 client became "Radio T\ufffdl\ufffd", a
 * source of its own, where a JSON body holding the same bytes is refused (notUtf8Text). The byte is
 * lost by then, so any U+FFFD is refused: in a source or a file name it is that loss's residue, if not
 * this request's then an earlier one's. A part that declares its charset (Latin-1) is read in it.
 */
const NOT_UTF8_FORM_TEXT = 'is not valid UTF-8: it holds U+FFFD ("\ufffd"), what a byte that is not UTF-8 is read as; send the form\'s text as UTF-8';
const lostBytes = (text: string): boolean => text.includes('\ufffd');

/** What is wrong with an upload's form (every field at once), and the format and source it asks for. */
function uploadProblems(body: unknown, file: UploadedFileInfo | undefined, skipped: readonly string[]) {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const errors: Array<{ field: string; reason: string }> = [];
  if (!file && fields['file'] === undefined) errors.push({ field: 'file', reason: 'is required (multipart/form-data field "file")' });
  const extraFiles = skipped.filter((name) => name === 'file').length;
  if (file && extraFiles > 0) errors.push({ field: 'file', reason: `takes one file, not ${extraFiles + 1}` });
  for (const other of new Set(skipped.filter((name) => name !== 'file'))) {
    errors.push({ field: other, reason: 'is not an import field (the file goes in "file")' });
  }
  // A field given twice arrives as a list, which String() made "alpha,beta" (a source nobody chose);
  // one named `source[a]` as an object, which String() could not convert at all (a 500).
  const notText = ['format', 'source'].filter((key) => fields[key] !== undefined && typeof fields[key] !== 'string');
  for (const key of notText) errors.push({ field: key, reason: Array.isArray(fields[key]) ? 'must be given once' : 'must be text' });
  const notUtf8 = ['format', 'source'].filter((key) => typeof fields[key] === 'string' && lostBytes(fields[key] as string));
  for (const key of notUtf8) errors.push({ field: key, reason: NOT_UTF8_FORM_TEXT });
  // Given empty (`-F source=` from an unset shell variable), a field was taken as not given: the
  // job went under the format's shared default source, and its rows were counted duplicates of
  // another file's. The listing's filters refuse an empty value the same way.
  const empty = ['format', 'source'].filter((key) => fields[key] === '');
  for (const key of empty) errors.push({ field: key, reason: `is empty: give a value, or leave the field out for ${key === 'format' ? 'auto' : "the format's default source"}` });
  // A field refused as not UTF-8 is not checked further: one reason per field, the one to fix first.
  const text = (key: string): string | undefined => (typeof fields[key] === 'string' && fields[key] !== '' && !notUtf8.includes(key) ? (fields[key] as string) : undefined);
  const format = text('format') ?? 'auto';
  if (format !== 'auto' && !isImportFormat(format)) errors.push({ field: 'format', reason: `must be auto or one of ${IMPORT_FORMATS.join(', ')}` });
  const source = text('source')?.trim();
  const sourceProblem = text('source') === undefined ? undefined : importSourceProblem(text('source') as string);
  if (sourceProblem) errors.push({ field: 'source', reason: sourceProblem });
  for (const key of Object.keys(fields)) {
    // A file part with no file name (a form sent with no file chosen) arrives as a text field `file`.
    if (key === 'file') errors.push({ field: 'file', reason: 'must be a file (the part had no file name)' });
    else if (!['format', 'source'].includes(key)) errors.push({ field: key, reason: 'is not an import field' });
  }
  // Form fields and the file's name bypass the JSON body's check: a NUL in either reached Postgres
  // and was a 500.
  errors.push(...unstorableText(fields));
  if (file) errors.push(...unstorableText({ file: file.originalname }).map((v) => ({ field: 'file', reason: `has a name that ${v.reason}` })));
  if (file && lostBytes(file.originalname)) errors.push({ field: 'file', reason: `has a name that ${NOT_UTF8_FORM_TEXT}` });
  return { errors, format, source };
}

@ApiTags('imports')
@ApiBearerAuth()
@Controller('imports')
export class ImportJobsController {
  constructor(private readonly jobs: ImportJobs) {}

  /** Upload a file (multipart field `file`; optional fields `format`, `source`) → 202 { jobId }. */
  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @Roles(INTAKE_ROLE)
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary' }, format: { type: 'string', enum: ['auto', ...IMPORT_FORMATS] }, source: { type: 'string' } },
    },
  })
  @ApiAcceptedResponse({
    description:
      '{ jobId, status: "queued" }; follow GET /imports/{jobId}. With a token of a desk\'s region (not global), rows of countries outside that desk are rejected in the report (row, column, reason naming the desk), as other bad rows are; a job that accepts no row fails',
  })
  @ApiProblemResponse(
    400,
    'REQUEST.INVALID, `errors` naming each field: `file` (missing, more than one, no file name, a name that is not UTF-8), `format` (not auto or an import format), `source`, any other form field, or `body` (a form that cannot be read). A file that turns out unusable is not refused here: its job fails',
  )
  // Multer (with `dest`) writes the upload to disk as it arrives: a file of any size never sits in memory.
  // File names are read as UTF-8, as browsers and curl send them (multer's default, Latin-1, turned
  // "São-Tomé.csv" into "SÃ£o-TomÃ©.csv" in the job).
  // Parts under any field name are read, so that one under another name (`upload`, `csv`) or a
  // second file is refused by name here (multer's own refusal named nothing); `skipAllButFirstFile`
  // lets only the first `file` reach the disk, so a refused request never writes gigabytes first.
  @UseInterceptors(
    UploadProblemsInterceptor,
    AnyFilesInterceptor({ dest: UPLOAD_DIR, defParamCharset: 'utf8', fileFilter: skipAllButFirstFile, limits: { fileSize: MAX_UPLOAD_BYTES, files: MAX_FILES_READ } }),
  )
  async upload(@UploadedFiles() files: UploadedFileInfo[] | undefined, @Body() body: unknown, @Req() req: SkippedParts, @CurrentPrincipal() principal?: Principal) {
    const file = files?.[0];
    // Multer has already written the upload to disk: a request that starts no job must not leave it
    // there, whatever refuses it (a check that threw, a 500, left one per request until the sweep).
    const discard = () => Promise.all((files ?? []).map((f) => rm(f.path, { force: true }).catch(() => undefined)));
    let checked: ReturnType<typeof uploadProblems>;
    try {
      checked = uploadProblems(body, file, req[SKIPPED_PARTS] ?? []);
    } catch (err) {
      await discard();
      throw err;
    }
    const { errors, format, source } = checked;
    if (errors.length > 0 || !file) {
      await discard();
      throw invalidRequest(errors);
    }
    try {
      const jobId = await this.jobs.start({
        path: file.path,
        fileName: file.originalname,
        bytes: file.size,
        format: format as never,
        source,
        createdBy: principal?.subject ?? null,
        // A token of a desk's region imports that desk's countries: the others' rows are rejected in
        // the report (row, column, reason), as the API refuses their signals.
        region: writerDesk(principal),
      });
      return { jobId, status: 'queued' };
    } catch (err) {
      await discard();
      throw err;
    }
  }

  /** Progress while running; the report (accepted, rejected with row/column/reason, duplicates) once finished. */
  @Get(':id')
  @ApiOkResponse({ description: 'ImportJobView' })
  @ApiProblemResponse(404, 'EARLY_WARNING.IMPORT_JOB_NOT_FOUND: no job has this id (a malformed id included)')
  async get(@Param('id') id: string) {
    const job = await this.jobs.get(id);
    if (!job) throw new NotFoundException({ code: 'EARLY_WARNING.IMPORT_JOB_NOT_FOUND', message: `no import job ${id}` });
    return job;
  }
}
