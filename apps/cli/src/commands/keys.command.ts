import { type DataSource } from 'typeorm';
import { runMigrations } from '@trawl/persistence';
import {
  type ApiKeyRecord,
  createApiKey,
  isValidTenantName,
  listApiKeys,
  revokeApiKey,
  TenantNameError,
} from '@trawl/persistence';
import { CliError, type CliOutput } from '../cli-output';
import { textTable } from '../text-table';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Prints the new key alone on stdout (or one JSON object with --json): it is never shown again. */
export async function createKeyCommand(
  dataSource: DataSource,
  options: { tenant: string; json: boolean },
  output: CliOutput,
): Promise<number> {
  if (!isValidTenantName(options.tenant)) throw new CliError(new TenantNameError(options.tenant).message);
  const applied = await runMigrations(dataSource);
  if (applied.length > 0) output.err(`applied ${applied.join(', ')}`);
  const created = await createApiKey(dataSource, options.tenant);
  if (options.json) {
    output.out(
      JSON.stringify({
        key: created.key,
        key_id: created.key_id,
        tenant: created.tenant,
        created_at: created.created_at,
      }),
    );
  } else {
    output.out(created.key);
  }
  return 0;
}

function table(keys: ApiKeyRecord[]): string[] {
  const rows = [
    ['KEY_ID', 'TENANT', 'PREFIX', 'CREATED_AT', 'REVOKED_AT'],
    ...keys.map((key) => [key.key_id, key.tenant, key.key_prefix, key.created_at, key.revoked_at ?? '-']),
  ];
  return textTable(rows);
}

export async function listKeysCommand(
  dataSource: DataSource,
  options: { tenant: string | undefined; json: boolean },
  output: CliOutput,
): Promise<number> {
  const keys = await listApiKeys(dataSource, options.tenant === undefined ? {} : { tenant: options.tenant });
  if (options.json) output.out(JSON.stringify(keys));
  else if (keys.length === 0) output.err(options.tenant ? `no API keys for tenant ${options.tenant}` : 'no API keys');
  else for (const line of table(keys)) output.out(line);
  return 0;
}

export async function revokeKeyCommand(dataSource: DataSource, keyId: string, output: CliOutput): Promise<number> {
  if (!UUID.test(keyId)) throw new CliError(`"${keyId}" is not a key id (a UUID, as shown by \`trawl keys list\`)`);
  const result = await revokeApiKey(dataSource, keyId);
  switch (result) {
    case 'revoked':
      output.out(`revoked key ${keyId}`);
      return 0;
    case 'already-revoked':
      output.out(`key ${keyId} was already revoked`);
      return 0;
    case 'not-found':
      throw new CliError(`no API key with id ${keyId}`);
  }
}
