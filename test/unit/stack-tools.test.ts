import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SEARCH_ATTRIBUTES } from '../../src/contracts/search-attributes';
import { searchAttributeMismatches } from '../../src/stack/search-attribute-check';
import { weedArgs, weedPortsFor } from '../../src/stack/s3-server';
import { temporalDevArgs } from '../../src/stack/temporal-server';
import { findTool, requireTool } from '../../src/stack/tools';

describe('tool lookup', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('prefers an explicit, executable override', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'af-tools-'));
    const bin = path.join(dir, 'my-temporal');
    fs.writeFileSync(bin, '#!/bin/sh\necho temporal version 0\n', { mode: 0o755 });
    process.env.AUDIENCEFLOW_TEMPORAL_BIN = bin;
    expect(findTool('temporal')).toBe(bin);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports an override that does not exist as missing, with how to get the tool', () => {
    process.env.AUDIENCEFLOW_WEED_BIN = '/nonexistent/weed';
    expect(findTool('weed')).toBeUndefined();
    expect(() => requireTool('weed')).toThrow(/weed not found: run `npm run setup`.*AWS_ENDPOINT_URL_S3/);
  });
});

describe('server command lines', () => {
  it('binds every SeaweedFS port to 127.0.0.1 and turns off telemetry and side servers', () => {
    const args = weedArgs('/data', weedPortsFor(8333));
    expect(args).toEqual(
      expect.arrayContaining([
        '-ip.bind=127.0.0.1',
        '-s3.port=8333',
        '-volume.port=8334',
        '-filer.port=8335',
        '-master.port=9333',
        '-master.telemetry=false',
        '-s3.port.iceberg=0',
        '-s3.port.lance=0',
        // The identity: without one SeaweedFS refuses chunk-signed uploads (the AWS SDKs' default over http).
        '-s3.config=/data/s3-identity.json',
        '-s3.autoCreateBucket=false',
      ]),
    );
  });

  it('registers every custom search attribute on the dev server', () => {
    const args = temporalDevArgs({ port: 7233, uiPort: 8233, dbFile: '/x.db', namespace: 'default' });
    expect(args.slice(0, 4)).toEqual(['server', 'start-dev', '--ip', '127.0.0.1']);
    for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) expect(args).toContain(`${name}=${type}`);
    expect(args).toContain('AudienceflowApplicationId=KeywordList');
  });
});

describe('search attribute types of an existing stack', () => {
  it('names each attribute registered with an older type, and only those', () => {
    const registered = {
      AudienceflowPipeline: 2,
      AudienceflowProvider: 2,
      AudienceflowApplicationId: 2,
      AudienceflowJobId: 7,
      AudienceflowStatus: 2,
    };
    expect(searchAttributeMismatches(registered)).toEqual([['AudienceflowApplicationId', 'Keyword', 'KeywordList']]);
    expect(searchAttributeMismatches({ ...registered, AudienceflowApplicationId: 7 })).toEqual([]);
  });
});
