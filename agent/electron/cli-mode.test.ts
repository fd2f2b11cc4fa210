import { describe, expect, it } from 'vitest';
import { cliModeArgs } from './cli-mode.js';

describe('cliModeArgs', () => {
  it('cliModeArgs_withCli_returnsTheCommandAfterIt', () => {
    expect(cliModeArgs(['C:\\kyso\\kyso-agent.exe', '--cli', 'ca', 'install', '--if-needed'])).toEqual(['ca', 'install', '--if-needed']);
  });
  it('cliModeArgs_withoutCli_returnsNullSoTheTrayStarts', () => {
    expect(cliModeArgs(['/Applications/kyso-agent.app/Contents/MacOS/kyso-agent', '--hidden'])).toBeNull();
  });
  it('cliModeArgs_nativeHostWithBrowserArguments_keepsThem', () => {
    expect(cliModeArgs(['kyso-agent.exe', '--cli', 'native-host', 'chrome-extension://abc/', '--parent-window=0'])).toEqual(['native-host', 'chrome-extension://abc/', '--parent-window=0']);
  });
});
