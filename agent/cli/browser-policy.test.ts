import { describe, expect, it } from 'vitest';
import { browserPolicy, browserPolicyReg, CHROME_UPDATE_URL, EDGE_UPDATE_URL } from './browser-policy.js';

const ids = { chromium: 'abcdefghijklmnopabcdefghijklmnop', firefox: 'kyso-agent@kyso.vn' };
const policy = { allowedOrigins: ['https://dichvucong.gov.vn', 'https://dichvucong.hanoi.gov.vn'] };

describe('browserPolicy', () => {
  it('browserPolicy_chrome_allowsApprovedPortalsOnLoopbackForcesTheExtensionAndAllowsOnlyOurHost', () => {
    expect(browserPolicy('chrome', policy, ids)).toEqual({
      LocalNetworkAccessAllowedForUrls: policy.allowedOrigins,
      LoopbackNetworkAccessAllowedForUrls: policy.allowedOrigins,
      ExtensionInstallForcelist: [`${ids.chromium};${CHROME_UPDATE_URL}`],
      NativeMessagingAllowlist: ['vn.kyso.agent'],
    });
  });
  it('browserPolicy_edge_usesTheEdgeAddOnsUpdateUrlAndEnterpriseIds', () => {
    const p = browserPolicy('edge', policy, ids, ['ponmlkjihgfedcbaponmlkjihgfedcba']);
    expect(p.ExtensionInstallForcelist).toEqual([`${ids.chromium};${EDGE_UPDATE_URL}`, `ponmlkjihgfedcbaponmlkjihgfedcba;${EDGE_UPDATE_URL}`]);
  });
  it('browserPolicy_firefox_forceInstallsTheExtensionById', () => {
    expect(browserPolicy('firefox', policy, ids)).toEqual({
      policies: { ExtensionSettings: { 'kyso-agent@kyso.vn': { installation_mode: 'force_installed', install_url: expect.stringMatching(/^https:\/\/addons\.mozilla\.org\//) } } },
    });
  });
  it('browserPolicy_noApprovedPortals_givesEmptyListsNotWildcards', () => {
    const p = browserPolicy('chrome', { allowedOrigins: [] }, ids);
    expect(p.LocalNetworkAccessAllowedForUrls).toEqual([]);
  });
});

describe('browserPolicyReg', () => {
  it('browserPolicyReg_chrome_writesNumberedListValuesUnderThePolicyKeyAfterClearingIt', () => {
    const reg = browserPolicyReg('chrome', browserPolicy('chrome', policy, ids));
    const lines = reg.split('\r\n');
    expect(lines[0]).toBe('Windows Registry Editor Version 5.00');
    expect(lines).toContain('[-HKEY_LOCAL_MACHINE\\Software\\Policies\\Google\\Chrome\\LocalNetworkAccessAllowedForUrls]');
    expect(lines).toContain('[HKEY_LOCAL_MACHINE\\Software\\Policies\\Google\\Chrome\\NativeMessagingAllowlist]');
    expect(lines).toContain('"2"="https://dichvucong.hanoi.gov.vn"');
  });
  it('browserPolicyReg_firefox_escapesTheJsonValue', () => {
    const reg = browserPolicyReg('firefox', browserPolicy('firefox', policy, ids));
    expect(reg).toContain('[HKEY_LOCAL_MACHINE\\Software\\Policies\\Mozilla\\Firefox]');
    expect(reg).toContain('"ExtensionSettings"="{\\"kyso-agent@kyso.vn\\":{\\"installation_mode\\":\\"force_installed\\"');
  });
});
