import { describe, expect, it } from 'vitest';
import { makeCert } from '../testing/certs.js';
import { createTestAgent } from '../testing/harness.js';

const ORIGIN = 'https://portal.example';

describe('certificates', () => {
  const certs = [makeCert(), makeCert({ identifiers: { taxCode: '0309999999' } }), makeCert({ status: 'expired' })];
  const setup = (choose?: Parameters<typeof createTestAgent>[0]) => {
    const a = createTestAgent({ policy: { allowedOrigins: [ORIGIN] }, tokens: { certificates: certs }, ...choose });
    return { a, c: a.connect(ORIGIN) };
  };
  it('list_appliesFilterWithDefaults', async () => {
    const { a, c } = setup();
    expect(((await a.call(c, 'certificates.list')).result as { certificates: unknown[] }).certificates).toHaveLength(2);
    expect(((await a.call(c, 'certificates.list', { filter: { onlyValid: false } })).result as { certificates: unknown[] }).certificates).toHaveLength(3);
    expect(((await a.call(c, 'certificates.list', { filter: { taxCode: '0309999999' } })).result as { certificates: { certId: string }[] }).certificates.map((x) => x.certId)).toEqual([certs[1]!.certId]);
  });
  it('select_remembersTheChoicePerOrigin', async () => {
    const { a, c } = setup({ prompt: { choose: 1 } });
    const r = await a.call(c, 'certificates.select', { title: 'Chọn chứng thư số' });
    expect((r.result as { certificate: { certId: string } }).certificate.certId).toBe(certs[1]!.certId);
    expect(a.settings.get().lastCertByOrigin[ORIGIN]).toBe(certs[1]!.thumbprintSha256);
    await a.call(c, 'certificates.select');
    expect(a.prompt.chooseRequests[1]!.options.lastChoice).toBe(certs[1]!.certId);
    expect(a.prompt.chooseRequests[0]!.options.title).toBe('Chọn chứng thư số');
    expect(a.prompt.calls.finish).toBe(2);
  });
  it('select_cancelled_isUserCancelled_andNoMatch_isCertificateNotFound', async () => {
    const { a, c } = setup({ prompt: { choose: 'cancel' } });
    expect((await a.call(c, 'certificates.select')).error?.data.reason).toBe('USER_CANCELLED');
    expect((await a.call(c, 'certificates.select', { filter: { taxCode: 'none' } })).error?.data.reason).toBe('CERTIFICATE_NOT_FOUND');
  });
  it('select_whenDialogReturnsAForeignCert_isInternal', async () => {
    const { a, c } = setup({ prompt: { choose: () => makeCert() } });
    expect((await a.call(c, 'certificates.select')).error?.data.reason).toBe('INTERNAL');
  });
  it('tokens_listAndRefresh', async () => {
    const { a, c } = setup();
    expect((await a.call(c, 'tokens.refresh')).result).toMatchObject({ tokens: [{ tokenId: 'token-1', pinStatus: 'ok' }] });
    expect(a.tokens.calls.refresh).toBe(1);
  });
});
