// Formatting for the dialogs: sizes, dates, hashes, identifiers — locale-aware, no library.
import { formatLocalTime } from '../agent/core/local-time.js';
import type { Cert } from '../agent/core/types.js';
import { getLang, t } from './i18n.js';

/** "1,2 MB" / "1.2 MB"; bytes below 1 KiB shown exactly. */
export function formatSize(bytes: number): string {
  const locale = getLang() === 'vi' ? 'vi-VN' : 'en-GB';
  if (bytes < 1024) return `${bytes.toLocaleString(locale)} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toLocaleString(locale, { maximumFractionDigits: 1 })} ${units[i]} (${bytes.toLocaleString(locale)} B)`;
}

/** "1,2 MB" / "1.2 MB" without the exact byte count (for lists). */
export function formatSizeShort(bytes: number): string {
  return formatSize(bytes).replace(/ \(.*\)$/, '');
}

/** dd/MM/yyyy in Vietnamese, d MMM yyyy in English. */
export function formatDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return getLang() === 'vi'
    ? d.toLocaleDateString('vi-VN', { day: '2-digit', month: '2-digit', year: 'numeric' })
    : d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
}

/**
 * A moment as every place shows it — the PDF stamp, the portal, these dialogs: "14:05:09 03/12/2026 (GMT+7)", local
 * time with its zone (the one formatter in agent/core/local-time.ts, bundled here).
 */
export function formatDateTime(iso: string): string {
  return formatLocalTime(new Date(iso)) || iso;
}

/** Hex in groups of 4 for reading aloud and comparing. */
export function groupHex(hex: string, group = 4): string {
  const clean = hex.replace(/[^0-9a-f]/gi, '').toLowerCase();
  return clean.replace(new RegExp(`(.{${group}})(?=.)`, 'g'), '$1 ');
}

/** The identifiers of a certificate as "CCCD: …" / "MST: …" pairs. */
export function identifierPairs(cert: Pick<Cert, 'identifiers'>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const ids = cert.identifiers;
  if (ids.citizenId) out.push([t('citizenId'), ids.citizenId]);
  if (ids.taxCode) out.push([t('taxCode'), ids.taxCode]);
  if (ids.passport) out.push([t('passport'), ids.passport]);
  if (ids.budgetCode) out.push([t('budgetCode'), ids.budgetCode]);
  return out;
}
