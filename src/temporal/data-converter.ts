import type { DataConverter, PayloadCodec } from '@temporalio/common';

/** The failure converter's module, as clients, workers and the workflow bundle load it. */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/** What every client and worker of this service converts payloads with. */
export function dataConverter(codec: PayloadCodec): DataConverter {
  return { payloadCodecs: [codec], failureConverterPath: FAILURE_CONVERTER_PATH };
}
