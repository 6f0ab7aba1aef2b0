/**
 * Conformance of the emulator's synchronous operations with the unmodified @aws-sdk/client-pinpoint:
 * apps, endpoints, users, segments; status codes, typed errors, paging, auth, unknown routes.
 */
import {
  BadRequestException,
  CreateAppCommand,
  CreateSegmentCommand,
  DeleteAppCommand,
  DeleteEndpointCommand,
  DeleteUserEndpointsCommand,
  GetAppCommand,
  GetAppsCommand,
  GetCampaignsCommand,
  GetEndpointCommand,
  GetSegmentCommand,
  GetSegmentsCommand,
  GetUserEndpointsCommand,
  InternalServerErrorException,
  NotFoundException,
  PayloadTooLargeException,
  PinpointServiceException,
  TooManyRequestsException,
  UpdateEndpointCommand,
  UpdateEndpointsBatchCommand,
} from '@aws-sdk/client-pinpoint';
import type { PinpointClient } from '@aws-sdk/client-pinpoint';
import { startS3 } from '../harness';
import type { S3Harness } from '../harness';
import type { RunningEmulator } from '../../src/emulator';
import { admin, counts, emulatorOn, expectError, pinpoint } from './emulator-support';

let s3: S3Harness;
let emu: RunningEmulator;
let pp: PinpointClient;
let once: PinpointClient;

beforeAll(async () => {
  s3 = await startS3();
  emu = await emulatorOn(s3);
  pp = pinpoint(emu.url);
  once = pinpoint(emu.url, 1);
});
afterAll(async () => {
  pp?.destroy();
  once?.destroy();
  await emu?.close();
  await s3?.stop();
});
beforeEach(async () => {
  await admin(emu, 'POST', 'reset');
});

async function newApp(name = 'app'): Promise<string> {
  const out = await pp.send(new CreateAppCommand({ CreateApplicationRequest: { Name: name } }));
  return out.ApplicationResponse!.Id!;
}

describe('apps', () => {
  it('creates (201), gets, lists and deletes (200) an app', async () => {
    const created = await pp.send(
      new CreateAppCommand({ CreateApplicationRequest: { Name: 'shop', tags: { team: 'x' } } }),
    );
    expect(created.$metadata.httpStatusCode).toBe(201);
    const app = created.ApplicationResponse!;
    expect(app.Id).toMatch(/^[0-9a-f]{32}$/);
    expect(app.Arn).toBe(`arn:aws:mobiletargeting:us-east-1:123456789012:apps/${app.Id}`);
    expect(app).toMatchObject({ Name: 'shop', tags: { team: 'x' } });
    expect(new Date(app.CreationDate!).toISOString()).toBe(app.CreationDate);

    const got = await pp.send(new GetAppCommand({ ApplicationId: app.Id }));
    expect(got.$metadata.httpStatusCode).toBe(200);
    expect(got.ApplicationResponse).toEqual(app);

    const deleted = await pp.send(new DeleteAppCommand({ ApplicationId: app.Id }));
    expect(deleted.$metadata.httpStatusCode).toBe(200);
    expect(deleted.ApplicationResponse).toEqual(app);
    await expectError(
      pp.send(new GetAppCommand({ ApplicationId: app.Id })),
      NotFoundException,
      404,
      /Resource not found/,
    );
    await expectError(
      pp.send(new DeleteAppCommand({ ApplicationId: app.Id })),
      NotFoundException,
      404,
      /Resource not found/,
    );
  });

  it('refuses an app without a name', async () => {
    await expectError(
      pp.send(new CreateAppCommand({ CreateApplicationRequest: {} as never })),
      BadRequestException,
      400,
      'Name is required',
    );
  });

  it('pages GetApps over several pages with page-size and token', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await newApp(`a${i}`));
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const out = await pp.send(new GetAppsCommand({ PageSize: '2', Token: token }));
      pages++;
      expect(out.ApplicationsResponse!.Item!.length).toBeLessThanOrEqual(2);
      seen.push(...out.ApplicationsResponse!.Item!.map((a) => a.Id!));
      token = out.ApplicationsResponse!.NextToken;
    } while (token);
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);
    await expectError(pp.send(new GetAppsCommand({ PageSize: 'ten' })), BadRequestException, 400, /page-size "ten"/);
    await expectError(
      pp.send(new GetAppsCommand({ Token: 'garbage' })),
      BadRequestException,
      400,
      /token is not valid/,
    );
  });
});

describe('endpoints', () => {
  it('upserts (202), merges, gets, and deletes (202) an endpoint', async () => {
    const appId = await newApp();
    const put = await pp.send(
      new UpdateEndpointCommand({
        ApplicationId: appId,
        EndpointId: 'ep/1 é',
        EndpointRequest: {
          ChannelType: 'EMAIL',
          Address: 'a@example.com',
          Attributes: { color: ['red'], size: ['m'] },
          Metrics: { visits: 2 },
          User: { UserId: 'u1', UserAttributes: { plan: ['free'] } },
        },
      }),
    );
    expect(put.$metadata.httpStatusCode).toBe(202);
    expect(put.MessageBody).toEqual({ Message: 'Accepted', RequestID: put.$metadata.requestId });

    await pp.send(
      new UpdateEndpointCommand({
        ApplicationId: appId,
        EndpointId: 'ep/1 é',
        EndpointRequest: { Attributes: { color: ['blue'] }, OptOut: 'ALL', RequestId: 'mine' },
      }),
    );
    const got = (await pp.send(new GetEndpointCommand({ ApplicationId: appId, EndpointId: 'ep/1 é' })))
      .EndpointResponse!;
    expect(got).toMatchObject({
      ApplicationId: appId,
      Id: 'ep/1 é',
      ChannelType: 'EMAIL',
      Address: 'a@example.com',
      Attributes: { color: ['blue'], size: ['m'] },
      Metrics: { visits: 2 },
      OptOut: 'ALL',
      EndpointStatus: 'ACTIVE',
      RequestId: 'mine',
      User: { UserId: 'u1', UserAttributes: { plan: ['free'] } },
    });
    expect(Number(got.CohortId)).toBeGreaterThanOrEqual(0);
    expect(Number(got.CohortId)).toBeLessThan(100);

    const del = await pp.send(new DeleteEndpointCommand({ ApplicationId: appId, EndpointId: 'ep/1 é' }));
    expect(del.$metadata.httpStatusCode).toBe(202);
    expect(del.EndpointResponse).toEqual(got);
    await expectError(
      pp.send(new GetEndpointCommand({ ApplicationId: appId, EndpointId: 'ep/1 é' })),
      NotFoundException,
      404,
      /Resource not found/,
    );
    await expectError(
      pp.send(new DeleteEndpointCommand({ ApplicationId: appId, EndpointId: 'nope' })),
      NotFoundException,
      404,
      /Resource not found/,
    );
  });

  it('validates endpoints with the documented rules', async () => {
    const appId = await newApp();
    const send = (EndpointRequest: object) =>
      pp.send(new UpdateEndpointCommand({ ApplicationId: appId, EndpointId: 'x', EndpointRequest: EndpointRequest }));
    await expectError(
      send({ Address: 'a@b.c' }),
      BadRequestException,
      400,
      /^ChannelType is required for a new endpoint/,
    );
    await expectError(
      send({ ChannelType: 'FAX', Address: '1' }),
      BadRequestException,
      400,
      /ChannelType "FAX" is not valid/,
    );
    await expectError(
      send({ ChannelType: 'SMS', Address: '1', Attributes: { a: Array(51).fill('v') } }),
      BadRequestException,
      400,
      'Attributes.a has 51 values; at most 50 are allowed',
    );
    await expectError(
      pp.send(new UpdateEndpointCommand({ ApplicationId: 'nope', EndpointId: 'x', EndpointRequest: {} })),
      NotFoundException,
      404,
      /application nope/,
    );
  });

  it('enforces the per-app custom attribute quota and the per-user endpoint limit', async () => {
    const appId = await newApp();
    for (let i = 0; i < 5; i++) {
      const attrs: Record<string, string[]> = {};
      for (let j = 0; j < 50; j++) attrs[`a${i}_${j}`] = ['x'];
      await pp.send(
        new UpdateEndpointCommand({
          ApplicationId: appId,
          EndpointId: `q${i}`,
          EndpointRequest: { ChannelType: 'SMS', Address: `+${i}`, Attributes: attrs },
        }),
      );
    }
    await expectError(
      pp.send(
        new UpdateEndpointCommand({
          ApplicationId: appId,
          EndpointId: 'q9',
          EndpointRequest: { ChannelType: 'SMS', Address: '+9', Metrics: { m: 1 } },
        }),
      ),
      BadRequestException,
      400,
      'the application would have more than 250 custom attributes',
    );
    for (let i = 0; i < 15; i++) {
      await pp.send(
        new UpdateEndpointCommand({
          ApplicationId: appId,
          EndpointId: `u${i}`,
          EndpointRequest: { ChannelType: 'SMS', Address: `+1${i}`, User: { UserId: 'same' } },
        }),
      );
    }
    await expectError(
      pp.send(
        new UpdateEndpointCommand({
          ApplicationId: appId,
          EndpointId: 'u15',
          EndpointRequest: { ChannelType: 'SMS', Address: '+99', User: { UserId: 'same' } },
        }),
      ),
      BadRequestException,
      400,
      'User.UserId already has 15 endpoints',
    );
  });

  it('UpdateEndpointsBatch: 202, at most 100 items, each with an Id, all-or-nothing', async () => {
    const appId = await newApp();
    const ok = await pp.send(
      new UpdateEndpointsBatchCommand({
        ApplicationId: appId,
        EndpointBatchRequest: {
          Item: [
            { Id: 'b1', ChannelType: 'SMS', Address: '+1', User: { UserId: 'bob' } },
            { Id: 'b2', ChannelType: 'EMAIL', Address: 'b@x.y', User: { UserId: 'bob' } },
          ],
        },
      }),
    );
    expect(ok.$metadata.httpStatusCode).toBe(202);
    await expectError(
      pp.send(
        new UpdateEndpointsBatchCommand({
          ApplicationId: appId,
          EndpointBatchRequest: {
            Item: Array.from({ length: 101 }, (_, i) => ({ Id: `x${i}`, ChannelType: 'SMS', Address: '+1' })),
          },
        }),
      ),
      BadRequestException,
      400,
      'Item has 101 endpoints; a batch holds at most 100',
    );
    await expectError(
      pp.send(
        new UpdateEndpointsBatchCommand({
          ApplicationId: appId,
          EndpointBatchRequest: {
            Item: [
              { Id: 'c1', ChannelType: 'SMS', Address: '+1' },
              { Id: 'c2', ChannelType: 'SMS' },
            ],
          },
        }),
      ),
      BadRequestException,
      400,
      'Item[1]: Address is required for a new endpoint',
    );
    await expectError(
      pp.send(new GetEndpointCommand({ ApplicationId: appId, EndpointId: 'c1' })),
      NotFoundException,
      404,
      /endpoint c1/,
    );
    await expectError(
      pp.send(
        new UpdateEndpointsBatchCommand({
          ApplicationId: appId,
          EndpointBatchRequest: { Item: [{ ChannelType: 'SMS' }] },
        }),
      ),
      BadRequestException,
      400,
      'Item[0].Id is required',
    );

    const users = await pp.send(new GetUserEndpointsCommand({ ApplicationId: appId, UserId: 'bob' }));
    expect(users.$metadata.httpStatusCode).toBe(200);
    expect(users.EndpointsResponse!.Item!.map((e) => e.Id).sort()).toEqual(['b1', 'b2']);
    const deleted = await pp.send(new DeleteUserEndpointsCommand({ ApplicationId: appId, UserId: 'bob' }));
    expect(deleted.$metadata.httpStatusCode).toBe(202);
    expect(deleted.EndpointsResponse!.Item!.map((e) => e.Id).sort()).toEqual(['b1', 'b2']);
    await expectError(
      pp.send(new GetUserEndpointsCommand({ ApplicationId: appId, UserId: 'bob' })),
      NotFoundException,
      404,
      /user bob/,
    );
    await expectError(
      pp.send(new DeleteUserEndpointsCommand({ ApplicationId: appId, UserId: 'bob' })),
      NotFoundException,
      404,
      /user bob/,
    );
    expect((await counts(emu)).byApp[appId]!.endpoints).toBe(0);
  });

  it('refuses a payload over 7 MB with PayloadTooLargeException', async () => {
    const appId = await newApp();
    await expectError(
      once.send(
        new UpdateEndpointCommand({
          ApplicationId: appId,
          EndpointId: 'big',
          EndpointRequest: { ChannelType: 'SMS', Address: 'x'.repeat(7 * 1024 * 1024 + 10) },
        }),
      ),
      PayloadTooLargeException,
      413,
      /larger than/,
    );
  });
});

describe('segments', () => {
  it('creates (201), gets, lists with paging; unknown ids are NotFound', async () => {
    const appId = await newApp();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const out = await pp.send(
        new CreateSegmentCommand({
          ApplicationId: appId,
          WriteSegmentRequest: {
            Name: `s${i}`,
            Dimensions: { Demographic: { Channel: { DimensionType: 'INCLUSIVE', Values: ['SMS'] } } },
          },
        }),
      );
      expect(out.$metadata.httpStatusCode).toBe(201);
      expect(out.SegmentResponse).toMatchObject({
        ApplicationId: appId,
        Name: `s${i}`,
        SegmentType: 'DIMENSIONAL',
        Version: 1,
      });
      ids.push(out.SegmentResponse!.Id!);
    }
    const got = await pp.send(new GetSegmentCommand({ ApplicationId: appId, SegmentId: ids[1] }));
    expect(got.SegmentResponse!.Arn).toBe(
      `arn:aws:mobiletargeting:us-east-1:123456789012:apps/${appId}/segments/${ids[1]}`,
    );
    const p1 = await pp.send(new GetSegmentsCommand({ ApplicationId: appId, PageSize: '2' }));
    const p2 = await pp.send(
      new GetSegmentsCommand({ ApplicationId: appId, PageSize: '2', Token: p1.SegmentsResponse!.NextToken }),
    );
    expect([...p1.SegmentsResponse!.Item!, ...p2.SegmentsResponse!.Item!].map((s) => s.Id)).toEqual(ids);
    expect(p2.SegmentsResponse!.NextToken).toBeUndefined();
    await expectError(
      pp.send(new GetSegmentCommand({ ApplicationId: appId, SegmentId: 'nope' })),
      NotFoundException,
      404,
      /segment nope/,
    );
    await expectError(
      pp.send(new CreateSegmentCommand({ ApplicationId: appId, WriteSegmentRequest: {} })),
      BadRequestException,
      400,
      'Name is required',
    );
  });
});

describe('wire behaviour', () => {
  it('refuses unsigned requests as the service does (403 MissingAuthenticationTokenException)', async () => {
    const raw = await fetch(`${emu.url}/v1/apps`);
    expect(raw.status).toBe(403);
    expect(raw.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(raw.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await raw.json()).toEqual({ message: 'Missing Authentication Token' });

    // The unmodified SDK with its signature stripped after signing.
    const unsigned = pinpoint(emu.url, 1);
    type StripAuth = Parameters<typeof unsigned.middlewareStack.addRelativeTo>[0];
    type Args = { request: { headers: Record<string, string> } };
    const stripAuth = (next: (args: Args) => Promise<unknown>) => (args: Args) => {
      delete args.request.headers.authorization;
      return next(args);
    };
    unsigned.middlewareStack.addRelativeTo(stripAuth as unknown as StripAuth, {
      relation: 'after',
      toMiddleware: 'httpSigningMiddleware',
      name: 'stripAuth',
    });
    const err = await unsigned.send(new GetAppsCommand({})).catch((e: unknown) => e);
    unsigned.destroy();
    expect(err).toBeInstanceOf(PinpointServiceException);
    expect(err).toMatchObject({
      name: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
      $fault: 'client',
      $metadata: { httpStatusCode: 403 },
    });
  });

  it('answers unknown routes like the gateway and wrong methods with 405', async () => {
    const appId = await newApp();
    const err = await once.send(new GetCampaignsCommand({ ApplicationId: appId })).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'MissingAuthenticationTokenException', $metadata: { httpStatusCode: 403 } });
    const signedHeaders = {
      authorization:
        'AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/mobiletargeting/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc',
      'x-amz-date': '20240101T000000Z',
    };
    const res = await fetch(`${emu.url}/v1/apps/${appId}`, { method: 'PATCH', headers: signedHeaders });
    expect(res.status).toBe(405);
    expect(res.headers.get('x-amzn-errortype')).toBe('MethodNotAllowedException');
    const body = await res.json();
    expect(body).toEqual({
      Message: expect.stringContaining('PATCH is not allowed'),
      RequestID: res.headers.get('x-amzn-requestid'),
    });
    const partial = await fetch(`${emu.url}/v1/apps`, { headers: { authorization: 'AWS4-HMAC-SHA256 Signature=abc' } });
    expect(partial.status).toBe(403);
    expect(partial.headers.get('x-amzn-errortype')).toBe('IncompleteSignatureException');
  });

  it('injects throttling, 5xx, lost responses and latency through the admin API', async () => {
    await admin(emu, 'POST', 'faults', { throttleNext: 1 });
    await expectError(once.send(new GetAppsCommand({})), TooManyRequestsException, 429, 'Too many requests');
    await admin(emu, 'POST', 'faults', { errorNext: 1 });
    await expectError(once.send(new GetAppsCommand({})), InternalServerErrorException, 500, 'Internal server error');
    // The SDK retries 429 and 500 by itself: two faults, three attempts, success.
    await admin(emu, 'POST', 'faults', { throttleNext: 1, errorNext: 1 });
    const out = await pp.send(new GetAppsCommand({}));
    expect(out.$metadata.attempts).toBe(3);
    // A lost response: the app is created, the caller sees a 500.
    await admin(emu, 'POST', 'faults', { errorAfterCommitNext: 1, operations: ['CreateApp'] });
    await pp.send(new GetAppsCommand({}));
    await expectError(
      once.send(new CreateAppCommand({ CreateApplicationRequest: { Name: 'lost' } })),
      InternalServerErrorException,
      500,
      'Internal server error',
    );
    expect((await counts(emu)).apps).toBe(1);
    await admin(emu, 'DELETE', 'faults');
    await admin(emu, 'POST', 'faults', { latencyMs: 300 });
    const t0 = Date.now();
    await pp.send(new GetAppsCommand({}));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    await admin(emu, 'DELETE', 'faults');
    await expect(admin(emu, 'POST', 'faults', { throttleRate: 2 })).rejects.toThrow(/throttleRate/);
    await expect(admin(emu, 'POST', 'faults', { bogus: 1 })).rejects.toThrow(/400/);
  });
});
