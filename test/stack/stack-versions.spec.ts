import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

describe('the stack versions', () => {
  const pinned = Object.fromEntries(
    [...read('.env').matchAll(/^([A-Z0-9_]+)=(.+)$/gm)].map((match) => [match[1], match[2]]),
  );

  it('are set once, in .env', () => {
    expect(pinned.TRAWL_KAFKA_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pinned.TRAWL_JAEGER_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pinned.TRAWL_JAEGER_MODULE_VERSION).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(pinned.TRAWL_GO_TOOLCHAIN).toMatch(/^go\d+\.\d+\.\d+$/);
  });

  it('are taken from .env by docker-compose.yml, never written there', () => {
    const images = [...read('docker-compose.yml').matchAll(/^\s*image: (.+)$/gm)].map((match) => match[1]!);
    expect(images.filter((image) => image.startsWith('apache/kafka:'))).toEqual([
      'apache/kafka:${TRAWL_KAFKA_VERSION:?set in .env}',
    ]);
    expect(images.filter((image) => image.startsWith('jaegertracing/'))).toEqual([
      'jaegertracing/jaeger:${TRAWL_JAEGER_VERSION:?set in .env}',
    ]);
  });

  it('leave the Kafka pom without a version of its own', () => {
    expect(read('scripts/stack/kafka/pom.xml')).not.toMatch(/<kafka\.version>/);
  });
});

describe('the services’ process environment', () => {
  it('is the same for docker compose as for npm start and the tests', () => {
    const serviceEnv = JSON.parse(read('scripts/service-env.json')) as Record<string, string>;
    expect(Object.keys(serviceEnv)).not.toHaveLength(0);
    const sharedEnv = /^x-trawl-env: &trawl-env\n((?: {2}.*\n)+)/m.exec(read('docker-compose.yml'));
    expect(sharedEnv).not.toBeNull();
    for (const [name, value] of Object.entries(serviceEnv)) {
      expect(sharedEnv![1]).toContain(`  ${name}: '${value}'\n`);
    }
  });
});

describe('the services’ V8 options', () => {
  it('are the same for docker compose as for npm start and the tests', () => {
    const perService = JSON.parse(read('scripts/service-node-args.json')) as Record<string, string[]>;
    const compose = read('docker-compose.yml');
    for (const [service, args] of Object.entries(perService)) {
      const command = new RegExp(`command: \\['node', (.*)'dist/apps/${service}/src/main.js'\\]`).exec(compose);
      expect(command).not.toBeNull();
      const composeArgs = [...command![1]!.matchAll(/'([^']+)'/g)].map((match) => match[1]);
      expect(composeArgs).toEqual(args);
    }
  });
});
