/**
 * Errors the emulator answers, in the shape of the Segmentation Service API document's examples:
 * `{requestId, errors: {"<status>": [{code, message}]}, type: "https://ns.adobe.com/aep/errors/<code>", title, status}`.
 * IMS answers OAuth errors (`{error, error_description}`) instead: see ImsError.
 */
export class AepError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra headers (e.g. Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'AepError';
  }
}

export interface AepErrorBody {
  requestId: string;
  errors: Record<string, { code: string; message: string }[]>;
  type: string;
  title: string;
  status: number;
}

export function aepErrorBody(err: AepError, requestId: string): AepErrorBody {
  return {
    requestId,
    errors: { [String(err.status)]: [{ code: err.code, message: err.message }] },
    type: `https://ns.adobe.com/aep/errors/${err.code}`,
    title: err.message,
    status: err.status,
  };
}

/** An OAuth error of IMS (`POST /ims/token/v3`). */
export class ImsError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
    this.name = 'ImsError';
  }
}

export const badRequest = (code: string, message: string): AepError => new AepError(400, code, message);
export const notFound = (code: string, message: string): AepError => new AepError(404, code, message);
