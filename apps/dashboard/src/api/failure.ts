/** An API answer that was not a success, turned into what the dashboard shows: a message, and per field. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Messages by form field (`domains`, `max_pages`, …) when the API named the field. */
    readonly fields: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

interface ErrorBody {
  message?: unknown;
  details?: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** The field a 400's detail names: `{field, reason}` from body validation, `{index, value, reason}` for a domain. */
function fieldOf(detail: Record<string, unknown>): string | undefined {
  if (typeof detail.field === 'string') return detail.field.split('.')[0];
  if (typeof detail.index === 'number') return 'domains';
  return undefined;
}

function reasonOf(detail: Record<string, unknown>): string {
  const reason = typeof detail.reason === 'string' ? detail.reason : 'invalid';
  if (typeof detail.index === 'number') {
    const value = typeof detail.value === 'string' ? `"${detail.value}"` : JSON.stringify(detail.value);
    return `entry ${detail.index + 1} (${value}): ${reason}`;
  }
  return reason;
}

/** Messages by field from a 400 body; a message about the domain list without details goes to `domains`. */
export function fieldErrors(body: unknown): Record<string, string> {
  if (!isRecord(body)) return {};
  const fields: Record<string, string[]> = {};
  const details = Array.isArray(body.details) ? (body.details as unknown[]) : [];
  for (const detail of details) {
    if (!isRecord(detail)) continue;
    const field = fieldOf(detail);
    if (field !== undefined) (fields[field] ??= []).push(reasonOf(detail));
  }
  const message = typeof body.message === 'string' ? body.message : '';
  if (Object.keys(fields).length === 0 && /^(domains|too many domains)\b/.test(message)) fields.domains = [message];
  return Object.fromEntries(Object.entries(fields).map(([field, reasons]) => [field, reasons.join('; ')]));
}

/** What to tell the user for an answer with this status and body. */
export function failureOf(status: number, body: unknown, retryAfter: string | null): ApiFailure {
  const apiMessage = isRecord(body) && typeof (body as ErrorBody).message === 'string' ? String(body.message) : '';
  switch (status) {
    case 401:
      return new ApiFailure(401, `The API key was refused (${apiMessage || 'unauthorized'}).`);
    case 503: {
      const wait = retryAfter ? ` Try again in ${retryAfter} s.` : ' Try again shortly.';
      return new ApiFailure(503, `The service is unavailable: ${apiMessage || 'Kafka or Postgres is down'}.${wait}`);
    }
    default:
      return new ApiFailure(
        status,
        apiMessage || `The gateway answered ${status}.`,
        status === 400 || status === 422 ? fieldErrors(body) : {},
      );
  }
}

/** A request that got no answer at all. */
export const unreachable = (error: unknown): ApiFailure =>
  new ApiFailure(0, `Cannot reach the gateway (${error instanceof Error ? error.message : String(error)}).`);

/** Any thrown value as a message for the user. */
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
