// npm run stack -- up|down|status|logs|reset [kafka|postgres|jaeger ...] [--brokers N] [--json]
// Provisions, caches and runs Trawl's local stack on loopback, without Docker. `--brokers N`
// (with `up`) makes Kafka a cluster of N KRaft nodes; the stack dir remembers it for the others.
import fs from 'node:fs';
import path from 'node:path';
import './quiet-kafkajs.mjs';
import { loadSettings } from './settings.mjs';
import { kafkaNodeCount, kafkaPart, MAX_KAFKA_NODES } from './kafka.mjs';
import { postgresPart } from './postgres.mjs';
import { jaegerPart } from './jaeger.mjs';
import { tail, ToolMissingError } from './process-control.mjs';

const USAGE = 'usage: npm run stack -- up|down|status|logs|reset [kafka|postgres|jaeger ...] [--brokers N] [--json]';

/** `--brokers N` or `--brokers=N` out of argv: the count (undefined when absent) and the rest. */
function takeBrokers(argv) {
  const rest = [];
  let raw;
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--brokers') raw = argv[++i] ?? '';
    else if (argv[i].startsWith('--brokers=')) raw = argv[i].slice('--brokers='.length);
    else rest.push(argv[i]);
  }
  if (raw === undefined) return { rest };
  const brokers = Number(raw);
  if (!Number.isInteger(brokers) || brokers < 1 || brokers > MAX_KAFKA_NODES) {
    return { rest, problem: `--brokers ${raw}: a whole number of Kafka nodes from 1 to ${MAX_KAFKA_NODES}` };
  }
  return { rest, brokers };
}

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
  return {
    name: part.name,
    state,
    pid: pid ?? null,
    where: part.where(),
    problem: healthy ? undefined : problem,
    ...(part.nodes ? { nodes: part.nodes() } : {}),
  };
}

function writeEnvFile(settings, parts) {
  fs.mkdirSync(settings.stackDir, { recursive: true });
  const lines = parts.map((part) => part.where().split('  ')[0]);
  fs.writeFileSync(path.join(settings.stackDir, 'stack.env'), `${lines.join('\n')}\n`);
}

async function main(argv) {
  const json = argv.includes('--json');
  const { rest, brokers, problem } = takeBrokers(argv.filter((arg) => arg !== '--json'));
  if (problem) {
    console.error(`${problem}\n${USAGE}`);
    return 2;
  }
  const [command, ...names] = rest;
  const settings = loadSettings();
  let nodes;
  try {
    nodes = kafkaNodeCount(settings, { requested: brokers, command });
  } catch (error) {
    console.error(error.message);
    return 1;
  }
  const all = [kafkaPart(settings, { nodes }), postgresPart(settings), jaegerPart(settings)];
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
        if (before.state === 'unhealthy' && part.canResume?.()) {
          // Some of a cluster's nodes are down: start those, leave the others running.
          console.log(`${part.name.padEnd(9)} partly down: starting the nodes that are not running`);
        } else if (before.state === 'unhealthy') {
          console.log(`${part.name.padEnd(9)} running (pid ${before.pid}) but not healthy: restarting it`);
          await part.down();
        }
        const started = Date.now();
        try {
          await part.up();
        } catch (error) {
          if (error instanceof ToolMissingError) throw error;
          console.error(
            part.logs
              ? `${part.name}: failed to start: ${error.message}\n${part.logs(40)}`
              : `${part.name}: failed to start: ${error.message}\n--- last lines of ${part.logFile} ---\n${tail(part.logFile)}`,
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
          for (const node of s.nodes && s.nodes.length > 1 ? s.nodes : []) {
            const nodePid = node.pid ? `pid ${node.pid}` : 'down';
            console.log(
              `  node ${node.id}  ${nodePid.padEnd(11)} broker ${node.broker}, controller ${node.controller}${node.activeController ? ' (active controller)' : ''}`,
            );
          }
        }
      }
      return states.every((s) => s.state === 'up' || s.state === 'external') ? 0 : 3;
    }
    case 'logs': {
      for (const part of parts) {
        console.log(
          part.logs
            ? `=== ${part.name} ===\n${part.logs(60)}\n`
            : `=== ${part.name}: ${part.logFile} ===\n${tail(part.logFile, 60)}\n`,
        );
      }
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
