// npm run stack -- up|down|status|logs|reset [kafka|postgres|jaeger ...] [--json]
// Provisions, caches and runs Trawl's local stack on loopback, without Docker.
import fs from 'node:fs';
import path from 'node:path';
import './quiet-kafkajs.mjs';
import { loadSettings } from './settings.mjs';
import { kafkaPart } from './kafka.mjs';
import { postgresPart } from './postgres.mjs';
import { jaegerPart } from './jaeger.mjs';
import { tail, ToolMissingError } from './process-control.mjs';

const USAGE = 'usage: npm run stack -- up|down|status|logs|reset [kafka|postgres|jaeger ...] [--json]';

async function describe(part) {
  const pid = part.pid();
  let healthy = false;
  let problem;
  try {
    healthy = await part.probe();
  } catch (error) {
    problem = error.message;
  }
  let state;
  if (healthy) state = part.external ? 'external' : 'up';
  else if (pid) state = 'unhealthy';
  else state = 'down';
  return { name: part.name, state, pid: pid ?? null, where: part.where(), problem: healthy ? undefined : problem };
}

function writeEnvFile(settings, parts) {
  fs.mkdirSync(settings.stackDir, { recursive: true });
  const lines = parts.map((part) => part.where().split('  ')[0]);
  fs.writeFileSync(path.join(settings.stackDir, 'stack.env'), `${lines.join('\n')}\n`);
}

async function main(argv) {
  const json = argv.includes('--json');
  const [command, ...names] = argv.filter((arg) => arg !== '--json');
  const settings = loadSettings();
  const all = [kafkaPart(settings), postgresPart(settings), jaegerPart(settings)];
  const unknown = names.filter((name) => !all.some((part) => part.name === name));
  if (!command || unknown.length > 0) {
    console.error(unknown.length ? `unknown part: ${unknown.join(', ')}\n${USAGE}` : USAGE);
    return 2;
  }
  const parts = names.length ? all.filter((part) => names.includes(part.name)) : all;

  switch (command) {
    case 'up': {
      for (const part of parts) {
        const before = await describe(part);
        if (before.state === 'up' || before.state === 'external') {
          console.log(`${part.name.padEnd(9)} already ${before.state}  ${part.where()}`);
          continue;
        }
        if (before.state === 'unhealthy') {
          console.log(`${part.name.padEnd(9)} running (pid ${before.pid}) but not healthy: restarting it`);
          await part.down();
        }
        const started = Date.now();
        try {
          await part.up();
        } catch (error) {
          if (error instanceof ToolMissingError) throw error;
          console.error(
            `${part.name}: failed to start: ${error.message}\n--- last lines of ${part.logFile} ---\n${tail(part.logFile)}`,
          );
          await part.down().catch(() => undefined);
          return 1;
        }
        console.log(`${part.name.padEnd(9)} up in ${((Date.now() - started) / 1000).toFixed(1)}s  ${part.where()}`);
      }
      writeEnvFile(settings, all);
      return 0;
    }
    case 'down': {
      for (const part of parts) {
        const stopped = await part.down();
        console.log(
          `${part.name.padEnd(9)} ${stopped ? 'stopped' : part.external ? 'external: left alone' : 'was not running'}`,
        );
      }
      return 0;
    }
    case 'status': {
      const states = [];
      for (const part of parts) states.push(await describe(part));
      if (json) console.log(JSON.stringify(states));
      else {
        for (const s of states) {
          const pid = s.pid ? `pid ${s.pid}` : '';
          console.log(
            `${s.name.padEnd(9)} ${s.state.padEnd(10)} ${pid.padEnd(11)} ${s.where}${s.problem && s.state !== 'down' ? `  (${s.problem})` : ''}`,
          );
        }
      }
      return states.every((s) => s.state === 'up' || s.state === 'external') ? 0 : 3;
    }
    case 'logs': {
      for (const part of parts) console.log(`=== ${part.name}: ${part.logFile} ===\n${tail(part.logFile, 60)}\n`);
      return 0;
    }
    case 'reset': {
      for (const part of parts) {
        await part.down();
        part.reset();
        console.log(`${part.name.padEnd(9)} stopped and its data wiped`);
      }
      return 0;
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof ToolMissingError ? error.message : (error.stack ?? String(error)));
    process.exit(1);
  },
);
