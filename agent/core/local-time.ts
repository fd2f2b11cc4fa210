// The one way a time is shown to people — the PDF stamp, the dialogs, the demo portal: local time with its zone,
// "14:05:09 03/12/2026 (GMT+7)" (docs/protocol.md "Times shown to people"). Pure (no Node, no DOM): the renderer and
// the demo portal bundle this very file, so the three places cannot drift apart.

const pad = (n: number): string => String(n).padStart(2, '0');

/** "GMT+7", "GMT-3:30", "GMT+5:45", "GMT+0" for an offset east of UTC in minutes. */
export function zoneLabel(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const minutes = abs % 60;
  return `GMT${sign}${Math.floor(abs / 60)}${minutes ? `:${pad(minutes)}` : ''}`;
}

/**
 * `HH:mm:ss dd/MM/yyyy (GMT±h[:mm])` of `d`. The offset defaults to the local zone's at that instant (daylight saving
 * included); the agent passes nothing, so its PDF stamp shows the machine's local time and says which zone that is.
 */
export function formatLocalTime(d: Date, offsetMinutes: number = -d.getTimezoneOffset()): string {
  if (Number.isNaN(d.getTime())) return '';
  const v = new Date(d.getTime() + offsetMinutes * 60_000);
  const time = `${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}:${pad(v.getUTCSeconds())}`;
  const date = `${pad(v.getUTCDate())}/${pad(v.getUTCMonth() + 1)}/${v.getUTCFullYear()}`;
  return `${time} ${date} (${zoneLabel(offsetMinutes)})`;
}
