import { createHash } from 'node:crypto';
import { type DataSource } from 'typeorm';
import { createDataSource, findTenantByKeyHash, migrations } from '@trawl/persistence';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { runCli } from './cli';
import { type CliOutput } from './cli-output';
import { createKeyCommand, listKeysCommand, revokeKeyCommand } from './commands/keys.command';
import { migrateCommand } from './commands/migrate.command';

jest.setTimeout(60_000);

/** Every migration the code base has, in order: a fresh database gets all of them. */
const ALL_MIGRATIONS = migrations.map((migration) => migration.name);

function capture(): CliOutput & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (line) => stdout.push(line), err: (line) => stderr.push(line) };
}

describe('the trawl CLI against a real database', () => {
  let db: TestDatabase;
  let sql: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('cli', { migrate: false });
    sql = createDataSource(db.url, { poolSize: 2, applicationName: 'trawl-cli-test' });
    await sql.initialize();
  });

  afterAll(async () => {
    await sql?.destroy();
    await db?.drop();
  });

  it('lists keys only once the schema exists, saying what to do', async () => {
    const output = capture();
    expect(await runCli(['keys', 'list'], { DATABASE_URL: db.url }, output)).toBe(1);
    expect(output.stderr).toEqual(['trawl: the database has no Trawl schema yet: run `trawl migrate` first']);
  });

  it('migrate applies the schema, then has nothing to do', async () => {
    const first = capture();
    expect(await migrateCommand(sql, first)).toBe(0);
    expect(first.stdout).toEqual(ALL_MIGRATIONS.map((name) => `applied ${name}`));
    const second = capture();
    expect(await runCli(['migrate'], { DATABASE_URL: db.url }, second)).toBe(0);
    expect(second.stdout).toEqual(['no pending migrations: the database is up to date']);
  });

  it('keys create prints the key alone, or one JSON object; only its hash is stored', async () => {
    const plain = capture();
    expect(await createKeyCommand(sql, { tenant: 'acme', json: false }, plain)).toBe(0);
    expect(plain.stdout).toHaveLength(1);
    const key = plain.stdout[0]!;
    expect(key).toMatch(/^trawl_[A-Za-z0-9_-]{43}$/);
    const hash = createHash('sha256').update(key).digest('hex');
    expect(await findTenantByKeyHash(sql, hash)).toBe('acme');
    const stored = await sql.query(`select key_hash, key_prefix from api_keys`);
    expect(stored).toEqual([{ key_hash: hash, key_prefix: key.slice(0, 12) }]);

    const json = capture();
    expect(await runCli(['keys', 'create', '--tenant', 'acme', '--json'], { DATABASE_URL: db.url }, json)).toBe(0);
    expect(json.stdout).toHaveLength(1);
    const created = JSON.parse(json.stdout[0]!);
    expect(created).toEqual({
      key: expect.stringMatching(/^trawl_/),
      key_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      tenant: 'acme',
      created_at: expect.stringMatching(/Z$/),
    });
    expect(created.key).not.toBe(key);
  });

  it('keys create migrates a fresh database first', async () => {
    const fresh = await createTestDatabase('cli_fresh', { migrate: false });
    try {
      const output = capture();
      expect(await runCli(['keys', 'create', '--tenant', 'new'], { DATABASE_URL: fresh.url }, output)).toBe(0);
      expect(output.stdout[0]).toMatch(/^trawl_/);
      expect(output.stderr).toEqual([`applied ${ALL_MIGRATIONS.join(', ')}`]);
    } finally {
      await fresh.drop();
    }
  });

  it('keys create refuses a bad tenant name with one line', async () => {
    const output = capture();
    expect(await runCli(['keys', 'create', '--tenant', 'no spaces'], { DATABASE_URL: db.url }, output)).toBe(1);
    expect(output.stderr).toHaveLength(1);
    expect(output.stderr[0]).toMatch(/^trawl: invalid tenant name "no spaces"/);
  });

  it('keys list shows ids, tenants and prefixes but never keys; --json and --tenant', async () => {
    await createKeyCommand(sql, { tenant: 'globex', json: false }, capture());
    const table = capture();
    expect(await listKeysCommand(sql, { tenant: undefined, json: false }, table)).toBe(0);
    expect(table.stdout[0]).toMatch(/^KEY_ID\s+TENANT\s+PREFIX\s+CREATED_AT\s+REVOKED_AT$/);
    expect(table.stdout).toHaveLength(4);
    expect(table.stdout.join('\n')).not.toMatch(/trawl_[A-Za-z0-9_-]{20,}/);

    const json = capture();
    await listKeysCommand(sql, { tenant: 'globex', json: true }, json);
    const keys = JSON.parse(json.stdout[0]!);
    expect(keys).toEqual([
      {
        key_id: expect.any(String),
        tenant: 'globex',
        key_prefix: expect.stringMatching(/^trawl_.{6}$/),
        created_at: expect.any(String),
        revoked_at: null,
      },
    ]);

    const none = capture();
    expect(await listKeysCommand(sql, { tenant: 'nobody', json: false }, none)).toBe(0);
    expect(none.stdout).toEqual([]);
    expect(none.stderr).toEqual(['no API keys for tenant nobody']);
  });

  it('keys revoke revokes by id, once; unknown ids and non-ids are errors', async () => {
    const created = capture();
    await createKeyCommand(sql, { tenant: 'revokable', json: true }, created);
    const { key, key_id } = JSON.parse(created.stdout[0]!);
    const hash = createHash('sha256').update(key).digest('hex');

    const output = capture();
    expect(await revokeKeyCommand(sql, key_id, output)).toBe(0);
    expect(output.stdout).toEqual([`revoked key ${key_id}`]);
    expect(await findTenantByKeyHash(sql, hash)).toBeNull();

    const again = capture();
    expect(await runCli(['keys', 'revoke', key_id], { DATABASE_URL: db.url }, again)).toBe(0);
    expect(again.stdout).toEqual([`key ${key_id} was already revoked`]);

    const unknown = capture();
    expect(
      await runCli(['keys', 'revoke', '00000000-0000-4000-8000-000000000000'], { DATABASE_URL: db.url }, unknown),
    ).toBe(1);
    expect(unknown.stderr).toEqual(['trawl: no API key with id 00000000-0000-4000-8000-000000000000']);

    const bad = capture();
    expect(await runCli(['keys', 'revoke', 'trawl_abc'], { DATABASE_URL: db.url }, bad)).toBe(1);
    expect(bad.stderr).toHaveLength(1);
  });

  it('exits 2 with the usage for bad usage, 0 with it for help', async () => {
    const bad = capture();
    expect(await runCli(['keys', 'create'], {}, bad)).toBe(2);
    expect(bad.stderr[0]).toBe('trawl: keys create: --tenant NAME is required');
    expect(bad.stderr[1]).toMatch(/^usage: trawl/);
    const help = capture();
    expect(await runCli(['--help'], {}, help)).toBe(0);
    expect(help.stdout[0]).toMatch(/^usage: trawl/);
  });

  it('says in one line when the database is unreachable or the configuration is bad', async () => {
    const down = capture();
    expect(await runCli(['keys', 'list'], { DATABASE_URL: 'postgres://u:secret@127.0.0.1:1/x' }, down)).toBe(1);
    expect(down.stderr).toEqual(['trawl: cannot reach the database at 127.0.0.1:1/x (ECONNREFUSED)']);

    const config = capture();
    expect(await runCli(['migrate'], { DATABASE_URL: 'mysql://x' }, config)).toBe(1);
    expect(config.stderr).toHaveLength(1);
    expect(config.stderr[0]).toMatch(/^trawl: invalid configuration: DATABASE_URL must use one of the protocols/);
  });
});
