// Tiny DOM helpers: elements from plain data (textContent only, never innerHTML, so nothing from a site can inject markup).

type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

/** Creates an element. `on*` attributes given as functions become listeners; booleans toggle attributes. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

let idSeq = 0;
/** A document-unique id for label/aria wiring. */
export function uid(prefix: string): string {
  return `${prefix}-${++idSeq}`;
}

/**
 * Keeps an approving button disabled for `ms` after the dialog (re)gains focus, and while it is unfocused,
 * so a site cannot make the user press Enter or click into a dialog that just popped up (THREATS T1).
 * `extra` can hold it disabled for other reasons (e.g. final-try checkbox unticked). Returns a disposer.
 */
export function armAfterFocus(buttons: HTMLButtonElement[], ms: number, extra: () => boolean = () => true): { refresh(): void; armed(): boolean; dispose(): void } {
  let armedAt = Number.POSITIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const isArmed = () => performance.now() >= armedAt;
  const refresh = () => {
    const enabled = isArmed() && extra();
    for (const b of buttons) {
      b.disabled = !enabled;
      b.setAttribute('aria-disabled', String(!enabled));
    }
  };
  const start = () => {
    armedAt = performance.now() + ms;
    if (timer) clearTimeout(timer);
    timer = setTimeout(refresh, ms + 10);
    refresh();
  };
  const stop = () => {
    armedAt = Number.POSITIVE_INFINITY;
    refresh();
  };
  const onVisibility = () => (document.visibilityState === 'visible' ? start() : stop());
  addEventListener('focus', start);
  addEventListener('blur', stop);
  document.addEventListener('visibilitychange', onVisibility);
  start();
  return {
    refresh,
    armed: () => isArmed() && extra(),
    dispose() {
      if (timer) clearTimeout(timer);
      removeEventListener('focus', start);
      removeEventListener('blur', stop);
      document.removeEventListener('visibilitychange', onVisibility);
    },
  };
}
