import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import path from 'node:path';

const workspaceRoot = path.resolve(__dirname, '../..');

/** Lints code as if it stood at `file`, returning the boundary rule's messages. */
async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: workspaceRoot });
  const [result] = await eslint.lintText(code, { filePath: path.join(workspaceRoot, file) });
  return result.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries' || m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('architecture rules enforced by lint', () => {
  it('a service cannot import another service', async () => {
    const errors = await boundaryErrors(
      'services/partnerships/src/probe.ts',
      "import { RecordSignalHandler } from '../../early-warning/src/signals/record-signal/record-signal.handler';\nexport const x = RecordSignalHandler;\n",
    );
    expect(errors.join('\n')).toMatch(/relative or absolute path/);
  });

  it('domain code cannot import a framework', async () => {
    const errors = await boundaryErrors('libs/domain-kernel/src/probe.ts', "import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n");
    expect(errors.join('\n')).toMatch(/layer:domain.*not allowed to import "@nestjs\/common"/);
  });

  it("a service's domain folder cannot import TypeORM", async () => {
    const errors = await boundaryErrors('services/mediation/src/domain/probe.ts', "import { Entity } from 'typeorm';\nexport const x = Entity;\n");
    expect(errors.join('\n')).toMatch(/typeorm/);
  });

  it('a service may import a lib through its scope', async () => {
    const errors = await boundaryErrors('services/partnerships/src/probe.ts', "import { DomainError } from '@crisis-ops/domain-kernel';\nexport const x = DomainError;\n");
    expect(errors).toEqual([]);
  });
});
