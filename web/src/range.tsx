/**
 * The time range every page shows (last hour, day, week), kept in localStorage.
 */
import { createContext, useContext, useState, type ReactNode } from 'react';

/** A selectable range with the bucket its charts use. */
export interface TimeRange {
  id: '1h' | '24h' | '7d';
  label: string;
  from: string;
  bucket: string;
}

/** The ranges on offer. */
export const RANGES: readonly TimeRange[] = [
  { id: '1h', label: 'Last hour', from: '-1h', bucket: '5m' },
  { id: '24h', label: 'Last 24 h', from: '-24h', bucket: '1h' },
  { id: '7d', label: 'Last 7 days', from: '-7d', bucket: '6h' },
];

const RangeContext = createContext<{ range: TimeRange; setRange: (r: TimeRange) => void }>({ range: RANGES[1]!, setRange: () => {} });

function saved(): TimeRange {
  try {
    return RANGES.find((r) => r.id === localStorage.getItem('daca.range')) ?? RANGES[1]!;
  } catch {
    return RANGES[1]!;
  }
}

/** Provides the selected range. */
export function RangeProvider({ children }: { children: ReactNode }) {
  const [range, set] = useState<TimeRange>(saved);
  const setRange = (r: TimeRange): void => {
    set(r);
    try {
      localStorage.setItem('daca.range', r.id);
    } catch {
      /* storage disabled */
    }
  };
  return <RangeContext.Provider value={{ range, setRange }}>{children}</RangeContext.Provider>;
}

/** The selected range. */
export function useRange(): { range: TimeRange; setRange: (r: TimeRange) => void } {
  return useContext(RangeContext);
}
