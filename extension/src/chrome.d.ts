// The few extension APIs the companion extension uses (Chrome and Firefox share them under `chrome`).
declare namespace chrome.runtime {
  interface MessageSender {
    id?: string;
    url?: string;
    origin?: string;
    tab?: { id?: number };
    frameId?: number;
  }
  interface Event<T extends (...args: never[]) => void> {
    addListener(cb: T): void;
    removeListener(cb: T): void;
  }
  interface Port {
    name: string;
    sender?: MessageSender;
    postMessage(message: unknown): void;
    disconnect(): void;
    onMessage: Event<(message: unknown, port: Port) => void>;
    onDisconnect: Event<(port: Port) => void>;
  }
  const id: string;
  const lastError: { message?: string } | undefined;
  function connect(info: { name: string }): Port;
  function connectNative(application: string): Port;
  function getManifest(): { version: string };
  const onConnect: Event<(port: Port) => void>;
}
