/**
 * `Promise.withResolvers` for Node 20 (added in Node 22). `@restatedev/restate-sdk` 1.17 calls it
 * on every invocation and declares no `engines`, so on Node 20 every invocation fails without it.
 * Imported for its side effect by `restate-sdk.ts`, before the SDK module is evaluated.
 */
interface WithResolvers {
  withResolvers?: <T>() => { promise: Promise<T>; resolve: (v: T | PromiseLike<T>) => void; reject: (e?: unknown) => void };
}

const P = Promise as unknown as WithResolvers;
if (typeof P.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>() {
      let resolve!: (v: T | PromiseLike<T>) => void;
      let reject!: (e?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

/** True once `Promise.withResolvers` exists (natively or polyfilled). */
export const promiseWithResolversReady = typeof (Promise as unknown as WithResolvers).withResolvers === 'function';
