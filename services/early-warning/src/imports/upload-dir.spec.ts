import { describe, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultUploadDir } from './import-jobs.service';

describe('the default upload directory', () => {
  it('is one per database, so that the dev and test stacks of one machine never sweep each other\'s uploads', () => {
    const dev = defaultUploadDir({ DATABASE_HOST: '127.0.0.1', DATABASE_PORT: '55432', DATABASE_NAME: 'crisis_ops' });
    const test = defaultUploadDir({ DATABASE_HOST: '127.0.0.1', DATABASE_PORT: '55433', DATABASE_NAME: 'crisis_ops' });
    expect(dev).not.toBe(test);
    expect(dev).toBe(path.join(tmpdir(), 'early-warning-imports', '127.0.0.1-55432-crisis_ops'));
    // Without settings, the database the service config defaults to.
    expect(defaultUploadDir({})).toBe(dev);
  });

  it('keeps a host or name that holds path characters inside its own directory', () => {
    const dir = defaultUploadDir({ DATABASE_HOST: '../../etc', DATABASE_NAME: 'a/b' });
    expect(path.dirname(dir)).toBe(path.join(tmpdir(), 'early-warning-imports'));
  });
});
