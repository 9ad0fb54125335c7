/**
 * Live references: a proxy that forwards every property read and method call to whatever object
 * `get()` returns *now*, so parts captured once (the app's routes capture `services.gateway`) follow
 * a swap. Methods run bound to the current object (private fields work). The proxy's own target is
 * an empty object with the initial value's prototype, so frozen values (the model catalog) can be
 * referenced too.
 */

/** A proxy of the current value of `get()`. The initial value supplies the prototype. */
export function liveRef<T extends object>(get: () => T): T {
  const target = Object.create(Object.getPrototypeOf(get()) as object | null) as T;
  return new Proxy(target, {
    get(_t, p) {
      const cur = get();
      const v: unknown = Reflect.get(cur, p, cur);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(cur) : v;
    },
    set(_t, p, v) {
      return Reflect.set(get(), p, v);
    },
    has(_t, p) {
      return Reflect.has(get(), p);
    },
    ownKeys() {
      return Reflect.ownKeys(get());
    },
    getOwnPropertyDescriptor(_t, p) {
      const d = Reflect.getOwnPropertyDescriptor(get(), p);
      return d ? { ...d, configurable: true } : undefined;
    },
  });
}
