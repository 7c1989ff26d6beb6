/** An error (role=alert, read out at once) or a notice (polite); nothing when there is no message. */
export function Alert({
  message,
  kind = 'error',
  id,
}: {
  message: string | null | undefined;
  kind?: 'error' | 'notice';
  id?: string;
}) {
  if (!message) return null;
  return kind === 'error' ? (
    <p class="alert error" role="alert" id={id}>
      {message}
    </p>
  ) : (
    <p class="alert notice" role="status" aria-live="polite" id={id}>
      {message}
    </p>
  );
}
