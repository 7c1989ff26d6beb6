/** A labelled status filter: "all" or one of the statuses. */
export function StatusSelect<S extends string>(props: {
  id: string;
  statuses: readonly S[];
  value: S | '';
  onChange: (value: S | '') => void;
}) {
  const { id, statuses, value, onChange } = props;
  return (
    <>
      <label for={id}>Status</label>
      <select id={id} value={value} onChange={(event) => onChange(event.currentTarget.value as S | '')}>
        <option value="">all</option>
        {statuses.map((status) => (
          <option key={status} value={status}>
            {status}
          </option>
        ))}
      </select>
    </>
  );
}
