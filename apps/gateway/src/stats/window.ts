const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export const MAX_WINDOW_MS = 90 * UNIT_MS.d;

/** A stats window like "15m", "6h" or "7d": at least one minute, at most 90 days. */
export function parseWindow(raw: string): { label: string; ms: number } | undefined {
  const match = /^(\d{1,6})([mhd])$/.exec(raw.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  if (ms < UNIT_MS.m || ms > MAX_WINDOW_MS) return undefined;
  return { label: `${Number(match[1])}${match[2]}`, ms };
}
