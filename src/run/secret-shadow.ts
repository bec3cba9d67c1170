// The vars a template would see if every secret in them were something else. Rendering an
// expression with the real vars and with these tells whether its value depends on a secret:
// `{{ db_pwd | b64encode }}` changes, `{{ hostvars[h].ansible_host }}` does not, even though
// hostvars also holds every host's passwords. Only what the template reads is looked at: objects
// are wrapped in proxies that shadow a value when it is read.

import { isSecretName } from './secret-names.ts';
import type { SecretMasker } from './secrets.ts';

/** What a secret-named value, whose secret the masker may not know yet, reads as in the shadow. */
const SHADOW_TEXT = '\u0000shadowed secret\u0000';

export class SecretShadow {
  private readonly proxies = new WeakMap<object, object>();
  private readonly secretProxies = new WeakMap<object, object>();

  /**
   * @param pendingSecret whether a string is a template still to be rendered that reads a secret
   *   (host vars render in passes, so a variable may not hold its value yet)
   */
  constructor(private readonly masker: SecretMasker, private readonly pendingSecret: (text: string) => boolean) {}

  /** The value with its secrets shadowed; `secret`: it sits under a secret-named key, so all of it is. */
  of(value: unknown, secret = false): unknown {
    if (typeof value === 'string') {
      if (secret || this.pendingSecret(value)) return SHADOW_TEXT;
      return this.masker.holdsSecret(value) ? this.masker.mask(value) : value;
    }
    if (typeof value === 'number') return secret || this.masker.holdsSecret(String(value)) ? SHADOW_TEXT : value;
    if (value === null || typeof value !== 'object') return value;
    const cache = secret ? this.secretProxies : this.proxies;
    let proxy = cache.get(value);
    if (!proxy) {
      proxy = new Proxy(value, {
        get: (target, key, receiver) => {
          const child: unknown = Reflect.get(target, key, receiver);
          if (typeof key === 'symbol' || typeof child === 'function') return child;
          // A proxy must give a frozen property's own value (and `length` is a number of items, not data).
          const own = Reflect.getOwnPropertyDescriptor(target, key);
          if ((own && !own.configurable && !own.writable) || (Array.isArray(target) && key === 'length')) return child;
          return this.of(child, secret || isSecretName(key));
        },
      });
      cache.set(value, proxy);
    }
    return proxy;
  }

  /** `vars` with the named variables shadowed (the others are not read by the template). */
  vars<T extends Record<string, unknown>>(vars: T, names: Iterable<string>): T {
    const shadowed: Record<string, unknown> = { ...vars };
    for (const name of names) if (Object.hasOwn(vars, name)) shadowed[name] = this.of(vars[name], isSecretName(name));
    return shadowed as T;
  }
}
