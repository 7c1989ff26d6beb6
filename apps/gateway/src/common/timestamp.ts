/**
 * A time in a query: an RFC 3339 date-time (JSON Schema's `date-time`: `T` or `t`, `Z`, `z` or an
 * offset, any fraction of a second, a leap second) or an RFC 3339 full-date (`date`: midnight UTC).
 * Exactly the strings those two formats allow, with their calendar checked, and nothing else.
 */
const TIMESTAMP =
  /^(?<y>\d{4})-(?<mo>\d{2})-(?<d>\d{2})(?:[Tt](?<h>\d{2}):(?<mi>\d{2}):(?<s>\d{2})(?<f>\.\d+)?(?:[Zz]|(?<sign>[+-])(?<oh>\d{2}):(?<om>\d{2})))?$/;

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysIn = (year: number, month: number) => (month === 2 && isLeapYear(year) ? 29 : (DAYS[month - 1] ?? 0));

export function parseTimestamp(text: string): Date | undefined {
  const parts = TIMESTAMP.exec(text)?.groups;
  if (!parts) return undefined;
  const number = (name: string) => Number(parts[name] ?? '0');
  const [year, month, day, hour, minute, second] = ['y', 'mo', 'd', 'h', 'mi', 's'].map(number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const [offsetHours, offsetMinutes] = [number('oh'), number('om')];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 60 || offsetHours > 23 || offsetMinutes > 59) return undefined;
  const time = new Date(0);
  // setUTCFullYear, not Date.UTC: years 0 to 99 are not read as 1900 to 1999.
  time.setUTCFullYear(year, month - 1, day);
  time.setUTCHours(hour, minute, 0, Math.floor(Number(`0${parts.f ?? ''}`) * 1000));
  const offset = (parts.sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  // A leap second (:60) counts as the first instant of the next minute.
  return new Date(time.getTime() + second * 1000 - offset);
}
