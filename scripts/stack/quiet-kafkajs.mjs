// kafkajs 2.2.4 schedules a negative timeout on every connect (kafkajs#1751, harmless, unfixed);
// Node then prints a TimeoutNegativeWarning that buries real output. Drop only that warning.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
  if (type === 'TimeoutNegativeWarning' || warning?.name === 'TimeoutNegativeWarning') return;
  emitWarning(warning, ...rest);
};
