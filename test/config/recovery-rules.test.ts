import { ConfigError, loadConfig } from '../../src/config';

function issuesOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => i.variable);
    throw err;
  }
  return [];
}

describe('recovery rules configuration', () => {
  test('RECOVERY_STEPS lists the sequence and its first step is the recovery delay', () => {
    const config = loadConfig({ RECOVERY_STEPS: '10m,3h' });
    expect(config.recovery.steps).toEqual([600_000, 10_800_000]);
    expect(config.recoveryDelayMs).toBe(600_000);
  });

  test('RECOVERY_STEPS that disagrees with an explicit RECOVERY_DELAY is refused', () => {
    expect(issuesOf({ RECOVERY_STEPS: '10m,3h', RECOVERY_DELAY: '5m' })).toEqual([
      'RECOVERY_STEPS',
    ]);
    expect(issuesOf({ RECOVERY_STEPS: '5m,3h', RECOVERY_DELAY: '5m' })).toEqual([]);
  });

  test.each(['', '10m,,3h', '10m,soon', '1m,1m,1m,1m,1m,1m', '0s'])(
    'RECOVERY_STEPS "%s" is refused when not blank',
    (value) => {
      expect(issuesOf({ RECOVERY_STEPS: value })).toEqual(value === '' ? [] : ['RECOVERY_STEPS']);
    },
  );

  test('QUIET_HOURS takes a window that may cross midnight, or off', () => {
    expect(loadConfig({ QUIET_HOURS: '21:30-08:15' }).recovery.quietHours).toEqual({
      startMinute: 21 * 60 + 30,
      endMinute: 8 * 60 + 15,
      timeZone: 'America/Sao_Paulo',
    });
    expect(loadConfig({ QUIET_HOURS: 'off' }).recovery.quietHours).toBeNull();
    expect(loadConfig({ QUIET_HOURS_TZ: 'America/New_York' }).recovery.quietHours?.timeZone).toBe(
      'America/New_York',
    );
  });

  test.each([
    ['QUIET_HOURS', '22-09'],
    ['QUIET_HOURS', '25:00-09:00'],
    ['QUIET_HOURS', '09:00-09:00'],
    ['QUIET_HOURS_TZ', 'Mars/Olympus'],
    ['MAX_SMS_PER_PHONE', '0'],
    ['FREQUENCY_WINDOW', 'daily'],
    ['SMS_GSM7', 'yes'],
  ])('%s=%s is refused by name', (name, value) => {
    expect(issuesOf({ [name]: value })).toEqual([name]);
  });

  test('per-step templates come from SMS_TEMPLATE and SMS_TEMPLATE_2…', () => {
    const config = loadConfig({
      SMS_TEMPLATE: 'one {amount}',
      SMS_TEMPLATE_2: 'two {amount}',
      SMS_GSM7: 'true',
      MAX_SMS_PER_PHONE: '2',
    });
    expect(config.recovery.templates.slice(0, 3)).toEqual([
      'one {amount}',
      'two {amount}',
      undefined,
    ]);
    expect(config.recovery).toMatchObject({ gsm7: true, maxSmsPerPhone: 2 });
  });
});
