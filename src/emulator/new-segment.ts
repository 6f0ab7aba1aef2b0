import type { SegmentResponse } from '@aws-sdk/client-pinpoint';
import type { EmulatorCore } from './core';
import { newId, nowIso } from './ids';
import type { AppState, SegmentState } from './state';

/** A version-1 segment of `app` with a fresh id, ARN and dates, registered in the app. */
export function addSegment(
  core: EmulatorCore,
  app: AppState,
  fields: Omit<SegmentResponse, 'ApplicationId' | 'Arn' | 'CreationDate' | 'LastModifiedDate' | 'Id' | 'Version'>,
  extra: Omit<SegmentState, 'response'> = {},
): SegmentState {
  const id = newId();
  const now = nowIso();
  const seg: SegmentState = {
    response: {
      ApplicationId: app.app.Id,
      Arn: core.arn(`apps/${app.app.Id}/segments/${id}`),
      CreationDate: now,
      LastModifiedDate: now,
      Id: id,
      Version: 1,
      ...fields,
    },
    ...extra,
  };
  app.segments.set(id, seg);
  return seg;
}
