/**
 * @module The page's only door to the server: typed calls to the /v1 read API with the bearer
 * credential, and RFC 9457 problems turned into {@link ApiError} values the page can branch on.
 */
import type { SessionView } from '../../../src/access/schema.ts';
import type { Actor, AuditEvent, EventSummary } from '../../../src/events/schema.ts';
import type { CatalogResponse } from './catalog.ts';
import { type AuthLoss, authLossOf } from './session.ts';

/** One page of the list endpoint. */
export interface EventPage {
  data: EventSummary[];
  next_cursor: string | null;
}

/** One field-level reason a request was refused, as the problem document names it. */
export interface ApiViolation {
  field: string;
  rule: string;
}

/** A failed call: the problem's stable code, HTTP status, the API's own detail and violations. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly violations: ApiViolation[];
  constructor(code: string, status: number, detail: string, violations: ApiViolation[] = []) {
    super(detail);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.violations = violations;
  }
}

function violationsOf(value: unknown): ApiViolation[] {
  if (!Array.isArray(value)) return [];
  return value.filter((v): v is ApiViolation => typeof v?.field === 'string' && typeof v?.rule === 'string');
}

/** A finished export, ready to hand to the browser as a download. */
export interface ExportFile {
  blob: Blob;
  /** The server's name for it (Content-Disposition), e.g. `auditlog-acme-to-seq-42.ndjson`. */
  fileName: string;
}

/** The file name a Content-Disposition header gives, or a generic one. */
function fileNameOf(disposition: string | null): string {
  return /filename="([^"]+)"/.exec(disposition ?? '')?.[1] ?? 'auditlog-export.ndjson';
}

/** The read API, bound to one credential. */
export interface ApiClient {
  listEvents(params: URLSearchParams, signal?: AbortSignal): Promise<EventPage>;
  getEvent(id: string, signal?: AbortSignal): Promise<AuditEvent>;
  listActors(stream: string, signal?: AbortSignal): Promise<Actor[]>;
  getCatalog(signal?: AbortSignal): Promise<CatalogResponse>;
  /** Who the credential is and which streams it may read (GET /v1/me). */
  getSession(signal?: AbortSignal): Promise<SessionView>;
  /** The whole NDJSON export (GET /v1/events/export) for `params` (stream, from, to). */
  exportEvents(params: URLSearchParams, signal?: AbortSignal): Promise<ExportFile>;
}

/** What the client needs besides the credential. */
export interface ApiClientOptions {
  /** Passed in so the page has no hidden global dependency; default: the window's fetch. */
  fetchImpl?: typeof fetch;
  /**
   * Called when a call is refused for the credential itself (see {@link authLossOf}), so the page
   * can replace every view at once instead of showing an error in each.
   */
  onAuthLoss?: (loss: AuthLoss) => void;
}

async function problemOf(response: Response): Promise<ApiError> {
  let body: { code?: unknown; detail?: unknown; title?: unknown; violations?: unknown } = {};
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's HTML error page, say): fall back to the status line below.
  }
  const code = typeof body.code === 'string' ? body.code : `HTTP_${response.status}`;
  const detail =
    typeof body.detail === 'string'
      ? body.detail
      : typeof body.title === 'string'
        ? body.title
        : `${response.status} ${response.statusText}`;
  return new ApiError(code, response.status, detail, violationsOf(body.violations));
}

/**
 * Creates the client.
 * @example const api = createApiClient(token, { onAuthLoss: setLoss }); const page = await api.listEvents(params);
 */
export function createApiClient(token: string, options: ApiClientOptions = {}): ApiClient {
  const fetchImpl = options.fetchImpl ?? fetch.bind(window);
  // Whether any call succeeded with this credential: a later 401 then means the session ended.
  let signedIn = false;

  async function call(path: string, accept: string, signal?: AbortSignal): Promise<Response> {
    let response: Response;
    try {
      response = await fetchImpl(path, { headers: { authorization: `Bearer ${token}`, accept }, signal });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new ApiError('NETWORK', 0, 'The audit log service could not be reached.');
    }
    if (!response.ok) {
      const error = await problemOf(response);
      const loss = authLossOf(error, signedIn);
      if (loss) options.onAuthLoss?.(loss);
      throw error;
    }
    signedIn = true;
    return response;
  }

  async function get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return (await (await call(path, 'application/json', signal)).json()) as T;
  }

  return {
    listEvents: (params, signal) => get<EventPage>(`/v1/events?${params}`, signal),
    getEvent: async (id, signal) =>
      (await get<{ data: AuditEvent }>(`/v1/events/${encodeURIComponent(id)}`, signal)).data,
    listActors: async (stream, signal) =>
      (await get<{ data: Actor[] }>(`/v1/actors?stream=${encodeURIComponent(stream)}`, signal)).data,
    getCatalog: async (signal) => (await get<{ data: CatalogResponse }>('/v1/catalog', signal)).data,
    getSession: async (signal) => (await get<{ data: SessionView }>('/v1/me', signal)).data,
    exportEvents: async (params, signal) => {
      const response = await call(`/v1/events/export?${params}`, 'application/x-ndjson', signal);
      // A connection cut midway (the server's way of failing after the first line) rejects here.
      const blob = await response.blob();
      return { blob, fileName: fileNameOf(response.headers.get('content-disposition')) };
    },
  };
}
