#!/usr/bin/env node
// The `backdrop` command. Only argument parsing and help load here; each command loads core and
// the providers it needs, so `backdrop --help` starts fast.
import { readFileSync } from 'node:fs';
import { type Command, parseCommandLine, UsageError } from './cli-arguments.js';
import { helpText } from './cli-help.js';

async function runCommand(command: Command): Promise<number> {
  switch (command.name) {
    case 'help':
      process.stdout.write(`${helpText(command.topic)}\n`);
      return 0;
    case 'version': {
      const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
        version: string;
      };
      process.stdout.write(`${manifest.version}\n`);
      return 0;
    }
    case 'remove':
      return (await import('./commands/remove.js')).run(command);
    case 'replace':
      return (await import('./commands/replace.js')).run(command);
    case 'video':
      return (await import('./commands/video.js')).run(command);
    case 'batch':
      return (await import('./commands/batch.js')).run(command);
    case 'worker':
      return (await import('./commands/worker.js')).run(command);
    case 'providers':
      return (await import('./commands/providers.js')).run(command);
    case 'resume':
      return (await import('./commands/resume.js')).run(command);
  }
}

const argv = process.argv.slice(2);
try {
  process.exitCode = await runCommand(parseCommandLine(argv));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  if (argv.includes('--json')) {
    process.stdout.write(
      `${JSON.stringify({ error: { code: 'invalid_input', message: error.message, provider: null, field: null } })}\n`,
    );
  } else {
    process.stderr.write(
      `${error.message}. Run "backdrop help${error.command ? ` ${error.command}` : ''}".\n`,
    );
  }
  process.exitCode = 2;
}
