// The demo portal's static server: serves the page, the SDK and the bundle, and nothing outside them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoPortal } from '../demo/serve.js';
import type { DemoPortal } from '../demo/serve.js';

let portal: DemoPortal;
beforeAll(async () => {
  portal = await startDemoPortal({ port: 0 });
});
afterAll(() => portal.close());

describe('demo portal server', () => {
  it('servesIndexWithCsp', async () => {
    const res = await fetch(portal.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await res.text()).toContain('/sdk/kyso-agent.min.js');
  });

  it('refusesTraversalAndUnknownPaths', async () => {
    for (const p of ['/sdk/..%2f..%2fpackage.json', '/demo/%2e%2e/serve.ts', '/package.json']) {
      expect((await fetch(portal.url.replace(/\/$/, '') + p)).status).toBe(404);
    }
    expect((await fetch(portal.url, { method: 'POST' })).status).toBe(405);
  });
});
