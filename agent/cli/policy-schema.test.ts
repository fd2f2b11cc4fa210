import { Ajv } from 'ajv';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../core/policy/policy.js';
import { policyJsonSchema } from './policy-schema.js';

const root = join(import.meta.dirname, '..', '..');

describe('policy JSON Schema', () => {
  it('docs/policy.schema.json is the schema generated from the parser (update with vitest -u)', async () => {
    await expect(`${JSON.stringify(policyJsonSchema(), null, 2)}\n`).toMatchFileSnapshot(join(root, 'docs', 'policy.schema.json'));
  });

  it('the shipped example and the fleet example in docs/admin.md are valid under the schema and the parser', async () => {
    const validate = new Ajv({ strict: false, allErrors: true }).compile(policyJsonSchema());
    const example = JSON.parse(await readFile(join(root, 'installer', 'linux', 'policy.example.json'), 'utf8')) as unknown;
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    expect(parsePolicy(JSON.stringify(example))).toMatchObject({ ok: true, warnings: [] });
    const fleet = { allowedOrigins: ['https://dichvucong.gov.vn', 'https://dichvucong.hanoi.gov.vn'], allowPairing: false, compat: { vnpt: true }, signing: { pinSessionMinutes: 5 } };
    expect(validate(fleet)).toBe(true);
  });

  it('rejects what the parser rejects: wrong types, out-of-range numbers, unknown keys', () => {
    const validate = new Ajv({ strict: false }).compile(policyJsonSchema());
    expect(validate({ allowPairing: 'yes' })).toBe(false);
    expect(validate({ signing: { pinSessionMinutes: 481 } })).toBe(false);
    expect(validate({ allowPairng: true })).toBe(false);
  });
});
