import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { Config } from '../config';

export interface TemporalTarget {
  address: string;
  namespace: string;
  /** TLS, API key and gRPC metadata from the SDK's own environment configuration. */
  options: Omit<ReturnType<typeof loadClientConnectConfig>['connectionOptions'], 'address'>;
}

/**
 * Our variables (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE) are also the SDK's, so an explicit
 * value wins, then a profile from the Temporal config file (TEMPORAL_PROFILE), then ours.
 */
export function temporalTarget(
  config: Pick<Config, 'temporal'>,
  env: NodeJS.ProcessEnv = process.env,
): TemporalTarget {
  const { connectionOptions, namespace } = loadClientConnectConfig({
    overrideEnvVars: pickTemporalEnv(env),
  });
  const { address, ...options } = connectionOptions;
  return {
    address: env.TEMPORAL_ADDRESS?.trim()
      ? config.temporal.address
      : (address ?? config.temporal.address),
    namespace: env.TEMPORAL_NAMESPACE?.trim()
      ? config.temporal.namespace
      : (namespace ?? config.temporal.namespace),
    options,
  };
}

function pickTemporalEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith('TEMPORAL_') && value !== undefined) picked[key] = value;
  }
  return picked;
}
