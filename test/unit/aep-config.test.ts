/** aepSettings: AEP_* variables, defaults, and errors that name the variable to set (never its value). */
import { AEP_DEFAULT_ENDPOINT, AEP_DEFAULT_IMS_URL, aepEmulatorAdminToken, aepSettings } from '../../src/config';

const base = {
  AUDIENCEFLOW_NO_STACK_ENV: '1',
  AEP_CLIENT_ID: 'cid',
  AEP_CLIENT_SECRET: 'very-secret',
  AEP_ORG_ID: 'ABC123@AdobeOrg',
  AEP_SANDBOX: 'prod',
};

describe('aepSettings', () => {
  it('reads the credentials; x-api-key defaults to the client id; Adobe endpoints by default', () => {
    expect(aepSettings(base)).toEqual({
      clientId: 'cid',
      clientSecret: 'very-secret',
      orgId: 'ABC123@AdobeOrg',
      sandbox: 'prod',
      apiKey: 'cid',
      endpoint: AEP_DEFAULT_ENDPOINT,
      imsUrl: AEP_DEFAULT_IMS_URL,
      scopes: expect.stringContaining('AdobeID'),
    });
  });

  it('takes AEP_API_KEY, AEP_ENDPOINT_URL and AEP_IMS_URL overrides (trailing slash dropped)', () => {
    const s = aepSettings({
      ...base,
      AEP_API_KEY: 'key',
      AEP_ENDPOINT_URL: 'http://127.0.0.1:4600/',
      AEP_IMS_URL: 'http://127.0.0.1:4601',
    });
    expect([s.apiKey, s.endpoint, s.imsUrl]).toEqual(['key', 'http://127.0.0.1:4600', 'http://127.0.0.1:4601']);
  });

  it('names every missing variable, and never echoes the secret', () => {
    expect(() => aepSettings({ AUDIENCEFLOW_NO_STACK_ENV: '1', AEP_CLIENT_SECRET: 'very-secret' })).toThrow(
      /^AEP_CLIENT_ID, AEP_ORG_ID, AEP_SANDBOX are not set/,
    );
    const orgError = (() => {
      try {
        aepSettings({ ...base, AEP_ORG_ID: 'nope' });
      } catch (err) {
        return (err as Error).message;
      }
      return 'no error';
    })();
    expect(orgError).toMatch(/AEP_ORG_ID.*ABC123@AdobeOrg/);
    expect(orgError).not.toContain('very-secret');
    expect(() => aepSettings({ ...base, AEP_SANDBOX: 'Prod' })).toThrow(/AEP_SANDBOX.*lowercase/);
    expect(() => aepSettings({ ...base, AEP_ENDPOINT_URL: 'platform.adobe.io' })).toThrow(
      /AEP_ENDPOINT_URL.*not a URL/,
    );
  });

  it('the emulator admin token comes from AUDIENCEFLOW_EMULATOR_ADMIN_TOKEN', () => {
    expect(aepEmulatorAdminToken({ AUDIENCEFLOW_EMULATOR_ADMIN_TOKEN: 't' })).toBe('t');
    expect(aepEmulatorAdminToken({})).toBeUndefined();
  });
});
