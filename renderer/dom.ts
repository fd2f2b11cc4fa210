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
 * Keeps approving buttons disabled for `ms` after the dialog (re)gains focus, and while it is unfocused, so a site
 * cannot make the user press Enter or click into a dialog that just popped up (docs/security.md T1, T26).
 * Moving the keyboard focus onto one of the buttons starts the delay again (the button stays focusable; its
 * activation is ignored until the delay passes), and auto-repeated keys (a held Enter or Space) never activate
 * anything: a key press counts only when it began after the buttons were armed.
 * `extra` can hold them disabled for other reasons (e.g. final-try checkbox unticked). Returns a disposer.
 */
export function armAfterFocus(buttons: HTMLButtonElement[], ms: number, extra: () => boolean = () => true): { refresh(): void; armed(): boolean; dispose(): void } {
  let armedAt = Number.POSITIVE_INFINITY;
  /** Soft guard after focus moved onto a button: it keeps focus (no `disabled`), but activation waits. */
  let softUntil = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let softTimer: ReturnType<typeof setTimeout> | undefined;
  /** Whether the key now held went down while the buttons were armed. */
  let pressArmed = false;
  const isArmed = () => performance.now() >= armedAt && performance.now() >= softUntil;
  const refresh = () => {
    const hard = performance.now() >= armedAt && extra();
    const enabled = hard && performance.now() >= softUntil;
    for (const b of buttons) {
      b.disabled = !hard;
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
  const onFocusIn = (e: FocusEvent) => {
    // Keyboard focus only (a mouse press focuses the button too, and its click must work).
    const target = e.target as HTMLButtonElement;
    if (!buttons.includes(target) || !target.matches(':focus-visible')) return;
    softUntil = performance.now() + ms;
    if (softTimer) clearTimeout(softTimer);
    softTimer = setTimeout(refresh, ms + 10);
    refresh();
  };
  const isActivation = (e: KeyboardEvent) => e.key === 'Enter' || e.key === ' ' || e.key === 'Spacebar';
  const onKeyDown = (e: KeyboardEvent) => {
    if (!isActivation(e)) return;
    if (!e.repeat) pressArmed = isArmed() && extra();
    if (e.repeat || !pressArmed) {
      if (e.repeat || buttons.includes(e.target as HTMLButtonElement) || (e.target as HTMLElement | null)?.closest?.('form')) e.preventDefault();
      if (e.repeat) e.stopImmediatePropagation();
    }
  };
  // Space activates a button on key-up: only a press that began armed may do so.
  const onKeyUp = (e: KeyboardEvent) => {
    if (isActivation(e) && !pressArmed && buttons.includes(e.target as HTMLButtonElement)) e.preventDefault();
  };
  // A click that slipped through (e.g. synthesized by a key) is dropped while the soft guard runs.
  const onClick = (e: MouseEvent) => {
    if (buttons.includes(e.target as HTMLButtonElement) && !isArmed()) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  };
  addEventListener('focus', start);
  addEventListener('blur', stop);
  document.addEventListener('visibilitychange', onVisibility);
  document.addEventListener('focusin', onFocusIn, true);
  document.addEventListener('keydown', onKeyDown, true);
  document.addEventListener('keyup', onKeyUp, true);
  document.addEventListener('click', onClick, true);
  start();
  return {
    refresh,
    armed: () => isArmed() && extra(),
    dispose() {
      if (timer) clearTimeout(timer);
      if (softTimer) clearTimeout(softTimer);
      removeEventListener('focus', start);
      removeEventListener('blur', stop);
      document.removeEventListener('visibilitychange', onVisibility);
      document.removeEventListener('focusin', onFocusIn, true);
      document.removeEventListener('keydown', onKeyDown, true);
      document.removeEventListener('keyup', onKeyUp, true);
      document.removeEventListener('click', onClick, true);
    },
  };
}
