import { type Response } from 'express';

export interface Reply<T> {
  headers: Record<string, string>;
  body: T;
}

/** Sets a reply's headers on a passthrough response and returns its body for Nest to send. */
export function reply<T>(response: Response, { headers, body }: Reply<T>): T {
  response.set(headers);
  return body;
}
