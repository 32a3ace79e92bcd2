import vm from 'node:vm';
import { bundleRecoveryWorkflows } from '../helpers/temporal';

/**
 * Runs the bundle as the SDK's reusable workflow context does: once per workflow thread,
 * with webpack's module cache in a global it can watch, then the preloaded modules; then
 * what each workflow it starts or replays runs to find its function.
 */
test('the workflow bundle evaluates every workflow module once per thread, none per recovery', async () => {
  const { code } = await bundleRecoveryWorkflows();
  const moduleCache: Record<string, unknown> = {};
  const context = vm.createContext({ __webpack_module_cache__: moduleCache });
  vm.runInContext(code, context);
  const bundle = context.__TEMPORAL__ as {
    preloadModules(): void;
    importWorkflows(): Record<string, unknown>;
  };
  bundle.preloadModules();
  const perThread = Object.keys(moduleCache);

  const workflows = bundle.importWorkflows();
  expect(Object.keys(workflows)).toEqual(
    expect.arrayContaining(['paymentRecovery', 'dataRetention']),
  );
  expect(Object.keys(moduleCache)).toEqual(perThread);
  expect(perThread).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/workflows\/recovery\.ts$/),
      expect.stringMatching(/workflows\/retention\.ts$/),
    ]),
  );
});
