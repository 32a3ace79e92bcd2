/**
 * Loaded by path (dataConverter.failureConverterPath) on clients and workers and bundled
 * into the workflow code, so it must stay free of Node built-ins. Failure messages and
 * stack traces move into an encoded payload, where the codec encrypts them: a Twilio
 * error message can carry the customer's number.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
