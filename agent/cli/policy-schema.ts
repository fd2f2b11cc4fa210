// The published JSON Schema of the admin policy file (docs/policy.schema.json; `kyso-agent policy schema`),
// generated from the schema the agent itself parses with, so the two cannot drift apart.
import { z } from 'zod';
import { policySchema } from '../core/policy/policy.js';

export function policyJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(policySchema, { target: 'draft-7' }) as Record<string, unknown>;
  return {
    $schema: generated.$schema,
    $id: 'https://kyso.vn/schemas/kyso-agent/policy.schema.json',
    title: 'kyso-agent admin policy',
    description:
      'Linux /etc/kyso-agent/policy.json, Windows %ProgramData%\\kyso-agent\\policy.json, macOS /Library/Application Support/kyso-agent/policy.json. ' +
      'The agent ignores unknown settings with a warning; origins must be scheme://host[:port]; module paths absolute (docs/admin.md).',
    ...Object.fromEntries(Object.entries(generated).filter(([k]) => k !== '$schema')),
  };
}
