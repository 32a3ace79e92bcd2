/** The tool itself: help, and how a wrong command line fails. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { errorLine, runCli } from './run-cli';

test('--help lists every command and exits 0', async () => {
  const run = await runCli(['--help']);

  expect(run.code).toBe(0);
  for (const command of ['test-sms', 'simulate-webhook', 'payment show', 'replay']) {
    expect(run.stdout).toContain(`  ${command}`);
  }
  expect(run.stderr).toBe('');
});

test.each([
  [['test-sms', '--help'], 'pix-recovery test-sms --phone'],
  [['simulate-webhook', '-h'], 'pix-recovery simulate-webhook --gateway'],
  [['payment', 'show', '--help'], 'pix-recovery payment show <gateway> <payment_id>'],
  [['payment', '--help'], 'pix-recovery payment show <gateway> <payment_id>'],
  [['help', 'replay'], 'pix-recovery replay --file'],
])("%j prints that command's usage", async (args, usage) => {
  const run = await runCli(args);

  expect(run.code).toBe(0);
  expect(run.stdout).toContain(usage);
});

test('an unknown command fails with one error line naming the commands', async () => {
  const run = await runCli(['send-everything']);

  expect(run.code).toBe(2);
  expect(errorLine(run)).toMatch(
    /^error: unknown command "send-everything"; commands: test-sms, simulate-webhook/,
  );
  expect(run.stdout).toBe('');
});

test('no command at all is a usage error too', async () => {
  const run = await runCli([]);

  expect(run.code).toBe(2);
  expect(errorLine(run)).toMatch(/^error: no command given/);
});

test("an unknown flag fails with one line pointing at the command's help", async () => {
  const run = await runCli(['test-sms', '--phone', '11987654321', '--shout']);

  expect(run.code).toBe(2);
  expect(errorLine(run)).toBe(
    "error: test-sms: unknown option '--shout' (see pix-recovery test-sms --help)",
  );
});

test('bad option values are all named on the one line', async () => {
  const run = await runCli([
    'test-sms',
    '--phone',
    '(11) 3456-7890',
    '--amount',
    '49.90',
    '--dry-run',
  ]);

  expect(run.code).toBe(2);
  const line = errorLine(run);
  expect(line).toContain('--phone: "(11) 3456-7890" is not a mobile number');
  expect(line).toContain('--amount: must be whole centavos');
});

test('a bad environment names each bad variable on one line, without a stack trace', async () => {
  const run = await runCli(['test-sms', '--phone', '11987654321', '--dry-run'], {
    PORT: 'eighty',
    TWILIO_ACCOUNT_SID: 'AC123',
  });

  expect(run.code).toBe(2);
  const line = errorLine(run);
  expect(line).toMatch(/^error: invalid configuration: /);
  expect(line).toContain('PORT: expected a port number');
  expect(line).toContain('TWILIO_ACCOUNT_SID: expected "AC" followed by 32 hexadecimal characters');
  expect(line).toContain('TWILIO_AUTH_TOKEN: required');
});

test('--verbose adds the stack trace after the error line', async () => {
  const run = await runCli(['replay', '--file', 'does-not-exist.json', '--verbose']);

  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(/^error: cannot read does-not-exist\.json: ENOENT/);
  expect(run.stderr).toMatch(/\n\s+at /);
});

test('a reader that closes the pipe early (| head -1) is no crash: the command finishes and exits 0', async () => {
  const child = spawn(
    process.execPath,
    [path.resolve(__dirname, '../../dist/src/cli/main.js'), '--help'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout.destroy(); // before the CLI has written anything
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));

  expect(stderr).toBe('');
  expect(code).toBe(0);
});
