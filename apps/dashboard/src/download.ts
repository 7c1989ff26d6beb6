import { type Api } from './api/client';

/** The file name a Content-Disposition header gives, or the fallback. */
export function attachmentName(header: string | null, fallback: string): string {
  const match = header ? /filename="?([^";]+)"?/i.exec(header) : null;
  return match?.[1] ?? fallback;
}

/** Downloads an API resource with the key (a plain link could not send it): fetch, Blob, object URL, click. */
export async function download(api: Api, path: string, fallbackName: string): Promise<string> {
  const response = await api.request('GET', path);
  const blob = await response.blob();
  const name = attachmentName(response.headers.get('content-disposition'), fallbackName);
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
}
