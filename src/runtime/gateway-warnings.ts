import type { Config } from '../config';
import { unenrichedGateways } from '../gateways/intake-summary';
import type { Logger } from '../logging';

/**
 * Said at the start of the API and of the worker: a thin webhook whose gateway API can't be
 * asked is accepted, then its recovery ends `ignored: enrichment failed`, silently unless
 * someone reads the stats. The operator should hear it before the first one arrives.
 */
export function warnIfEnrichmentUnconfigured(config: Config, logger: Logger): void {
  for (const { gateway, setting, missing } of unenrichedGateways(config, config.webhookAuth)) {
    const accepted = config.webhookAuth ? `${setting} is set` : 'WEBHOOK_AUTH=off';
    logger.warn(
      { gateway, missing },
      `${gateway} webhooks are accepted (${accepted}) but ${missing} is not: they name the ` +
        `payment only, so each such recovery will end "ignored: enrichment failed". Set ${missing}`,
    );
  }
}
