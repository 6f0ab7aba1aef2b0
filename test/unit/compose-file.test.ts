/**
 * docker-compose.yml runs SeaweedFS as `stack up` does (src/stack/s3-server.ts): the same identity, given with
 * -s3.config, no bucket created on upload, and the containers' AWS keys are that identity's. Read as text: the
 * project has no YAML parser of its own.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/config';
import { LOCAL_S3_CREDENTIALS, s3IdentityConfig, weedArgs, weedPortsFor } from '../../src/stack/s3-server';

const compose = fs.readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8');
const seaweed = /\n {2}seaweedfs:\n([\s\S]*?)\n\n/.exec(compose)?.[1] ?? '';

test('the identity file is the local stack identity, and the containers use its keys', () => {
  const file = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'docker', 'seaweedfs-s3.json'), 'utf8')) as unknown;
  expect(file).toEqual(s3IdentityConfig());
  expect(compose).toContain(`\n  AWS_ACCESS_KEY_ID: ${LOCAL_S3_CREDENTIALS.accessKeyId}\n`);
  expect(compose).toContain(`\n  AWS_SECRET_ACCESS_KEY: ${LOCAL_S3_CREDENTIALS.secretAccessKey}\n`);
});

test('the SeaweedFS service reads that identity and creates no bucket on upload, as stack up runs it', () => {
  expect(seaweed).toContain('- ./docker/seaweedfs-s3.json:/etc/seaweedfs/s3.json:ro');
  expect(seaweed).toContain("'-s3.config=/etc/seaweedfs/s3.json'");
  const local = weedArgs('/data', weedPortsFor(8333));
  for (const flag of [
    '-s3.autoCreateBucket=false',
    '-master.telemetry=false',
    '-s3.port.iceberg=0',
    '-s3.port.lance=0',
  ]) {
    expect(local).toContain(flag);
    expect(seaweed).toContain(`'${flag}'`);
  }
});
